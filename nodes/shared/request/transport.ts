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
} from 'n8n-workflow';

import { checkedBaseUrl } from './baseUrl';
import { baseUrlError, requestErrors, secretsOf, ssrfBlock } from './errors';
import {
	authorizationFor,
	bearerOf,
	credentialTypeFor,
	VIS_CODE_GRANT_CREDENTIAL,
	type FullResponse,
	type Send,
	type VonageApi,
} from '../auth/requestAuth';
import {
	backoffMs,
	DeadlineError,
	deadlineFor,
	mayResend,
	retryDelayAfter,
	retryPolicy,
	withDeadline,
} from './retry';
import { checkVonageFileUrl, formatBytes, limitBytes, type BodyStream } from './files';
import { DEFAULT_VIS_REQUESTS_PER_MINUTE, takeVisTurn, visQuotaKey } from './visQuota';
import { visHost, VIS_API_PATH } from '../auth/visToken';

export type { VonageApi } from '../auth/requestAuth';

export type VonageContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ITriggerFunctions
	| IPollFunctions;

export const DEFAULT_NEXMO_HOST = 'https://api.nexmo.com';

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
	/**
	 * A file a Vonage event named (a recording_url or transcription_url), fetched with the
	 * credential's auth: `path` is ignored, the URL must name one of Vonage's API hosts or the
	 * credential's own Base URL (checkVonageFileUrl) before anything is sent, and the answer is a
	 * VonageFile whose body streams, cut off beyond `maxBytes`.
	 */
	file?: { url: unknown; label: string; maxBytes: number; what: string };
}

/** A file as it arrives: its body is a stream, never held whole here. */
export interface VonageFile {
	body: BodyStream & AsyncIterable<Buffer>;
	contentType: string;
	/** From Content-Length, when the server sent one. */
	contentLength?: number;
	headers: IDataObject;
	url: string;
}

/** One attempt: an answer, a failure to connect, or (VIS OAuth2) n8n refusing to sign. */
type Outcome = { response: FullResponse } | { notSent: Error } | { failed: unknown };

/** What to do after an attempt. */
type Next =
	{ answer: unknown } | { retryInMs: number } | { reauthenticate: true } | { error: Error };

/**
 * The one way nodes talk to Vonage: checks the Base URL, adds auth, paces VIS, never follows a
 * redirect (so no credential can reach another host), gives every attempt a deadline, retries
 * what is safe to retry, and turns error bodies into NodeApiErrors carrying Vonage's own message
 * with every secret removed. Returns the parsed JSON body (`{}` when there is none), undefined
 * after a 404 with `notFoundIsUndefined`, or a VonageFile with `file`: `T` says which shape the
 * caller reads, an object by default.
 */
export async function vonageRequest<T = IDataObject>(
	context: VonageContext,
	request: VonageRequest,
): Promise<T> {
	const exchange = await openExchange(context, request);
	for (let attempt = 1; ; attempt++) {
		await exchange.authorize();
		await exchange.takeQuotaTurn();
		const next = judge(await exchange.send(), exchange, attempt);
		if ('answer' in next) return next.answer as T;
		if ('error' in next) throw next.error;
		if ('reauthenticate' in next) attempt--;
		else await retryPolicy.sleep(next.retryInMs);
	}
}

type Exchange = Awaited<ReturnType<typeof openExchange>>;

