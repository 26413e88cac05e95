import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { DEFAULT_VIS_HOST } from '../nodes/shared/auth/visToken';
import { visRequestsPerMinuteField } from '../nodes/shared/request/visQuota';

const HOST = `($self["baseUrl"] || "${DEFAULT_VIS_HOST}").replace(/\\/+$/, "")`;

/**
 * VIS with the OAuth2 authorization-code grant, the flow Vonage recommends for production:
 * n8n's Connect button signs the VBC user in at Vonage, and n8n stores and refreshes the tokens,
 * so no VBC password is kept in n8n. Connecting is its test: n8n's editor offers no Test button
 * for OAuth2 credentials.
 */
export class VonageVisOAuth2Api implements ICredentialType {
	name = 'vonageVisOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Vonage VIS OAuth2 API';

	icon: Icon = { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' };

	documentationUrl =
		'https://developer.vonage.com/en/vonage-business-communications/getting-started/create-an-access-token';

	properties: INodeProperties[] = [
		{
			displayName:
				'Create a developer application in the VBC developer portal (apimanager.uc.vonage.com), choose the "Code" grant type, register the OAuth Redirect URL that n8n shows here as its Callback URL, subscribe it to the VonageIntegrationSuite API, and copy its Production Keys below. Then click Connect and sign in as the VBC user the workflows act for. Vonage does not support SSO logins for this flow: the user needs a VBC username and password.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		visRequestsPerMinuteField,
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_VIS_HOST,
			description:
				'Host that serves /authorize, /token and the VIS API. Change it only for a regional host or a proxy.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{${HOST}}}/authorize`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{${HOST}}}/token`,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The Consumer Key of the developer application',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The Consumer Secret of the developer application',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'openid',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// Vonage's token endpoint takes the consumer key and secret as HTTP Basic auth.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];
}
