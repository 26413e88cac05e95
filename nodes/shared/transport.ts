import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { applicationJwt, forgetApplicationJwt, type JwtCredentialFields } from './applicationJwt';
import { apiError } from './errors';
import { PrivateKeyError } from './privateKey';
import { visAccessToken, VisSignInError, visHost, VIS_API_PATH, type VisCredentialFields } from './visToken';

export type VonageContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

/** Which Vonage API a request goes to; each has its own host, credential and auth scheme. */
export type VonageApi = 'vis' | 'applications' | 'users' | 'voice';

export const CREDENTIAL_FOR_API: Record<VonageApi, string> = {
	vis: 'vonageVisPasswordApi',
	applications: 'vonageKeySecretApi',
	users: 'vonageJwtApi',
	voice: 'vonageJwtApi',
};

/** The VIS credential whose tokens n8n obtains (Connect button), stores and refreshes itself. */
export const VIS_OAUTH2_CREDENTIAL = 'vonageVisOAuth2Api';

/**
 * VIS nodes let the user pick the grant with an `authentication` parameter. It is read from the
 * node itself because it is never an expression, and absent means the default (password grant),
 * which is what workflows saved before the choice existed use.
 */
export function credentialTypeFor(context: VonageContext, api: VonageApi): string {
	// getNode() deep-copies the node, so it is only asked where the answer can differ.
	if (api === 'vis' && context.getNode().parameters.authentication === 'oAuth2') return VIS_OAUTH2_CREDENTIAL;
	return CREDENTIAL_FOR_API[api];
}

export const DEFAULT_NEXMO_HOST = 'https://api.nexmo.com';

export interface VonageRequest {
	api: VonageApi;
	method: IHttpRequestMethods;
	/** Built with `apiPath` so that ids are escaped. */
	path: string;
	query?: IDataObject;
	body?: IDataObject | IDataObject[];
	itemIndex?: number;
}

/**
 * Retry policy. Only requests that cannot act twice are retried: GET/PUT/DELETE are idempotent
 * in these APIs, while POST places calls, transfers them or creates things.
 */
