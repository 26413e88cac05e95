import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * Account API key and secret, sent as HTTP Basic auth for the Application API v2, and the account's
 * signature secret, which verifies signed Voice callbacks.
 */
export class VonageKeySecretApi implements ICredentialType {
	name = 'vonageKeySecretApi';

	displayName = 'Vonage Key and Secret API';

	icon: Icon = { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' };

	documentationUrl = 'https://developer.vonage.com/en/application/overview';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown at the top of the Vonage API Dashboard',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown beside the API key at the top of the Vonage API Dashboard',
		},
		{
			displayName: 'Signature Secret',
			name: 'signatureSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The account signature secret (Dashboard → Settings), with which Vonage signs Voice callbacks; the Vonage Voice Trigger needs it for applications with signed callbacks on.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.nexmo.com',
			description: 'Change it only for a regional host or a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.apiKey}}', password: '={{$credentials.apiSecret}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.nexmo.com").replace(/\\/+$/, "")}}',
			url: '/v2/applications',
			qs: { page_size: 1 },
		},
	};
}
