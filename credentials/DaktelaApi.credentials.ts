import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Daktela V6 API access token.
 *
 * The token always travels in the `X-AUTH-TOKEN` header (never in a URL, where it would end up in
 * proxy and server logs). The instance URL is accepted with or without a trailing slash or
 * `/api/v6`; the transport normalises it (see nodes/shared/transport/url.ts).
 */
export class DaktelaApi implements ICredentialType {
	name = 'daktelaApi';

	displayName = 'Daktela API';

	icon: Icon = { light: 'file:../icons/daktela.svg', dark: 'file:../icons/daktela.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-daktela/n8n-nodes-daktela#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Instance URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://yourcompany.daktela.com',
			required: true,
			description:
				'Address of your Daktela instance, for example https://yourcompany.daktela.com. A trailing slash or /api/v6 is fine.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'API access token from Daktela: Manage → Users → (user) → API tokens. The node acts with this user’s rights.',
		},
		{
			displayName: 'Instance Time Zone',
			name: 'timeZone',
			type: 'string',
			default: 'Europe/Prague',
			placeholder: 'Europe/Prague',
			description:
				'IANA time zone of the Daktela instance. Daktela sends and expects times as "YYYY-MM-DD HH:MM:SS" without an offset, in this zone; the nodes convert them to and from ISO 8601.',
		},
	];

	// A function rather than the generic `{ headers: { 'X-AUTH-TOKEN': '={{$credentials...}}' } }`:
	// n8n applies `authenticate` to every request, and the generic form costs an expression
	// evaluation each time (about a third of a millisecond of CPU, a fifth of a batch upsert's CPU
	// per record); the function sets the same header directly.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const token = credentials.accessToken;
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				'X-AUTH-TOKEN': typeof token === 'string' ? token : '',
			},
		};
	}

	// Daktela answers 200 with `result.user = null` when the token is missing or unknown, so an
	// HTTP 200 alone proves nothing: the rule fails the test when no user came back.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.url.trim().replace(/\\/+$/, "").replace(/\\/api\\/v6$/i, "").replace(/\\/+$/, "")}}/api/v6',
			url: '/whoim.json',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'result.user',
					value: null,
					message:
						'Daktela did not recognise this access token (whoim.json returned no user). Check the token and the instance URL.',
				},
			},
		],
	};
}
