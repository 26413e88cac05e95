import type { IDataObject } from 'n8n-workflow';

import { firstHeader } from './headers';

/**
 * Limits for what a trigger reads of a request before its signature is checked: far above real
 * events (about 1 KB, a few levels deep), and cheap for an unsigned request to hit.
 */
export const WEBHOOK_BODY_LIMITS = {
	maxBytes: 64 * 1024,
	maxDepth: 32,
};

/** Why a request was refused before anything ran; safe to log and to answer. */
export interface BodyRefusal {
	status: 400 | 413 | 415;
	reason: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies only, and only in UTF-8: a signature covers bytes, and the text that runs must be
 * those bytes read the one way the sender meant. A declared charset n8n would honour (latin1,
 * ascii, …) could otherwise turn signed bytes into different text.
 */
function contentTypeRefusal(contentType: string | undefined): BodyRefusal | undefined {
	const [mediaType, ...parameters] = String(contentType ?? '').split(';');
	const type = mediaType.trim().toLowerCase();
	if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
		return {
			status: 415,
			reason: `Content-Type must be application/json, not "${type || 'none'}"`,
		};
	}
	for (const parameter of parameters) {
		const [name, value = ''] = parameter.split('=');
		if (name.trim().toLowerCase() !== 'charset') continue;
		const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
		if (charset !== 'utf-8' && charset !== 'utf8') {
			return { status: 415, reason: `charset "${charset}" is not accepted; only UTF-8 is` };
		}
	}
	return undefined;
}

/** Nesting depth of JSON text, counted outside strings; stops as soon as the limit is passed. */
export function exceedsDepth(text: string, maxDepth: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (inString) {
			if (code === 92 /* \ */) i++;
			else if (code === 34 /* " */) inString = false;
		} else if (code === 34) inString = true;
		else if (code === 123 /* { */ || code === 91 /* [ */) {
			if (++depth > maxDepth) return true;
		} else if (code === 125 /* } */ || code === 93 /* ] */) depth--;
	}
	return false;
}

/** What a trigger uses of n8n's request: the bytes if n8n has read them, and n8n's reader. */
export interface ReceivedRequest {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/**
 * The request body exactly as received, as UTF-8 text, or why it is refused. Only the raw bytes
 * are used: n8n's own parse of them may have decoded another charset, and re-serialising it
 * would not give back the bytes that were signed.
 */
export async function readWebhookBody(
	headers: IDataObject,
	request: ReceivedRequest,
	limits = WEBHOOK_BODY_LIMITS,
): Promise<{ text: string } | BodyRefusal> {
	const refusal = contentTypeRefusal(firstHeader(headers, 'content-type'));
	if (refusal) return refusal;
	// n8n reads the body of every request to a version-1 webhook node, but from version 2 on only
	// for the media types it parses itself (not `+json` ones, nor one written in capitals).
	if (!request.rawBody && typeof request.readRawBody === 'function') {
		// A declared length over the limit is refused before a byte of it is buffered.
		if (Number(firstHeader(headers, 'content-length')) > limits.maxBytes) {
			return { status: 413, reason: `the body is larger than ${limits.maxBytes} bytes` };
		}
		try {
			await request.readRawBody();
		} catch (error) {
			const tooLarge = (error as { status?: number }).status === 413;
			return tooLarge
				? { status: 413, reason: `the body is larger than ${limits.maxBytes} bytes` }
				: { status: 400, reason: 'the body could not be read' };
		}
	}
	const rawBody = request.rawBody;
	if (!Buffer.isBuffer(rawBody) || rawBody.length === 0)
		return { status: 400, reason: 'the request has no body' };
	if (rawBody.length > limits.maxBytes) {
		return { status: 413, reason: `the body is larger than ${limits.maxBytes} bytes` };
	}
	let text: string;
	try {
		text = utf8.decode(rawBody);
	} catch {
		return { status: 400, reason: 'the body is not valid UTF-8' };
	}
	if (exceedsDepth(text, limits.maxDepth)) {
		return { status: 400, reason: `the JSON is nested deeper than ${limits.maxDepth} levels` };
	}
	return { text };
}
