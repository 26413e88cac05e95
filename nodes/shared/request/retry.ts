import type { IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

/**
 * Retry and deadline policy. Only requests that cannot act twice are retried on 5xx or a lost
 * connection: GET/PUT/DELETE are idempotent in these APIs, while POST places calls, transfers
 * them or creates things. A 429 is retried for every method, because it means nothing was done.
 */
export const retryPolicy = Object.freeze({
	maxAttempts: 3,
	baseDelayMs: 1000,
	/** Longer waits are reported instead of slept through, so an execution never hangs for minutes. */
	maxDelayMs: 60_000,
	/** Each attempt, token requests included, must complete within this (a node option overrides it). */
	deadlineMs: 30_000,
});

const IDEMPOTENT_METHODS = new Set<IHttpRequestMethods>(['GET', 'HEAD', 'PUT', 'DELETE']);

/**
 * Whether a request may be sent again after a 5xx or a lost connection. A PUT or DELETE that acts
 * on a live call is idempotent by HTTP's definition, but a resend after a lost answer could act twice.
 */
export function mayResend(method: IHttpRequestMethods, actsOnCall = false): boolean {
	return IDEMPOTENT_METHODS.has(method) && !actsOnCall;
}

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

/**
 * How long to wait before sending again after an HTTP error answer, or undefined when it is not
 * sent again: attempts used up, not safe to resend, or asked to wait longer than maxDelayMs.
 */
export function retryDelayAfter(
	status: number,
	retryAfterHeader: unknown,
	resendable: boolean,
	attempt: number,
): number | undefined {
	if (attempt >= retryPolicy.maxAttempts) return undefined;
	if (status !== 429 && !(resendable && isRetryableStatus(status))) return undefined;
	const delay = backoffMs(attempt, retryAfterHeader);
	return delay <= retryPolicy.maxDelayMs ? delay : undefined;
}

export class DeadlineError extends Error {}

/**
 * Every attempt gets its own deadline that also cuts a response trickling in byte by byte (n8n's
 * own timeout only counts idle time). The request is aborted where n8n lets us pass a signal, and
 * in any case the caller stops waiting.
 */
export async function withDeadline<T>(
	deadlineMs: number,
	run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
	const signal = AbortSignal.timeout(deadlineMs);
	let onAbort: () => void = () => undefined;
	const expired = new Promise<never>((_resolve, reject) => {
		onAbort = () =>
			reject(new DeadlineError(`no complete answer within ${Math.round(deadlineMs / 1000)} s`));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([run(signal), expired]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** The node's Request Timeout option where the node has one (action nodes, per item), else the default. */
export function deadlineFor(context: object, itemIndex: number | undefined): number {
	if (itemIndex === undefined || !('getInputData' in context)) return retryPolicy.deadlineMs;
	const seconds = Number(
		(context as IExecuteFunctions).getNodeParameter('requestOptions.timeoutSeconds', itemIndex, 0),
	);
	return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : retryPolicy.deadlineMs;
}
