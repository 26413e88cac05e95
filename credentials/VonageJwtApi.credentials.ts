import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { applicationJwt, type JwtCredentialFields } from '../nodes/shared/auth/applicationJwt';

/** A Vonage application's private key, used to sign RS256 JWTs for the Users and Voice APIs. */
export class VonageJwtApi implements ICredentialType {
	name = 'vonageJwtApi';

	displayName = 'Vonage Application JWT API';

	icon: Icon = { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' };

	documentationUrl =
		'https://developer.vonage.com/en/getting-started/concepts/authentication#json-web-tokens';

	properties: INodeProperties[] = [
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
			description:
				'The ID of the Vonage API application whose private key goes below: Vonage API Dashboard → Applications. The nodes act for this application.',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			description:
				'The PEM private key of the application (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY"). Literal \\n sequences and lost line breaks are repaired.',
		},
		{
			displayName: 'Token Lifetime (Seconds)',
			name: 'jwtLifetimeSeconds',
			type: 'number',
			typeOptions: { minValue: 30, maxValue: 86400 },
			default: 900,
			description:
				'How long each signed JWT is valid. A token is reused until 60 seconds before it expires.',
		},
		{
			displayName: 'Subject (Sub)',
			name: 'subject',
			type: 'string',
			default: '',
			description:
				'Optional user name to put in the "sub" claim (Client SDK users). Leave empty for an application token.',
		},
		{
			displayName: 'ACL (JSON)',
			name: 'acl',
			type: 'string',
			default: '',
			placeholder: '{"paths": {"/*/users/**": {}}}',
			description: 'Optional "acl" claim, as a JSON object',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.nexmo.com',
			description: 'Change it only for a regional host or a proxy',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const token = await applicationJwt(credentials as unknown as JwtCredentialFields);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.nexmo.com").replace(/\\/+$/, "")}}',
			url: '/v1/users',
			qs: { page_size: 1 },
		},
	};
}
