import type { IHttpRequestOptions } from 'n8n-workflow';

import type { FullResponse } from '../auth/requestAuth';
import { DeadlineError } from './retry';
import type { BodyStream } from './files';
import type { VonageContext, VonageFile } from './transport';

/**
 * Sends a file's request. Its deadline covers the answer, not the body: a long recording may take
 * longer to arrive than any answer should; the body is bounded by size and by the socket going
 * idle (timeout). An error answer (or a redirect) is read, bounded, for its message; only a
 * success streams on.
 */
export async function sendForFile(
	context: VonageContext,
	deadlineMs: number,
	options: IHttpRequestOptions,
): Promise<FullResponse> {
	const response = await answerWithin(context, deadlineMs, options);
	if (response.statusCode >= 300) response.body = await errorBodyOf(response.body);
	return response;
}

async function answerWithin(
	context: VonageContext,
	deadlineMs: number,
	options: IHttpRequestOptions,
): Promise<FullResponse> {
	const controller = new AbortController();
	const deadline = AbortSignal.timeout(deadlineMs);
	let answered = false;
	const onDeadline = () => {
		if (!answered) controller.abort();
	};
	deadline.addEventListener('abort', onDeadline, { once: true });
	try {
		const response = await context.helpers.httpRequest({
			...options,
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
