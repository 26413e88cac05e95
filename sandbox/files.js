'use strict';
/**
 * Recordings and transcripts as Voice keeps them: a call whose NCCO has a record action gets a
 * recording (and, with transcription, a transcript), announced by a record event and a
 * transcription event, and served at /v1/files/{id} only to a JWT of the application that owns
 * the call (401 otherwise), as Vonage serves recording_url.
 */
const crypto = require('node:crypto');

const { problem } = require('./errors');
const { iso } = require('./util');

/** Content types by record format; Vonage records MP3 unless asked. */
const CONTENT_TYPES = { mp3: 'audio/mpeg', wav: 'audio/wav', ogg: 'audio/ogg' };

function createFiles(ctx, { findApp, signedCallbackHeader }) {
	const { clock, state } = ctx;
	state.files = state.files ?? new Map();

	/** Deterministic bytes (an ID3 tag, then bytes from the id), so tests can compare them. */
	function audioBytes(id, size) {
		const bytes = Buffer.alloc(size);
		Buffer.from('ID3\x04\x00\x00').copy(bytes);
		let seed = crypto.createHash('sha256').update(id).digest();
		for (let at = 6; at < size; at += seed.length) {
			seed.copy(bytes, at);
			seed = crypto.createHash('sha256').update(seed).digest();
		}
		return bytes;
	}

	/** Stores a file; returns its id and URL. Tests use it for sizes and types a call never makes. */
	function addFile(
		applicationId,
		{ body, contentType, id = crypto.randomUUID(), headers = {}, chunked = false, redirect },
	) {
		state.files.set(id, {
			applicationId,
			body: Buffer.isBuffer(body) ? body : Buffer.from(body),
			contentType,
			headers,
			chunked,
			redirect,
		});
		return { id, url: `${ctx.publicUrl ?? 'http://127.0.0.1'}/v1/files/${id}` };
	}

	/** GET /v1/files/{id}, for the JWT's application only. */
	function serveFile(method, id, applicationId) {
		if (method !== 'GET')
			throw problem(405, 'Method Not Allowed', `${method} is not allowed on a file`);
		const file = state.files.get(id);
		if (!file) throw problem(404, 'Not Found', `File ${id} was not found`);
		// Vonage answers 401, not 404, to another application's JWT.
		if (file.applicationId !== applicationId)
			throw problem(401, 'Unauthorized', 'The JWT is not of the application that owns this file');
		if (file.redirect) return [302, '', { location: file.redirect }];
		// chunked: no Content-Length, as a server may send a file; the reader must count for itself.
		return [
			200,
			file.body,
			{
				'content-type': file.contentType,
				...(file.chunked
					? { 'transfer-encoding': 'chunked' }
					: { 'content-length': String(file.body.length) }),
				...file.headers,
			},
		];
	}

	/** Posts a Voice event to a URL, signed as the application's callbacks are, without awaiting. */
	function postEvent(applicationId, address, event) {
		if (!address) return;
		const voice = findApp(applicationId).capabilities.voice ?? {};
		const payload = JSON.stringify(event);
		const headers = {
			'content-type': 'application/json',
			...signedCallbackHeader(applicationId, voice, payload),
		};
		const delivery = fetch(address, {
			method: 'POST',
			headers,
			body: payload,
			signal: AbortSignal.timeout(10_000),
		})
			.then(async (response) =>
				state.deliveries.push({
					applicationId,
					kind: event.type ?? 'record',
					status: response.status,
					body: await response.text(),
					event,
				}),
			)
			.catch((error) =>
				state.deliveries.push({
					applicationId,
					kind: event.type ?? 'record',
					error: error.message,
					event,
				}),
			);
		state.pendingDeliveries.push(delivery);
	}

	/**
	 * The record actions of an NCCO a call ran: each leaves a recording (and a transcript when
	 * asked) and sends its events, to the action's eventUrl or else the application's event_url.
	 */
	function recordNcco(applicationId, ncco, call) {
		if (!Array.isArray(ncco)) return [];
		const fallback = findApp(applicationId)?.capabilities?.voice?.webhooks?.event_url?.address;
		const made = [];
		for (const action of ncco) {
			if (action?.action !== 'record') continue;
			const start = clock();
			const format = CONTENT_TYPES[action.format] ? action.format : 'mp3';
			const recording = addFile(applicationId, {
				body: Buffer.alloc(0),
				contentType: CONTENT_TYPES[format],
			});
			const body = audioBytes(recording.id, 16 * 1024 + 123);
			state.files.get(recording.id).body = body;
			const recorded = {
				start_time: iso(start),
				recording_url: recording.url,
				size: body.length,
				recording_uuid: recording.id,
				end_time: iso(start + 5000),
				conversation_uuid: call.conversation_uuid,
				timestamp: iso(start + 5000),
			};
			postEvent(applicationId, action.eventUrl?.[0] ?? fallback, recorded);
			const entry = { recording: recording.id };
			if (action.transcription && typeof action.transcription === 'object') {
				const transcript = {
					language: action.transcription.language ?? 'en-US',
					channels: [
						{
							transcript: [
								{
									sentence: 'Hello, this call was recorded by the Vonage sandbox.',
									timestamp: 0,
									duration: 2800,
								},
							],
						},
					],
					...(action.transcription.sentimentAnalysis ? { sentiment: 0.4 } : {}),
				};
				const file = addFile(applicationId, {
					body: JSON.stringify(transcript),
					contentType: 'application/json',
				});
				postEvent(applicationId, action.transcription.eventUrl?.[0] ?? fallback, {
					conversation_uuid: call.conversation_uuid,
					type: 'transcription',
					recording_uuid: recording.id,
					status: 'transcribed',
					transcription_url: file.url,
				});
				entry.transcript = file.id;
			}
			made.push(entry);
		}
		return made;
	}

	return { addFile, serveFile, recordNcco, audioBytes };
}

module.exports = { createFiles };
