/**
 * The Field Mapper YAML of each template: what an Odoo or HubSpot record looks like as a Daktela
 * account / contact, and a Daktela activity as an Odoo message or a HubSpot call / note.
 * Daktela field on the left (cc_field), CRM field on the right (crm_field), as in the SDK.
 */

const ODOO_EMPTY = `      # Odoo sends false for an empty field: make it "no value"
      - name: value_map
        params: { map: { "false": ~ } }`;

export const ODOO_COMPANY_TO_ACCOUNT = `# Odoo company (res.partner with is_company = true) -> Daktela account.
# Daktela field on the left (cc_field), Odoo field on the right (crm_field).
entity: account
lookup_field: name          # Daktela's unique name holds the Odoo id: the key that finds the account again
direction: crm_to_cc
mappings:
  # External id: Daktela account name = "crm_account_" + Odoo partner id
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_account_" }

  - cc_field: title
    crm_field: name
    required: true
    transformers:
      - trim

  # Daktela keeps e-mails, phone numbers and web sites as lists in custom fields.
  # Remove the lines of custom fields your Daktela accounts do not have.
  - cc_field: customFields.email
    crm_field: email
    transformers:
${ODOO_EMPTY}
      - trim
      - name: string_case
        params: { case: lower }
      - wrap_array

  - cc_field: customFields.number
    crm_field: phone
    transformers:
${ODOO_EMPTY}
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - wrap_array

  - cc_field: customFields.web
    crm_field: website
    transformers:
${ODOO_EMPTY}
      - wrap_array

  # The Daktela CRM database new accounts go to
  - cc_field: database
    value: default
`;

export const ODOO_PERSON_TO_CONTACT = `# Odoo person (res.partner with is_company = false) -> Daktela contact.
# Daktela field on the left (cc_field), Odoo field on the right (crm_field).
entity: contact
lookup_field: name          # Daktela's unique name holds the Odoo id: the key that finds the contact again
direction: crm_to_cc
mappings:
  # External id: Daktela contact name = "crm_person_" + Odoo partner id
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_person_" }

  # Odoo keeps one name; Daktela wants a title plus first and last name
  - cc_field: title
    crm_field: name
    required: true
    transformers:
      - trim

  - cc_field: firstname
    expression: "{{ String($json.name).trim().split(' ').filter(Boolean).slice(0, -1).join(' ') }}"

  - cc_field: lastname
    expression: "{{ String($json.name).trim().split(' ').filter(Boolean).pop() }}"
    required: true

  - cc_field: customFields.email
    crm_field: email
    transformers:
${ODOO_EMPTY}
      - trim
      - name: string_case
        params: { case: lower }
      - wrap_array

  # Phone, then mobile appended to the same list
  - cc_field: customFields.number
    crm_field: phone
    transformers:
${ODOO_EMPTY}
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - wrap_array

  - cc_field: customFields.number
    crm_field: mobile
    append: true
    transformers:
${ODOO_EMPTY}
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - wrap_array

  # The company: Odoo's parent_id is [id, name]; the Daktela account is "crm_account_" + id
  - cc_field: account
    crm_field: parent_id.0
    transformers:
      - name: prefix
        params: { value: "crm_account_" }
    relation:
      entity: account
      resolve_from: id
      resolve_to: name

  # Job position as the contact's note
  - cc_field: description
    crm_field: function
    transformers:
${ODOO_EMPTY}

  - cc_field: database
    value: default
`;

export const ACTIVITY_TO_ODOO_MESSAGE = `# Daktela activity (call, e-mail, chat, message) -> Odoo message (mail.message) in the
# chatter of the Odoo contact. Daktela field on the left (cc_field), Odoo field on the right.
entity: activity
lookup_field: name
direction: cc_to_crm
mappings:
  # The Odoo partner: the Daktela contact is "crm_person_" + Odoo id (see the CRM -> Daktela sync)
  - cc_field: contact
    crm_field: res_id
    type: integer
    required: true
    relation:
      entity: contact
      resolve_from: id
      resolve_to: name
    transformers:
      - name: strip_prefix
        params: { value: "crm_person_", strict: true }

  - cc_field: type
    crm_field: model
    value: res.partner

  - cc_field: action
    crm_field: message_type
    value: comment

  # The Daktela activity name in the subject: shows where the message came from
  - cc_field: name
    crm_field: subject
    template: "Daktela {type}: {title} ({name})"

  - cc_field: description
    crm_field: body
    template: "<p><b>{type}</b> {title}</p><p>Agent: {user.title}. Queue: {queue.title}. Duration: {duration} s.</p><p>{description}</p>"

  # Odoo stores times as UTC "YYYY-MM-DD HH:MM:SS"
  - cc_field: time_close
    crm_field: date
    expression: "{{ $json.time_close ? DateTime.fromISO($json.time_close).toUTC().toFormat('yyyy-MM-dd HH:mm:ss') : DateTime.now().toUTC().toFormat('yyyy-MM-dd HH:mm:ss') }}"
`;

