'use strict';
/**
 * How Voice sends a call status event to an application's event_url: one try, and one more
 * after a connect timeout, a socket timeout, a connection closed or reset, or a 429, 503 or 504;
 * then the event is dropped (no queue, no replay). The timeouts are the webhook's own
 * connect_timeout and socket_timeout (older specs: connection_timeout), else Vonage's defaults
 * for event_url: 1 s to connect, 10 s for the answer. Events of one call go out in order.
 */
const http = require('node:http');
const https = require('node:https');

const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
const DEFAULT_SOCKET_TIMEOUT_MS = 10_000;
const RETRIED_STATUSES = [429, 503, 504];
// Vonage does not say how long it waits before the second try; a short pause.
const RETRY_PAUSE_MS = 500;

const timeoutOf = (value, fallback) => {
	const ms = Number(value);
	return Number.isFinite(ms) && ms > 0 ? ms : fallback;
};

/** One HTTP attempt with a connect and a socket timeout: { status, body } or { error }. */
function attempt(target, headers, payload) {
	return new Promise((resolve) => {
		let url;
		try {
			url = new URL(target.address);
		} catch {
			resolve({ error: 'invalid URL', retry: false });
			return;
		}
		const connectMs = timeoutOf(
			target.connect_timeout ?? target.connection_timeout,
			DEFAULT_CONNECT_TIMEOUT_MS,
		);
		const socketMs = timeoutOf(target.socket_timeout, DEFAULT_SOCKET_TIMEOUT_MS);
		const request = (url.protocol === 'https:' ? https : http).request(url, {
			method: target.http_method ?? 'POST',
			headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
		});
		let settled = false;
		const finish = (outcome) => {
			if (settled) return;
			settled = true;
			clearTimeout(connectTimer);
			clearTimeout(socketTimer);
			resolve(outcome);
		};
		let socketTimer;
		const connectTimer = setTimeout(() => {
			request.destroy();
			finish({ error: 'connect timeout', retry: true });
		}, connectMs);
		request.on('socket', (socket) => {
			const connected = () => {
				clearTimeout(connectTimer);
				socketTimer = setTimeout(() => {
					request.destroy();
					finish({ error: 'socket timeout', retry: true });
				}, socketMs);
			};
			if (socket.connecting === false) connected();
			else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
		});
		request.on('response', (response) => {
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () =>
				finish({
					status: response.statusCode,
					body: Buffer.concat(chunks).toString('utf8').slice(0, 300),
					retry: RETRIED_STATUSES.includes(response.statusCode),
				}),
			);
			response.on('error', (error) => finish({ error: error.code ?? error.message, retry: true }));
		});
		request.on('error', (error) => finish({ error: error.code ?? error.message, retry: true }));
		request.end(payload);
	});
}

function createVoiceEvents({ state, saveState }) {
	/** Per call uuid, the last event's delivery, so the next waits for it. */
	const queues = new Map();

	/**
	 * Sends one event as Voice does and records it in state.deliveries (kind "event"), with its
	 * attempts and `dropped: true` when both tries failed. Resolves with the record.
	 */
	async function sendWithAttemptRule(target, headersFor, event, applicationId) {
		const payload = JSON.stringify(event);
		const attempts = [];
		let outcome;
		for (let tryNumber = 1; tryNumber <= 2; tryNumber++) {
			if (tryNumber > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
			// Each try is signed anew, as Voice does.
			outcome = await attempt(target, headersFor(payload), payload);
			attempts.push(outcome.error ? { error: outcome.error } : { status: outcome.status });
			if (!outcome.retry) break;
		}
		const delivered = !outcome.error && outcome.status >= 200 && outcome.status < 300;
		const record = {
			applicationId,
			kind: 'event',
			...(outcome.error
				? { error: outcome.error }
				: { status: outcome.status, body: outcome.body }),
			attempts,
			// Voice neither queues nor replays: an event not taken after its tries is gone.
			...(delivered ? {} : { dropped: true }),
			event,
		};
		state.deliveries.push(record);
		if (record.dropped) saveState?.();
		return record;
	}

	/** Queues an event behind the call's earlier ones; returns the promise of its record. */
	function sendCallEvent(target, headersFor, event, applicationId) {
		const key = event.uuid ?? event.conversation_uuid;
		const previous = queues.get(key) ?? Promise.resolve();
		const next = previous.then(() => sendWithAttemptRule(target, headersFor, event, applicationId));
		queues.set(key, next);
		void next.then(() => {
			if (queues.get(key) === next) queues.delete(key);
		});
		return next;
	}

	return { sendCallEvent };
}

module.exports = { createVoiceEvents, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS };
