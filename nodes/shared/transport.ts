import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	ITriggerFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { applicationJwt, forgetApplicationJwt, type JwtCredentialFields } from './applicationJwt';
import { checkedBaseUrl } from './baseUrl';
import { apiError } from './errors';
import { PrivateKeyError } from './privateKey';
import { redactSecrets, secretForms } from './redact';
import { DEFAULT_VIS_REQUESTS_PER_MINUTE, takeVisTurn, visQuotaKey } from './visQuota';
import { visAccessToken, VisSignInError, visHost, VIS_API_PATH, type VisCredentialFields } from './visToken';

export type VonageContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ITriggerFunctions
	| IPollFunctions;

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

/**
 * VIS nodes let the user pick the grant with an `authentication` parameter. It is read from the
 * node itself because it is never an expression, and absent means the default (password grant),
 * which is what workflows saved before the choice existed use.
 */
export function credentialTypeFor(context: VonageContext, api: VonageApi): string {
	// getNode() deep-copies the node, so it is only asked where the answer can differ.
	if (api === 'vis' && context.getNode().parameters.authentication === 'oAuth2') return VIS_CODE_GRANT_CREDENTIAL;
	return CREDENTIAL_FOR_API[api];
}

export const DEFAULT_NEXMO_HOST = 'https://api.nexmo.com';

const CREDENTIAL_LABEL: Record<string, string> = {
	vonageVisPasswordApi: 'Vonage VIS (Password Grant)',
	vonageVisOAuth2Api: 'Vonage VIS OAuth2',
	vonageKeySecretApi: 'Vonage Key and Secret',
	vonageJwtApi: 'Vonage Application JWT',
};

export interface VonageRequest {
	api: VonageApi;
	method: IHttpRequestMethods;
	/** Built with `apiPath` so that ids are escaped. */
	path: string;
	query?: IDataObject;
	body?: IDataObject | IDataObject[];
	itemIndex?: number;
	/** A 404 resolves to undefined instead of an error: for callers to whom "gone" is an answer. */
	notFoundIsUndefined?: boolean;
	/**
	 * A PUT or DELETE that acts on a live call (transfer, hang up, speak, play, DTMF): idempotent
	 * by HTTP's definition, but a resend after a 5xx or a lost answer could act twice, so it is
	 * repeated only after a 429 (nothing was done).
	 */
	actsOnCall?: boolean;
}

/**
 * Retry and deadline policy. Only requests that cannot act twice are retried on 5xx or a lost
 * connection: GET/PUT/DELETE are idempotent in these APIs, while POST places calls, transfers
 * them or creates things. A 429 is retried for every method, because it means nothing was done.
 */
export const retryPolicy = {
	maxAttempts: 3,
	baseDelayMs: 1000,
	/** Longer waits are reported instead of slept through, so an execution never hangs for minutes. */
	maxDelayMs: 60_000,
	/** Each attempt, token requests included, must complete within this (a node option overrides it). */
	deadlineMs: 30_000,
	sleep: async (ms: number) => await sleep(ms),
	now: () => Date.now(),
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
	return checkedBaseUrl(credentials.baseUrl, DEFAULT_NEXMO_HOST);
}

// The last key:secret pair and its header: a node sends the same one for every item.
let lastBasic = { pair: '', header: '' };

function basicAuthorization(pair: string): string {
	if (pair !== lastBasic.pair) lastBasic = { pair, header: `Basic ${Buffer.from(pair).toString('base64')}` };
	return lastBasic.header;
}

/** n8n's httpRequest with `returnFullResponse`, under this request's deadline. */
type Send = (options: IHttpRequestOptions) => Promise<HttpResponse>;

async function authorizationFor(
	api: VonageApi,
	credentials: IDataObject,
	rejectedToken: string | undefined,
	send: Send,
): Promise<string> {
	if (api === 'vis') {
		const token = await visAccessToken(send, credentials as unknown as VisCredentialFields, { rejectedToken });
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

class DeadlineError extends Error {}

/**
 * Every attempt gets its own deadline that also cuts a response trickling in byte by byte (n8n's
 * own timeout only counts idle time). The request is aborted where n8n lets us pass a signal, and
 * in any case the caller stops waiting.
 */
async function withDeadline<T>(deadlineMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
	const signal = AbortSignal.timeout(deadlineMs);
	let onAbort: () => void = () => undefined;
	const expired = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(new DeadlineError(`no complete answer within ${Math.round(deadlineMs / 1000)} s`));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([run(signal), expired]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** n8n's SSRF protection refuses some hosts; sending again would be refused again. */
function ssrfBlock(error: unknown): Error | undefined {
	for (let cause = error as ErrorChain, depth = 0; cause && depth < 5; cause = cause.cause, depth++) {
		if (typeof cause.name === 'string' && cause.name.startsWith('SsrfBlocked')) return cause as Error;
	}
	return undefined;
}

/** An error and the causes it wraps, as far as they are read here: anything may be missing. */
type ErrorChain = { name?: unknown; cause?: ErrorChain } | null | undefined;

/** What is read of an error from n8n's OAuth2 helper: an axios error, or one wrapping it. */
interface HelperError {
	code?: unknown;
	isAxiosError?: unknown;
	response?: { status?: unknown; headers?: IDataObject; data?: unknown };
}

type OAuth2Outcome = { response: HttpResponse } | { notSent: Error } | { failed: unknown };

/**
 * Sends through n8n's OAuth2 helper, which signs with the stored token and, on a 401, refreshes it
 * and retries once (persisting the new tokens). That helper throws on every HTTP error status, so
 * HTTP errors are turned back into responses for the shared retry and error mapping. Errors
 * without a response that n8n raised itself (credential not connected, needs reconnecting) mean
 * nothing was sent.
 */
async function sendWithN8nOAuth2(context: VonageContext, options: IHttpRequestOptions): Promise<OAuth2Outcome> {
	try {
		return { response: await context.helpers.httpRequestWithAuthentication.call(context, VIS_CODE_GRANT_CREDENTIAL, options) };
	} catch (error) {
		const cause = ((error as { cause?: HelperError } | undefined)?.cause ?? error) as HelperError | undefined;
		const response = cause?.response;
		if (response && typeof response.status === 'number') {
			return { response: { statusCode: response.status, headers: response.headers ?? {}, body: response.data } };
		}
		if (typeof cause?.code === 'string' || cause?.isAxiosError || ssrfBlock(error)) return { failed: cause };
		return { notSent: error as Error };
	}
}

/** The node's Request Timeout option where the node has one, else the default. */
function deadlineFor(context: VonageContext, itemIndex: number | undefined): number {
	if (itemIndex === undefined || !('getInputData' in context)) return retryPolicy.deadlineMs;
	const seconds = Number(context.getNodeParameter('requestOptions.timeoutSeconds', itemIndex, 0));
	return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : retryPolicy.deadlineMs;
}

/** The values of a credential that must never appear in an error, in every form they travel in. */
function secretsOf(credentials: IDataObject, authorization: string): string[] {
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	return secretForms([
		credentials.password,
		credentials.consumerSecret,
		credentials.clientSecret,
		credentials.apiSecret,
		credentials.signatureSecret,
		credentials.privateKey,
		tokenData.access_token,
		tokenData.refresh_token,
		bearerOf(authorization),
		`${credentials.apiKey ?? ''}:${credentials.apiSecret ?? ''}`,
		`${credentials.consumerKey ?? ''}:${credentials.consumerSecret ?? ''}`,
	] as Array<string | undefined>);
}

function textPreview(body: unknown): string {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * The one way nodes talk to Vonage: checks the Base URL, adds auth, paces VIS, never follows a
 * redirect (so no credential can reach another host), gives every attempt a deadline, retries
 * what is safe to retry, and turns error bodies into NodeApiErrors carrying Vonage's own message
 * with every secret removed. Returns the parsed JSON body.
 */
export async function vonageRequest(context: VonageContext, request: VonageRequest): Promise<any> {
	const { api, method, path, query, body, itemIndex } = request;
	// n8n deep-copies the node on every getNode(), so it is fetched only to report an error.
	const node = () => context.getNode();
	const credentialType = credentialTypeFor(context, api);
	const credentials = await context.getCredentials(credentialType, itemIndex);
	let url: string;
	try {
		url = hostFor(api, credentials) + path;
	} catch (error) {
		// hostFor throws only BaseUrlError.
		throw new NodeOperationError(node(), `Base URL in the ${CREDENTIAL_LABEL[credentialType]} credential: ${(error as Error).message}`, {
			itemIndex,
			description: 'Open the credential and correct its Base URL. Nothing was sent.',
		});
	}
	const host = new URL(url).host;
	const viaN8nOAuth2 = credentialType === VIS_CODE_GRANT_CREDENTIAL;
	const mayRetry = IDEMPOTENT_METHODS.has(method) && !request.actsOnCall;
	const deadlineMs = deadlineFor(context, itemIndex);
	// Redirects are never followed: a Vonage endpoint has no reason to send one, and following it
	// would carry the Authorization header (or a POST body) to wherever it points.
	const send: Send = async (options) =>
		await withDeadline(deadlineMs, async (signal) =>
			await context.helpers.httpRequest({ ...options, disableFollowRedirect: true, timeout: deadlineMs, abortSignal: signal }),
		);
	const options: IHttpRequestOptions = {
		method,
		url,
		qs: query,
		body,
		json: true,
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
	};
	const quotaKey = api === 'vis' ? visQuotaKey([url.slice(0, url.length - path.length), credentials.consumerKey ?? credentials.clientId, credentials.username ?? '']) : '';

	let rejectedToken: string | undefined;
	let authorization = '';
	let reauthenticated = viaN8nOAuth2; // n8n's OAuth2 helper already re-authenticates once on 401
	const fail = (status: number, responseBody: unknown) =>
		apiError(node(), status, redactSecrets(responseBody, secretsOf(credentials, authorization)), itemIndex);
	for (let attempt = 1; ; attempt++) {
		try {
			if (!viaN8nOAuth2) authorization = await authorizationFor(api, credentials, rejectedToken, send);
		} catch (error) {
			if (error instanceof VisSignInError) {
				const safe = redactSecrets({ message: error.message, body: error.body }, secretsOf(credentials, ''));
				throw new NodeApiError(node(), safe.body as JsonObject, { message: safe.message, httpCode: String(error.status), itemIndex });
			}
			if (error instanceof PrivateKeyError) {
				throw new NodeOperationError(node(), `Vonage JWT credential: ${error.message}`, { itemIndex });
			}
			throw connectionError(error);
		}
		if (quotaKey) {
			try {
				await takeVisTurn(quotaKey, Number(credentials.requestsPerMinute), retryPolicy, (ms) =>
					context.logger.info(`Vonage VIS: waiting ${Math.ceil(ms / 1000)} s for the credential's request quota (${Number(credentials.requestsPerMinute) || DEFAULT_VIS_REQUESTS_PER_MINUTE} per minute)`),
				);
			} catch (error) {
				// The pacer fails only when its waits keep ending early (VisQuotaWaitError).
				throw new NodeOperationError(node(), `Vonage VIS: ${(error as Error).message}`, {
					itemIndex,
					description: "Check the credential's Requests per Minute; n8n's timers did not wait as long as asked.",
				});
			}
		}

		let outcome: OAuth2Outcome;
		try {
			outcome = viaN8nOAuth2
				? await withDeadline(deadlineMs, async () =>
						await sendWithN8nOAuth2(context, { ...options, headers: { ...options.headers }, disableFollowRedirect: true, timeout: deadlineMs }),
					)
				: { response: await send({ ...options, headers: { ...options.headers, Authorization: authorization }, ignoreHttpStatusErrors: true }) };
		} catch (error) {
			outcome = { failed: error };
		}
		if ('notSent' in outcome) {
			// n8n 2.41 says "Unable to sign without access token" (n8n-core alone: "not connected").
			const neverConnected = /without access token|not connected/i.test(outcome.notSent.message);
			throw new NodeOperationError(
				node(),
				neverConnected
					? 'The Vonage VIS OAuth2 credential is not connected yet: open the credential and click Connect to sign in at Vonage'
					: `Vonage VIS OAuth2 credential: ${outcome.notSent.message}`,
				{ itemIndex, description: 'Open the credential and click Connect (or Reconnect) to sign in to Vonage. Nothing was sent.' },
			);
		}
		if ('failed' in outcome) {
			// Connection failures: retry only what is safe to send twice, and never an SSRF refusal.
			if (!ssrfBlock(outcome.failed) && mayRetry && attempt < retryPolicy.maxAttempts) {
				await retryPolicy.sleep(backoffMs(attempt, undefined));
				continue;
			}
			throw connectionError(outcome.failed);
		}
		const { response } = outcome;

		const status = response.statusCode;
		if (status === 404 && request.notFoundIsUndefined) return undefined;
		if (status >= 300 && status < 400) {
			const location = String(firstOf(response.headers?.location) ?? '');
			let target = 'another address';
			try {
				target = new URL(location, url).host;
			} catch {
				// A Location that is not a URL: the message says "another address".
			}
			throw new NodeApiError(node(), { status } as JsonObject, {
				message: `Vonage answered HTTP ${status}, a redirect to ${target}; it was not followed, so no credential or request body left ${host}`,
				description: 'Check the Base URL in the credential: Vonage APIs do not redirect.',
				httpCode: String(status),
				itemIndex,
			});
		}
		if (status < 300) {
			if (response.body === '' || response.body === undefined || response.body === null) return {};
			if (typeof response.body === 'object' && !Buffer.isBuffer(response.body)) return response.body;
			const contentType = String(firstOf(response.headers?.['content-type']) ?? 'no content type');
			throw new NodeApiError(node(), { status } as JsonObject, {
				message: `Vonage answered HTTP ${status} with ${contentType} that is not JSON: "${redactSecrets(textPreview(response.body), secretsOf(credentials, authorization))}"`,
				description: `Expected a JSON answer from ${host}. Check the Base URL in the credential.`,
				httpCode: String(status),
				itemIndex,
			});
		}

		// A 401 means the request was not acted upon, so it is safe to resend once with a new token.
		if (status === 401 && !reauthenticated && api !== 'applications') {
			reauthenticated = true;
			rejectedToken = bearerOf(authorization);
			attempt--;
			continue;
		}
		if ((status === 429 || (mayRetry && isRetryableStatus(status))) && attempt < retryPolicy.maxAttempts) {
			const delay = backoffMs(attempt, firstOf(response.headers?.['retry-after']));
			if (delay <= retryPolicy.maxDelayMs) {
				if (delay >= 5000) context.logger.info(`Vonage: HTTP ${status}, retrying in ${Math.ceil(delay / 1000)} s as asked`);
				await retryPolicy.sleep(delay);
				continue;
			}
		}
		throw fail(status, response.body);
	}

	function connectionError(error: unknown): NodeApiError {
		const blocked = ssrfBlock(error);
		const message = blocked
			? `n8n's SSRF protection blocked the request to ${host} (${redactSecrets(blocked.message, secretsOf(credentials, authorization))}); an n8n administrator can allow the host in n8n's SSRF settings`
			: error instanceof DeadlineError
				? `Vonage at ${host} gave ${error.message}`
				: `Vonage could not be reached at ${host}: ${redactSecrets((error as Error).message, secretsOf(credentials, authorization))}`;
		return new NodeApiError(node(), { message } as JsonObject, { message, itemIndex });
	}
}

function firstOf(value: unknown): unknown {
	return Array.isArray(value) ? value[0] : value;
}