/**
 * HubSpot company as the CRM v3 objects API returns it (search, get):
 * { id, properties: { name, phone, ... }, createdAt, updatedAt }.
 */
export const HUBSPOT_COMPANY_TO_ACCOUNT = `# HubSpot company -> Daktela account. Daktela field on the left (cc_field), HubSpot
# property on the right (crm_field). HubSpot's CRM API returns companies as
# { id, properties: { name, phone, ... } }.
entity: account
lookup_field: name          # Daktela's unique name holds the HubSpot id: the key that finds the account again
direction: crm_to_cc
mappings:
  # External id: Daktela account name = "crm_account_" + HubSpot company id
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_account_" }

  - cc_field: title
    crm_field: properties.name
    required: true
    transformers:
      - trim

  # Remove the lines of custom fields your Daktela accounts do not have
  - cc_field: customFields.number
    crm_field: properties.phone
    transformers:
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - wrap_array

  - cc_field: customFields.web
    crm_field: properties.website
    transformers:
      - wrap_array

  - cc_field: description
    crm_field: properties.description

  - cc_field: database
    value: default
`;

/** HubSpot contact as the CRM v3 objects API returns it (search, get). */
export const HUBSPOT_CONTACT_TO_CONTACT = `# HubSpot contact -> Daktela contact. Daktela field on the left (cc_field), HubSpot
# property on the right (crm_field). HubSpot's CRM API returns contacts as
# { id, properties: { firstname, lastname, ... } }.
entity: contact
lookup_field: name          # Daktela's unique name holds the HubSpot id: the key that finds the contact again
direction: crm_to_cc
mappings:
  # External id: Daktela contact name = "crm_person_" + HubSpot contact id
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_person_" }

  - cc_field: firstname
    crm_field: properties.firstname

  # Daktela needs a last name and a title: fall back to the e-mail address
  - cc_field: lastname
    expression: "{{ $json.properties.lastname || $json.properties.email || 'Unknown' }}"
    required: true

  - cc_field: title
    expression: "{{ [$json.properties.firstname, $json.properties.lastname].filter(Boolean).join(' ') || $json.properties.email || 'Unknown' }}"
    required: true

  - cc_field: customFields.email
    crm_field: properties.email
    transformers:
      - trim
      - name: string_case
        params: { case: lower }
      - wrap_array

  - cc_field: customFields.number
    crm_field: properties.phone
    transformers:
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - wrap_array

  - cc_field: customFields.number
    crm_field: properties.mobilephone
    append: true
    transformers:
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - wrap_array

  # The primary company: the Daktela account is "crm_account_" + HubSpot company id
  - cc_field: account
    crm_field: properties.associatedcompanyid
    transformers:
      - name: prefix
        params: { value: "crm_account_" }
    relation:
      entity: account
      resolve_from: id
      resolve_to: name

  - cc_field: description
    crm_field: properties.jobtitle

  - cc_field: database
    value: default
`;

const HUBSPOT_ACTIVITY_COMMON = `  # The HubSpot contact: the Daktela contact is "crm_person_" + HubSpot id (see the CRM -> Daktela sync)
  - cc_field: contact
    crm_field: contact_id
    required: true
    relation:
      entity: contact
      resolve_from: id
      resolve_to: name
    transformers:
      - name: strip_prefix
        params: { value: "crm_person_", strict: true }
`;

export const ACTIVITY_TO_HUBSPOT_CALL = `# Daktela call -> HubSpot call (CRM calls API) on the contact's timeline.
# Daktela field on the left (cc_field), call field on the right (crm_field).
entity: activity
lookup_field: name
direction: cc_to_crm
mappings:
${HUBSPOT_ACTIVITY_COMMON}
  - cc_field: title
    crm_field: title
    template: "Daktela call: {title}"

  - cc_field: name
    crm_field: body
    template: "<p>Daktela call: {title} ({name})</p><p>Agent: {user.title}. Queue: {queue.title}.</p><p>{description}</p>"

  - cc_field: duration
    crm_field: duration_ms
    expression: "{{ Number($json.duration || 0) * 1000 }}"

  # HubSpot wants the call's time in UTC
  - cc_field: time_close
    crm_field: timestamp
    expression: "{{ DateTime.fromISO($json.time_close || $json.time).toUTC().toISO() }}"
`;

export const ACTIVITY_TO_HUBSPOT_NOTE = `# Daktela e-mail, chat or message -> HubSpot note on the contact's timeline.
# Daktela field on the left (cc_field), note field on the right (crm_field).
entity: activity
lookup_field: name
direction: cc_to_crm
mappings:
${HUBSPOT_ACTIVITY_COMMON}
  - cc_field: name
    crm_field: body
    template: "<p>Daktela {type}: {title} ({name})</p><p>Agent: {user.title}. Queue: {queue.title}. Duration: {duration} s.</p><p>{description}</p>"

  # HubSpot wants the note's time in UTC
  - cc_field: time_close
    crm_field: timestamp
    expression: "{{ DateTime.fromISO($json.time_close || $json.time).toUTC().toISO() }}"
`;
