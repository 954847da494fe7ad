/**
 * The mapping the node starts with for each entity: valid, commented, and working against
 * Daktela's real fields (title, firstname, lastname, customFields.email/number, account). The
 * CRM side uses common names (id, first_name, email, company_id ...): rename them to your CRM's.
 */
import type { Entity } from './types';

export const DEFAULT_CONTACT_MAPPING = `# Contact: CRM -> Daktela. Daktela field on the left (cc_field), CRM field on the right.
entity: contact
lookup_field: name          # the Daktela field that finds an existing contact (upsert key)
direction: crm_to_cc        # transformers are written CRM -> Daktela; To CRM runs them in reverse
mappings:
  # External id: Daktela's unique name = prefix + CRM id
  - cc_field: name
    crm_field: id
    required: true
    transformers:
      - name: prefix
        params: { value: "crm_person_" }

  - cc_field: firstname
    crm_field: first_name

  - cc_field: lastname
    crm_field: last_name
    required: true

  # Display name built from two CRM fields
  - cc_field: title
    template: "{first_name} {last_name}"
    required: true

  # Daktela keeps e-mails and phone numbers as lists in custom fields
  - cc_field: customFields.email
    crm_field: email
    transformers:
      - name: trim
      - name: string_case
        params: { case: lower }
      - name: wrap_array

  - cc_field: customFields.number
    crm_field: phone
    transformers:
      - name: phone_normalize
        params: { format: e164, on_invalid: keep }
      - name: wrap_array

  # CRM company id -> Daktela account name. The default account mapping names accounts
  # crm_account_<id>; the relation lets the Daktela node check or resolve it in bulk.
  - cc_field: account
    crm_field: company_id
    transformers:
      - name: prefix
        params: { value: "crm_account_" }
    relation:
      entity: account
      resolve_from: id
      resolve_to: name

  - cc_field: description
    crm_field: notes

  # Daktela CRM database every contact belongs to
  - cc_field: database
    value: default
`;

export const DEFAULT_ACCOUNT_MAPPING = `# Account: CRM -> Daktela. Daktela field on the left (cc_field), CRM field on the right.
entity: account
lookup_field: name          # the Daktela field that finds an existing account (upsert key)
direction: crm_to_cc        # transformers are written CRM -> Daktela; To CRM runs them in reverse
mappings:
  # External id: Daktela's unique name = prefix + CRM id
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
      - name: trim

  - cc_field: description
    crm_field: description

  # Daktela CRM database every account belongs to
  - cc_field: database
    value: default
`;

export const DEFAULT_ACTIVITY_MAPPING = `# Activity: Daktela -> CRM. Daktela field on the left (cc_field), CRM field on the right.
# The CRM side is a generic activity (engagement) shape: rename the fields to your CRM's.
entity: activity
lookup_field: name          # Daktela's activity id, kept in the CRM as external_id
direction: cc_to_crm        # transformers are written Daktela -> CRM; To Daktela runs them in reverse
mappings:
  - cc_field: name
    crm_field: external_id
    required: true

  - cc_field: title
    crm_field: subject

  - cc_field: type
    crm_field: type
    transformers:
      - name: value_map
        params:
          map: { CALL: call, EMAIL: email, CHAT: chat, SMS: sms, FBM: message, WAP: message, VBR: message, IGDM: message }
          fallback: other

  - cc_field: time
    crm_field: start_time
    transformers:
      - name: date_format
        params: { from: "Y-m-d H:i:s", to: "c" }

  - cc_field: time_close
    crm_field: end_time
    transformers:
      - name: date_format
        params: { from: "Y-m-d H:i:s", to: "c" }

  - cc_field: duration
    crm_field: duration_seconds
    type: integer

  # Daktela returns relations as objects; resolve_to picks the field to keep
  - cc_field: contact
    crm_field: contact_id
    relation:
      entity: contact
      resolve_from: id
      resolve_to: name
    transformers:
      - name: strip_prefix
        params: { value: "crm_person_" }

  - cc_field: user.name
    crm_field: owner

  - cc_field: queue.title
    crm_field: queue

  - cc_field: description
    crm_field: body
`;

export const DEFAULT_MAPPINGS: Record<Entity, string> = {
	contact: DEFAULT_CONTACT_MAPPING,
	account: DEFAULT_ACCOUNT_MAPPING,
	activity: DEFAULT_ACTIVITY_MAPPING,
};
