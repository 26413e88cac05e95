import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	DEFAULT_VIS_HOST,
	freshVisAccessToken,
	VIS_API_PATH,
	type VisCredentialFields,
} from '../nodes/shared/auth/visToken';
import { visRequestsPerMinuteField } from '../nodes/shared/request/visQuota';

/**
 * VIS (Vonage Business Communications call control) with the OAuth2 password grant.
 * Nodes get their tokens through the shared transport, which caches them; the hidden
 * `accessToken` here only serves n8n's credential test and the HTTP Request node.
 */
export class VonageVisPasswordApi implements ICredentialType {
	name = 'vonageVisPasswordApi';

	displayName = 'Vonage VIS (Password Grant) API';

	icon: Icon = { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' };

	documentationUrl =
		'https://developer.vonage.com/en/vonage-business-communications/getting-started/create-an-access-token';

	properties: INodeProperties[] = [
		{
			displayName:
				'Create a developer application at apimanager.uc.vonage.com, subscribe it to the VonageIntegrationSuite API, and copy its Production Keys here. The username and password are those of a VBC user (not the developer account).',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Consumer Key',
			name: 'consumerKey',
			type: 'string',
			default: '',
			required: true,
			description:
				'The Consumer Key of your developer application: apimanager.uc.vonage.com → your application → Production Keys',
		},
		{
			displayName: 'Consumer Secret',
			name: 'consumerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The Consumer Secret shown beside the Consumer Key under Production Keys',
		},
		{
			displayName: 'VBC Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description:
				'The VBC user login. "@vbc.prod" is appended when missing, as the password grant requires.',
		},
		{
			displayName: 'VBC Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The password this VBC user signs in to Vonage Business Communications with',
		},
		visRequestsPerMinuteField,
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_VIS_HOST,
			description:
				'Host that serves /token and the VIS API. Change it only for a regional host or a proxy.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const accessToken = await freshVisAccessToken(
			(options) => this.helpers.httpRequest(options),
			credentials as unknown as VisCredentialFields,
		);
		return { accessToken };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.accessToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{($credentials.baseUrl || "${DEFAULT_VIS_HOST}").replace(/\\/+$/, "")}}${VIS_API_PATH}`,
			url: '/self',
		},
	};
}
