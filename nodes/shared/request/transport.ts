import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { ssrfBlock } from './errors';
import type { FullResponse, VonageApi } from '../auth/requestAuth';
import { backoffMs, retryDelayAfter, retryPolicy } from './retry';
import { formatBytes, limitBytes, type BodyStream } from './files';
import { openExchange, type Exchange, type Outcome } from './exchange';

export type { VonageApi } from '../auth/requestAuth';

export type VonageContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ITriggerFunctions
	| IPollFunctions;

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
		else await sleep(next.retryInMs);
	}
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

function firstOf(value: unknown): unknown {
	return Array.isArray(value) ? value[0] : value;
}
