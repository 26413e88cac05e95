import type { IHttpRequestOptions } from 'n8n-workflow';

import type { FullResponse } from '../auth/requestAuth';
import { DeadlineError, withDeadline } from './retry';
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
	if (response.statusCode >= 300) response.body = await boundedBodyOf(response.body);
	return response;
}

/**
 * Sends a request whose answer is small, to a URL the caller checked (the Voice Trigger's question
 * to another workflow of this n8n): the whole exchange within the deadline, no redirect followed,
 * and at most 64 KB of the body read, whatever the status, as JSON when it is JSON.
 */
export async function sendForSmallAnswer(
	context: VonageContext,
	deadlineMs: number,
	options: IHttpRequestOptions,
): Promise<FullResponse> {
	return await withDeadline(deadlineMs, async (signal) => {
		const response = await answerWithin(context, deadlineMs, {
			...options,
			json: false,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		// A body still trickling in at the deadline is cut off, not read on in the background.
		const stream = response.body as Partial<BodyStream> | undefined;
		if (typeof stream?.destroy === 'function')
			signal.addEventListener('abort', () => stream.destroy!(), { once: true });
		response.body = await boundedBodyOf(response.body);
		return response;
	});
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

/** At most 64 KB of an answer's stream, as JSON when it is JSON. */
async function boundedBodyOf(body: unknown): Promise<unknown> {
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
		// What arrived is all there is to read.
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