/** Everything one request needs across its attempts: credential, URL, auth, deadline, errors. */
async function openExchange(context: VonageContext, request: VonageRequest) {
	const { api, method, path, query, body, itemIndex } = request;
	// n8n deep-copies the node on every getNode(), so it is fetched only to report an error.
	const node = () => context.getNode();
	const credentialType = credentialTypeFor(node, api);
	const credentials = await context.getCredentials(credentialType, itemIndex);
	let url: string;
	try {
		url = hostFor(api, credentials) + path;
	} catch (error) {
		// hostFor throws only BaseUrlError.
		throw baseUrlError(node(), credentialType, error as Error, itemIndex);
	}
	const file = request.file;
	// Checked before anything is signed or sent: a payload chooses this URL, not the user.
	if (file) url = checkVonageFileUrl(file.label, file.url, hostFor(api, credentials)).href;
	const viaN8nOAuth2 = credentialType === VIS_CODE_GRANT_CREDENTIAL;
	const deadlineMs = deadlineFor(context, itemIndex);
	let authorization = '';
	let rejectedToken: string | undefined;
	const errors = requestErrors(node, new URL(url).host, itemIndex, () =>
		secretsOf(credentials, authorization),
	);
	// Redirects are never followed: a Vonage endpoint has no reason to send one, and following it
	// would carry the Authorization header (or a POST body) to wherever it points.
	const sendWithDeadline: Send = async (options) =>
		await withDeadline(
			deadlineMs,
			async (signal) =>
				await context.helpers.httpRequest({
					...options,
					disableFollowRedirect: true,
					timeout: deadlineMs,
					abortSignal: signal,
				}),
		);
	const options: IHttpRequestOptions = file
		? {
				method: 'GET',
				url,
				json: false,
				encoding: 'stream',
				headers: { Accept: '*/*' },
				returnFullResponse: true,
			}
		: {
				method,
				url,
				qs: query,
				body,
				json: true,
				headers: { Accept: 'application/json' },
				returnFullResponse: true,
			};
	// A file's deadline covers its answer, not its body: a long recording may take longer to arrive
	// than any answer should. Its body is bounded by size and by the socket going idle (timeout).
	const sendFile = async (sent: IHttpRequestOptions): Promise<FullResponse> => {
		const controller = new AbortController();
		const deadline = AbortSignal.timeout(deadlineMs);
		let answered = false;
		const onDeadline = () => {
			if (!answered) controller.abort();
		};
		deadline.addEventListener('abort', onDeadline, { once: true });
		try {
			const response = await context.helpers.httpRequest({
				...sent,
				disableFollowRedirect: true,
				timeout: deadlineMs,
				abortSignal: controller.signal,
			});
			answered = true;
			return response;
		} catch (error) {
			throw controller.signal.aborted
				? new DeadlineError(`no answer within ${Math.round(deadlineMs / 1000)} s`)
				: error;
		} finally {
			deadline.removeEventListener('abort', onDeadline);
		}
	};
	const quotaKey =
		api === 'vis'
			? visQuotaKey([
					url.slice(0, url.length - path.length),
					credentials.consumerKey ?? credentials.clientId,
					credentials.username ?? '',
				])
			: '';

	return {
		api,
		url,
		errors,
		notFoundIsUndefined: request.notFoundIsUndefined === true,
		resendable: mayResend(method, request.actsOnCall),
		file,
		/** n8n's OAuth2 helper already re-authenticates once on 401. */
		reauthenticated: viaN8nOAuth2,
		log: (message: string) => context.logger.info(message),

		/** Sets the Authorization header (n8n signs OAuth2 requests itself). */
		async authorize() {
			if (viaN8nOAuth2) return;
			try {
				authorization = await authorizationFor(api, credentials, rejectedToken, sendWithDeadline);
			} catch (error) {
				throw errors.signIn(error);
			}
		},

		/** Waits for the credential's VIS quota, shared by every process of this n8n. */
		async takeQuotaTurn() {
			if (!quotaKey) return;
			const perMinute = Number(credentials.requestsPerMinute);
			try {
				await takeVisTurn(quotaKey, perMinute, retryPolicy, (ms) =>
					context.logger.info(
						`Vonage VIS: waiting ${Math.ceil(ms / 1000)} s for the credential's request quota (${perMinute || DEFAULT_VIS_REQUESTS_PER_MINUTE} per minute)`,
					),
				);
			} catch (error) {
				throw errors.quotaWait(error);
			}
		},

		/** One attempt within its deadline. */
		async send(): Promise<Outcome> {
			try {
				if (viaN8nOAuth2) {
					return await withDeadline(
						deadlineMs,
						async () =>
							await sendWithN8nOAuth2(context, {
								...options,
								headers: { ...options.headers },
								disableFollowRedirect: true,
								timeout: deadlineMs,
							}),
					);
				}
				const signed = {
					...options,
					headers: { ...options.headers, Authorization: authorization },
					ignoreHttpStatusErrors: true,
				};
				if (!file) return { response: await sendWithDeadline(signed) };
				const response = await sendFile(signed);
				// An error answer (or a redirect) is read, bounded, for its message; only a success streams on.
				if (response.statusCode >= 300) response.body = await errorBodyOf(response.body);
				return { response };
			} catch (error) {
				return { failed: error };
			}
		},

		/** The token just refused (401) is not used again. */
		forgetToken() {
			rejectedToken = bearerOf(authorization);
		},
	};
}