export const retryPolicy = {
	maxAttempts: 3,
	baseDelayMs: 1000,
	/** Longer waits are reported instead of slept through, so an execution never hangs for minutes. */
	maxDelayMs: 60_000,
	sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

const IDEMPOTENT_METHODS = new Set<IHttpRequestMethods>(['GET', 'HEAD', 'PUT', 'DELETE']);

export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	if (header === undefined || header === null || header === '') return undefined;
	const text = String(Array.isArray(header) ? header[0] : header).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(attempt: number, retryAfterHeader: unknown): number {
	const fromHeader = retryAfterMs(retryAfterHeader);
	if (fromHeader !== undefined) return fromHeader;
	const exponential = retryPolicy.baseDelayMs * 2 ** (attempt - 1);
	return exponential + Math.floor(Math.random() * retryPolicy.baseDelayMs * 0.25);
}

function hostFor(api: VonageApi, credentials: IDataObject): string {
	if (api === 'vis') return visHost(credentials) + VIS_API_PATH;
	return String(credentials.baseUrl || DEFAULT_NEXMO_HOST).trim().replace(/\/+$/, '');
}

// The last key:secret pair and its header: a node sends the same one for every item.
let lastBasic = { pair: '', header: '' };

function basicAuthorization(pair: string): string {
	if (pair !== lastBasic.pair) lastBasic = { pair, header: `Basic ${Buffer.from(pair).toString('base64')}` };
	return lastBasic.header;
}

async function authorizationFor(
	context: VonageContext,
	api: VonageApi,
	credentials: IDataObject,
	rejectedToken: string | undefined,
): Promise<string> {
	if (api === 'vis') {
		const token = await visAccessToken(
			(options) => context.helpers.httpRequest(options),
			credentials as unknown as VisCredentialFields,
			{ rejectedToken },
		);
		return `Bearer ${token}`;
	}
	if (api === 'applications') return basicAuthorization(`${credentials.apiKey ?? ''}:${credentials.apiSecret ?? ''}`);
	if (rejectedToken) forgetApplicationJwt(rejectedToken);
	return `Bearer ${await applicationJwt(credentials as unknown as JwtCredentialFields)}`;
}

function bearerOf(authorization: string): string | undefined {
	return authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
}

interface HttpResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

class NotSentError extends Error {}

/**
 * Sends through n8n's OAuth2 helper, which signs with the stored token and, on a 401, refreshes it
 * and retries once (persisting the new tokens). That helper throws on every HTTP error status, so
 * HTTP errors are turned back into responses for the shared retry and error mapping. Errors without
 * a response that n8n raised itself (credential not connected, needs reconnecting) stay as they are.
 */
async function sendWithN8nOAuth2(context: VonageContext, options: IHttpRequestOptions): Promise<HttpResponse> {
	try {
		return await context.helpers.httpRequestWithAuthentication.call(context, VIS_OAUTH2_CREDENTIAL, options);
	} catch (error) {
		const cause = (error as { cause?: any }).cause ?? error;
		const response = cause?.response;
		if (response && typeof response.status === 'number') {
			return { statusCode: response.status, headers: response.headers ?? {}, body: response.data };
		}
		if (typeof cause?.code === 'string' || cause?.isAxiosError) throw cause;
		throw new NotSentError((error as Error).message, { cause: error });
	}
}

/**
 * The one way nodes talk to Vonage: adds auth, retries what is safe to retry, and turns
 * error bodies into NodeApiErrors carrying Vonage's own message. Returns the parsed body.
 */
export async function vonageRequest(context: VonageContext, request: VonageRequest): Promise<any> {
	const { api, method, path, query, body, itemIndex } = request;
	// n8n deep-copies the node on every getNode(), so it is fetched only to report an error.
	const node = () => context.getNode();
	const credentialType = credentialTypeFor(context, api);
	const credentials = await context.getCredentials(credentialType, itemIndex);
	const viaN8nOAuth2 = credentialType === VIS_OAUTH2_CREDENTIAL;
	const url = hostFor(api, credentials) + path;
	const mayRetry = IDEMPOTENT_METHODS.has(method);
	const options: IHttpRequestOptions = {
		method,
		url,
		qs: query,
		body,
		json: true,
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
	};

	let rejectedToken: string | undefined;
	let reauthenticated = viaN8nOAuth2; // n8n's OAuth2 helper already re-authenticates once on 401
	for (let attempt = 1; ; attempt++) {
		let authorization = '';
		try {
			if (!viaN8nOAuth2) authorization = await authorizationFor(context, api, credentials, rejectedToken);
		} catch (error) {
			if (error instanceof VisSignInError) {
				throw new NodeApiError(node(), error.body as JsonObject, {
					message: error.message,
					httpCode: String(error.status),
					itemIndex,
				});
			}
			if (error instanceof PrivateKeyError) {
				throw new NodeOperationError(node(), `Vonage JWT credential: ${error.message}`, { itemIndex });
			}
			throw error;
		}

		let response: HttpResponse;
		try {
			response = viaN8nOAuth2
				? await sendWithN8nOAuth2(context, { ...options, headers: { ...options.headers } })
				: await context.helpers.httpRequest({
						...options,
						headers: { ...options.headers, Authorization: authorization },
						ignoreHttpStatusErrors: true,
					});
		} catch (error) {
			if (error instanceof NotSentError) {
				throw new NodeOperationError(node(), `Vonage VIS OAuth2 credential: ${error.message}`, {
					itemIndex,
					description: 'Open the credential and click Connect (or Reconnect) to sign in to Vonage again.',
				});
			}
			// Connection failures: retry only what is safe to send twice.
			if (mayRetry && attempt < retryPolicy.maxAttempts) {
				await retryPolicy.sleep(backoffMs(attempt, undefined));
				continue;
			}
			throw new NodeApiError(node(), { message: (error as Error).message } as JsonObject, {
				message: `Vonage could not be reached at ${new URL(url).host}: ${(error as Error).message}`,
				itemIndex,
			});
		}

		const status = response.statusCode;
		if (status < 300) return response.body === '' ? {} : response.body;

		// A 401 means the request was not acted upon, so it is safe to resend once with a new token.
		if (status === 401 && !reauthenticated && api !== 'applications') {
			reauthenticated = true;
			rejectedToken = bearerOf(authorization);
			attempt--;
			continue;
		}
		if (mayRetry && isRetryableStatus(status) && attempt < retryPolicy.maxAttempts) {
			const delay = backoffMs(attempt, response.headers?.['retry-after']);
			if (delay <= retryPolicy.maxDelayMs) {
				await retryPolicy.sleep(delay);
				continue;
			}
		}
		throw apiError(node(), status, response.body, itemIndex);
	}
}
