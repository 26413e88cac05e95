'use strict';
/**
 * What Vonage sends to n8n: signed VIS webhook deliveries, and Voice's callbacks to an
 * application's webhooks (call events, answer_url with fallback_answer_url, signed callbacks).
 */
const crypto = require('node:crypto');

const { problem } = require('./errors');
const { b64url, iso } = require('./util');

/** Keys sorted alphabetically at every depth, no whitespace: what VIS signs. */
function canonicalJson(value) {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		return `{${Object.keys(value)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

/** The X-VON-Signature of an event: HMAC-SHA256 of its canonical JSON with the registration's key. */
function visSignature(signingKey, event) {
	return crypto.createHmac('sha256', signingKey).update(canonicalJson(event)).digest('hex');
}

/** VIS's delivery rules (vis-webhooks-concepts.md): a 200 within 2 s, else 5 retries 10 s apart. */
const DELIVERY_TIMEOUT_MS = 2000;
const DELIVERY_RETRIES = 5;
const RETRY_GAP_MS = 10_000;

function createDeliveries(
	{ options, clock, sandbox, state, visUser, newId, saveState },
	{ findWebhook, findApp },
) {
	// Tests shrink VIS's 10 s between retries; 1 is VIS's own pace.
	const retryGapMs = RETRY_GAP_MS * (options.deliveryTimeScale ?? 1);
	/** One delivery in flight per registration at a time, in the order the events happened. */
	const queues = new Map();

	// ---------- delivery of signed VIS events ----------
	/**
	 * Posts an event to a registered webhook the way VIS does. Options can tamper with the
	 * delivery after signing, sign with another key, drop a header or resend a deliveryId.
	 */
	async function deliverEvent(webhookId, event, opts = {}) {
		const hook = findWebhook(webhookId);
		const deliveryId = opts.deliveryId ?? crypto.randomUUID();
		const attempt = opts.attempt ?? 1;
		const key = opts.signingKey ?? hook.signingKey;
		const signature = visSignature(key, event);
		const metadata = { attempt, deliveryId, signature, webhookId: opts.webhookIdHeader ?? hook.id };
		const sentEvent = opts.tamper ? opts.tamper(structuredClone(event)) : event;
		const headers = { 'content-type': 'application/json' };
		if (hook.metadataPolicy === 'HEADER') {
			Object.assign(headers, {
				'x-von-signature': signature,
				'x-von-webhook-id': metadata.webhookId,
				'x-von-delivery-id': deliveryId,
				'x-von-attempt': String(attempt),
			});
			for (const name of opts.omitHeaders ?? []) delete headers[name.toLowerCase()];
		}
		const payload =
			opts.rawBody ??
			JSON.stringify(
				hook.metadataPolicy === 'BODY' ? { event: sentEvent, metadata } : { event: sentEvent },
			);
		const response = await fetch(hook.url, {
			method: 'POST',
			headers,
			body: payload,
			signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
		});
		const text = await response.text();
		if (!opts.retrying) countOutcome(hook, response.status, text);
		const record = { webhookId, deliveryId, attempt, status: response.status, body: text };
		state.deliveries.push(record);
		return record;
	}

	/** A delivery counts once, as a success or a failure, after its last attempt (the docs' Statistics). */
	function countOutcome(hook, status, message) {
		const statistics = hook.statistics;
		statistics.totalAttempts++;
		if (status === 200) {
			statistics.totalSuccesses++;
			statistics.lastSuccess = iso(clock());
		} else {
			statistics.totalFailures++;
			statistics.lastFailure = iso(clock());
			statistics.lastHttpErrorCode = status;
			statistics.lastErrorMessage = String(message).slice(0, 200);
		}
	}

	const isDelivering = (hook) => !hook.statistics.failed && Date.parse(hook.expireAt) > clock();

	/**
	 * What VIS does with a call event: each registration of the user that is neither failed nor
	 * expired gets it, signed; an answer other than 200 within 2 s is retried 5 times, 10 s apart,
	 * and then the registration is marked failed, after which nothing is delivered to it until it
	 * is renewed. Resolves when every delivery has ended.
	 */
	function publishCallEvent(event) {
		const snapshot = structuredClone(event);
		const deliveries = [];
		for (const hook of state.webhooks.values()) {
			if (!hook.events.includes('CALL') || String(hook.userId) !== String(visUser.id)) continue;
			const previous = queues.get(hook.id) ?? Promise.resolve();
			const next = previous.then(() => deliverWithRetries(hook.id, snapshot));
			queues.set(hook.id, next);
			deliveries.push(next);
		}
		return Promise.all(deliveries);
	}

	async function deliverWithRetries(webhookId, event) {
		const hook = state.webhooks.get(webhookId);
		if (!hook || !isDelivering(hook)) return;
		const deliveryId = crypto.randomUUID();
		let status = 0;
		let message = '';
		for (let attempt = 1; attempt <= 1 + DELIVERY_RETRIES; attempt++) {
			if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryGapMs));
			if (!state.webhooks.has(webhookId)) return;
			try {
				({ status, body: message } = await deliverEvent(webhookId, event, {
					deliveryId,
					attempt,
					timeoutMs: DELIVERY_TIMEOUT_MS,
					retrying: true,
				}));
			} catch (error) {
				status = 0;
				message = error.cause?.code ?? error.name ?? String(error);
				state.deliveries.push({ webhookId, deliveryId, attempt, status, body: message });
			}
			if (status === 200) break;
		}
		countOutcome(hook, status, message);
		if (status !== 200) hook.statistics.failed = true;
		saveState();
	}

	/** Resolves when every delivery started so far has ended (tests wait on it). */
	const deliveriesSettled = () => Promise.all([...queues.values()]);

	function sampleEvent(overrides = {}) {
		return {
			accountId: String(visUser.accountId),
			direction: 'INBOUND',
			duration: 0,
			externalId: crypto.randomUUID(),
			id: String(newId()),
			internal: false,
			phoneNumber: '14155550123',
			startTime: iso(clock()),
			state: 'RINGING',
			type: 'CALL',
			ucpType: 'VBS',
			userId: String(visUser.id),
			...overrides,
		};
	}

	// ---------- Voice callbacks to an application's webhooks ----------
	const hs256 = (claims, secret) => {
		const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const body = b64url(JSON.stringify(claims));
		return `${head}.${body}.${b64url(crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest())}`;
	};

	function sampleVoiceEvent(overrides = {}) {
		return {
			from: '14155550100',
			to: '14155550105',
			uuid: crypto.randomUUID(),
			conversation_uuid: `CON-${crypto.randomUUID()}`,
			status: 'started',
			direction: 'outbound',
			timestamp: iso(clock()),
			...overrides,
		};
	}

	/**
	 * Sends a call event to the application's event_url as Voice does; when the application has
	 * signed_callbacks, with a signed-callback JWT (HS256, account signature secret, payload_hash).
	 * opts: secret (sign with another), iatOffsetSeconds, tamper (change the body after signing),
	 * via (another base URL for the same path: one queue-mode webhook processor).
	 */
	async function deliverVoiceEvent(applicationId, event, opts = {}) {
		const voice = findApp(applicationId).capabilities.voice ?? {};
		const target = voice.webhooks?.event_url;
		if (!target?.address) throw problem(409, 'Conflict', 'The application has no voice event_url');
		const payload = JSON.stringify(event);
		const headers = {
			'content-type': 'application/json',
			...signedCallbackHeader(applicationId, voice, payload, opts),
		};
		const sent = opts.tamper ? JSON.stringify({ ...event, ...opts.tamper }) : payload;
		const address = opts.via
			? new URL(new URL(target.address).pathname, opts.via).href
			: target.address;
		const response = await fetch(address, {
			method: target.http_method ?? 'POST',
			headers,
			body: sent,
			signal: AbortSignal.timeout(10_000),
		});
		const record = {
			applicationId,
			kind: 'event',
			status: response.status,
			body: await response.text(),
			authorization: headers.authorization,
		};
		state.deliveries.push(record);
		return record;
	}

	/**
	 * When the application has signed_callbacks, Voice sends a JWT (HS256, account signature
	 * secret) whose payload_hash is the SHA-256 of the body, or of the query as JSON for a GET.
	 * opts: secret (sign with another), iatOffsetSeconds.
	 */
	function signedCallbackHeader(applicationId, voice, payload, opts = {}) {
		if (voice.signed_callbacks !== true) return {};
		const iat = Math.floor(clock() / 1000) + (opts.iatOffsetSeconds ?? 0);
		const claims = {
			iat,
			exp: iat + 300,
			jti: crypto.randomUUID(),
			iss: 'Vonage',
			api_key: sandbox.apiKey,
			application_id: applicationId,
			payload_hash: crypto.createHash('sha256').update(payload).digest('hex'),
		};
		return { authorization: `Bearer ${hs256(claims, opts.secret ?? sandbox.signatureSecret)}` };
	}

	/**
	 * An inbound call as Voice handles it: fetch the NCCO from answer_url; on an HTTP error or no
	 * answer, from fallback_answer_url. Returns which one answered and the NCCO it gave.
	 */
	async function answerCall(applicationId, call = {}) {
		const voice = findApp(applicationId).capabilities.voice ?? {};
		const hooks = voice.webhooks ?? {};
		const params = {
			from: '14155550100',
			to: '14155550105',
			uuid: crypto.randomUUID(),
			conversation_uuid: `CON-${crypto.randomUUID()}`,
			region_url: 'https://api-us-3.vonage.com',
			...call,
		};
		const attempts = [];
		for (const name of ['answer_url', 'fallback_answer_url']) {
			const target = hooks[name];
			if (!target?.address) continue;
			const get = (target.http_method ?? 'GET') === 'GET';
			const url = new URL(target.address);
			if (get) for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
			try {
				const payload = JSON.stringify(params);
				const headers = {
					...(get ? {} : { 'content-type': 'application/json' }),
					...signedCallbackHeader(applicationId, voice, payload),
				};
				const response = await fetch(url, {
					method: get ? 'GET' : 'POST',
					headers,
					body: get ? undefined : payload,
					signal: AbortSignal.timeout(10_000),
				});
				const text = await response.text();
				attempts.push({ webhook: name, status: response.status, body: text.slice(0, 300) });
				let ncco;
				try {
					ncco = JSON.parse(text);
				} catch {
					/* not JSON, so no NCCO */
				}
				if (response.ok && Array.isArray(ncco)) {
					const record = {
						applicationId,
						kind: 'answer',
						answeredBy: name,
						status: response.status,
						ncco,
						attempts,
						conversation_uuid: params.conversation_uuid,
					};
					state.deliveries.push(record);
					return record;
				}
			} catch (error) {
				attempts.push({ webhook: name, error: error.message });
			}
		}
		const record = { applicationId, kind: 'answer', answeredBy: null, ncco: null, attempts };
		state.deliveries.push(record);
		return record;
	}

	return {
		deliverEvent,
		publishCallEvent,
		deliveriesSettled,
		sampleEvent,
		deliverVoiceEvent,
		sampleVoiceEvent,
		answerCall,
		signedCallbackHeader,
	};
}

module.exports = { createDeliveries, canonicalJson, visSignature };
