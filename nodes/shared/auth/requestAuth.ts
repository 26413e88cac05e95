import type { IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';

import { applicationJwt, forgetApplicationJwt, type JwtCredentialFields } from './applicationJwt';
import { visAccessToken, type VisCredentialFields } from './visToken';

/** Which Vonage API a request goes to; each has its own host, credential and auth scheme. */
export type VonageApi = 'vis' | 'applications' | 'users' | 'voice';

export const CREDENTIAL_FOR_API: Record<VonageApi, string> = {
	vis: 'vonageVisPasswordApi',
	applications: 'vonageKeySecretApi',
	users: 'vonageJwtApi',
	voice: 'vonageJwtApi',
};

/** The VIS credential whose tokens n8n obtains (Connect button), stores and refreshes itself. */
export const VIS_CODE_GRANT_CREDENTIAL = 'vonageVisOAuth2Api';

export const CREDENTIAL_LABEL: Record<string, string> = {
	vonageVisPasswordApi: 'Vonage VIS (Password Grant)',
	vonageVisOAuth2Api: 'Vonage VIS OAuth2',
	vonageKeySecretApi: 'Vonage Key and Secret',
	vonageJwtApi: 'Vonage Application JWT',
};

/**
 * VIS nodes let the user pick the grant with an `authentication` parameter. It is read from the
 * node itself because it is never an expression, and absent means the default (password grant),
 * which is what workflows saved before the choice existed use.
 */
export function credentialTypeFor(node: () => INode, api: VonageApi): string {
	// getNode() deep-copies the node, so it is only asked where the answer can differ.
	if (api === 'vis' && node().parameters.authentication === 'oAuth2')
		return VIS_CODE_GRANT_CREDENTIAL;
	return CREDENTIAL_FOR_API[api];
}

/** n8n's full response (`returnFullResponse`), which every request of the transport asks for. */
export interface FullResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

export type Send = (options: IHttpRequestOptions) => Promise<FullResponse>;

// The last key:secret pair and its header: a node sends the same one for every item.
let lastBasic = { pair: '', header: '' };

function basicAuthorization(pair: string): string {
	if (pair !== lastBasic.pair)
		lastBasic = { pair, header: `Basic ${Buffer.from(pair).toString('base64')}` };
	return lastBasic.header;
}

/**
 * The one place that builds a request's Authorization header, for every credential but the VIS
 * OAuth2 one (n8n signs those itself). Not n8n's httpRequestWithAuthentication, for the reasons in
 * docs/behaviour.md ("Authorization"); test/credentialAuth.test.ts keeps both headers the same.
 */
export async function authorizationFor(
	api: VonageApi,
	credentials: IDataObject,
	rejectedToken: string | undefined,
	send: Send,
): Promise<string> {
	if (api === 'vis') {
		const token = await visAccessToken(send, credentials as unknown as VisCredentialFields, {
			rejectedToken,
		});
		return `Bearer ${token}`;
	}
	if (api === 'applications')
		return basicAuthorization(`${credentials.apiKey ?? ''}:${credentials.apiSecret ?? ''}`);
	if (rejectedToken) forgetApplicationJwt(rejectedToken);
	return `Bearer ${await applicationJwt(credentials as unknown as JwtCredentialFields)}`;
}

export function bearerOf(authorization: string): string | undefined {
	return authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
}