/** The answer to return, the error to throw, or when to try again. */
function judge(outcome: Outcome, exchange: Exchange, attempt: number): Next {
	const { errors } = exchange;
	if ('notSent' in outcome) return { error: errors.oauth2NotSent(outcome.notSent) };
	if ('failed' in outcome) {
		// Connection failures: retry only what is safe to send twice, and never an SSRF refusal.
		if (!ssrfBlock(outcome.failed) && exchange.resendable && attempt < retryPolicy.maxAttempts)
			return { retryInMs: backoffMs(attempt, undefined) };
		return { error: errors.connection(outcome.failed) };
	}
	const { statusCode: status, headers, body } = outcome.response;
	if (status === 404 && exchange.notFoundIsUndefined) return { answer: undefined };
	if (status >= 300 && status < 400)
		return {
			error: errors.redirect(status, String(firstOf(headers?.location) ?? ''), exchange.url),
		};
	if (status < 300 && exchange.file) return fileAnswer(outcome.response, exchange);
	if (status < 300) {
		if (body === '' || body === undefined || body === null) return { answer: {} };
		if (typeof body === 'object' && !Buffer.isBuffer(body)) return { answer: body };
		return {
			error: errors.notJson(
				status,
				String(firstOf(headers?.['content-type']) ?? 'no content type'),
				body,
			),
		};
	}
	// A 401 means the request was not acted upon, so it is safe to resend once with a new token.
	if (status === 401 && !exchange.reauthenticated && exchange.api !== 'applications') {
		exchange.reauthenticated = true;
		exchange.forgetToken();
		return { reauthenticate: true };
	}
	const delay = retryDelayAfter(
		status,
		firstOf(headers?.['retry-after']),
		exchange.resendable,
		attempt,
	);
	if (delay === undefined) return { error: errors.answer(status, body) };
	if (delay >= 5000)
		exchange.log(`Vonage: HTTP ${status}, retrying in ${Math.ceil(delay / 1000)} s as asked`);
	return { retryInMs: delay };
}

/** A file's success answer: refused at once when it says it is too large, else cut off when it is. */
function fileAnswer(response: FullResponse, exchange: Exchange): Next {
	const file = exchange.file!;
	const source = response.body as VonageFile['body'];
	const length = Number(firstOf(response.headers?.['content-length']));
	const contentLength =
		Number.isFinite(length) && String(firstOf(response.headers?.['content-length']) ?? '') !== ''
			? length
			: undefined;
	if (contentLength !== undefined && contentLength > file.maxBytes) {
		source.destroy();
		return {
			error: exchange.errors.tooLarge(
				`${file.what} is ${formatBytes(contentLength)}, larger than the limit of ${formatBytes(file.maxBytes)}`,
			),
		};
	}
	const answer: VonageFile = {
		body: limitBytes(source, file.maxBytes, file.what),
		contentType: String(firstOf(response.headers?.['content-type']) ?? '').trim(),
		contentLength,
		headers: response.headers ?? {},
		url: exchange.url,
	};
	return { answer };
}

/** At most 64 KB of an error answer's stream, as JSON when it is JSON. */
async function errorBodyOf(body: unknown): Promise<unknown> {
	if (!body || typeof (body as BodyStream).on !== 'function') return body;
	const stream = body as VonageFile['body'];
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of stream) {
			chunks.push(Buffer.from(chunk as Buffer));
			size += (chunk as Buffer).length;
			if (size >= 64 * 1024) break;
		}
	} catch {
		// What arrived is enough to word the error.
	} finally {
		stream.destroy();
	}
	const text = Buffer.concat(chunks)
		.toString('utf8')
		.slice(0, 64 * 1024);
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function hostFor(api: VonageApi, credentials: IDataObject): string {
	if (api === 'vis') return visHost(credentials) + VIS_API_PATH;
	return checkedBaseUrl(credentials.baseUrl, DEFAULT_NEXMO_HOST);
}

/** What is read of an error from n8n's OAuth2 helper: an axios error, or one wrapping it. */
interface HelperError {
	code?: unknown;
	isAxiosError?: unknown;
	response?: { status?: unknown; headers?: IDataObject; data?: unknown };
}

/**
 * Sends through n8n's OAuth2 helper, which signs with the stored token and, on a 401, refreshes it
 * and retries once (persisting the new tokens). That helper throws on every HTTP error status, so
 * HTTP errors are turned back into responses for the shared retry and error mapping. Errors
 * without a response that n8n raised itself (credential not connected, needs reconnecting) mean
 * nothing was sent.
 */
async function sendWithN8nOAuth2(
	context: VonageContext,
	options: IHttpRequestOptions,
): Promise<Outcome> {
	try {
		return {
			response: await context.helpers.httpRequestWithAuthentication.call(
				context,
				VIS_CODE_GRANT_CREDENTIAL,
				options,
			),
		};
	} catch (error) {
		const cause = ((error as { cause?: HelperError } | undefined)?.cause ?? error) as
			HelperError | undefined;
		const response = cause?.response;
		if (response && typeof response.status === 'number') {
			return {
				response: {
					statusCode: response.status,
					headers: response.headers ?? {},
					body: response.data,
				},
			};
		}
		if (typeof cause?.code === 'string' || cause?.isAxiosError || ssrfBlock(error))
			return { failed: cause };
		return { notSent: error as Error };
	}
}

function firstOf(value: unknown): unknown {
	return Array.isArray(value) ? value[0] : value;
}
