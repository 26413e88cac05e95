'use strict';
/**
 * The sandbox as a caller: it runs a call's NCCO the way Voice does, action by action, and plays
 * the person on the line from a caller script, keeping a transcript of what they heard and did.
 *
 * A caller script is an array of steps. Only `input` actions take steps, one each, in order:
 *   { press: '1' }             keys (0-9, * and #); at a speech-only input they go unheard
 *   { say: 'billing' }         words; options: confidence (default 0.9), alternatives (more
 *                              texts, each less sure), timeoutReason (default end_on_silence_timeout)
 *   { silence: true }          says and presses nothing: the input times out
 *   { mumble: true }           speaks, but the recogniser makes nothing of it (speech error)
 *   { hangup: true }           hangs up instead of answering
 * When the script runs out, the caller hangs up at the next input.
 *
 * The actions: talk and stream are heard; input takes the next step, posts Voice's input result
 * to its eventUrl (default: the application's event_url); notify posts its payload to its
 * eventUrl; record makes a recording (files.js); connect and conversation end the script (the
 * caller is connected elsewhere); the call ends when the NCCO runs out. A JSON array of actions in
 * a 2xx answer to an input or notify replaces the rest of the NCCO; any other 2xx answer lets it
 * continue.
 *
 * Voice's rules for these events (webhook-reference.md "Fallback URL", Application API v2): the
 * application's event_url connect_timeout (default 1000 ms) and socket_timeout (default 10000 ms)
 * bound each attempt; a connection error, a timeout or an HTTP 429, 503 or 504 is tried once more;
 * then the application's fallback_answer_url (its own timeouts, default 1000 and 5000 ms) is tried
 * the same way, with the same data plus `reason` and `original_request: {url, type: "event"}`;
 * any other HTTP error goes to the fallback at once. If neither gives an answer, the flow
 * continues with the rest of the current NCCO. Redirects are not followed (an HTTP error), and
 * an answer over 1 MiB counts as a failed one. Each attempt is kept in the call's `webhooks`.
 */
const http = require('node:http');
const https = require('node:https');

const { HttpError } = require('./errors');
const { iso } = require('./util');

/** A call that runs longer than this many actions is ended (an NCCO that answers itself forever). */
const MAX_ACTIONS = 200;
const MAX_ANSWER_BYTES = 1024 * 1024;
const RETRYABLE_STATUSES = [429, 503, 504];
const DEFAULTS = {
	event_url: { connect_timeout: 1000, socket_timeout: 10_000 },
	fallback_answer_url: { connect_timeout: 1000, socket_timeout: 5000 },
	answer_url: { connect_timeout: 1000, socket_timeout: 5000 },
};
const STEP_KINDS = ['press', 'say', 'silence', 'mumble', 'hangup'];

/** Why a script is not one: undefined when it is. */
function scriptProblem(script) {
	if (!Array.isArray(script)) return 'caller must be an array of steps';
	for (const [i, step] of script.entries()) {
		const kinds = STEP_KINDS.filter((kind) => step?.[kind] !== undefined);
		if (kinds.length !== 1) return `caller[${i}] must have exactly one of ${STEP_KINDS.join(', ')}`;
		if (kinds[0] === 'press' && !/^[0-9*#]+$/.test(String(step.press)))
			return `caller[${i}].press must be keys 0-9, * or #`;
		if (kinds[0] === 'say' && (typeof step.say !== 'string' || !step.say))
			return `caller[${i}].say must be a non-empty string`;
	}
	return undefined;
}

/** The NCCO in an answer's text: an array of actions, else undefined (not one) or 'invalid'. */
function nccoIn(text) {
	let parsed;
	try {
		parsed = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (!Array.isArray(parsed)) return undefined;
	return parsed.every((a) => a && typeof a === 'object' && typeof a.action === 'string')
		? parsed
		: 'invalid';
}

function createCaller(ctx, { findApp, signedCallbackHeader, recordNcco }) {
	const { clock, options, state } = ctx;
	state.callerCalls = state.callerCalls ?? new Map();
	state.callerScripts = state.callerScripts ?? [];
	// Tests shrink Voice's webhook timeouts; 1 is Voice's own.
	const timeScale = options.callerTimeScale ?? 1;

	/**
	 * One HTTP request as Voice makes it: connectTimeoutMs to connect, then socketTimeoutMs for the
	 * whole answer; no redirects followed; at most MAX_ANSWER_BYTES read. Resolves with the status
	 * and text, or rejects with an Error whose `kind` says what failed.
	 */
	function send(address, { method, headers, body, connectTimeoutMs, socketTimeoutMs }) {
		return new Promise((resolve, reject) => {
			const url = new URL(address);
			const client = url.protocol === 'https:' ? https : http;
			let settled = false;
			let connectTimer;
			let socketTimer;
			const finish = (error, value) => {
				if (settled) return;
				settled = true;
				clearTimeout(connectTimer);
				clearTimeout(socketTimer);
				if (error) {
					request.destroy();
					reject(error);
				} else resolve(value);
			};
			const failure = (kind, message = kind) => Object.assign(new Error(message), { kind });
			const request = client.request(url, {
				method,
				headers: {
					...headers,
					...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
				},
				agent: false,
			});
			connectTimer = setTimeout(() => finish(failure('connect timeout')), connectTimeoutMs);
			request.on('socket', (socket) =>
				socket.once('connect', () => {
					clearTimeout(connectTimer);
					socketTimer = setTimeout(() => finish(failure('socket timeout')), socketTimeoutMs);
				}),
			);
			request.on('error', (error) =>
				finish(failure('connection error', error.code ?? error.message)),
			);
			request.on('response', (response) => {
				const chunks = [];
				let size = 0;
				response.on('data', (chunk) => {
					size += chunk.length;
					if (size > MAX_ANSWER_BYTES) finish(failure('answer too large'));
					else chunks.push(chunk);
				});
				response.on('end', () =>
					finish(undefined, {
						status: response.statusCode,
						text: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', (error) => finish(failure('connection error', error.message)));
			});
			request.end(body);
		});
	}

	/** The timeouts of one of the application's webhooks, scaled for tests. */
	function timeoutsOf(hook, name) {
		return {
			connectTimeoutMs: (hook?.connect_timeout ?? DEFAULTS[name].connect_timeout) * timeScale,
			socketTimeoutMs: (hook?.socket_timeout ?? DEFAULTS[name].socket_timeout) * timeScale,
		};
	}

	/**
	 * One webhook, tried as Voice tries it (twice on a connection error, a timeout, 429, 503 or
	 * 504). Resolves with {answered: true, ncco} for a 2xx answer, else {answered: false, reason}.
	 */
	async function tryTwice(call, { kind, target, address, method, payload, timeouts }) {
		const voice = findApp(call.applicationId).capabilities.voice ?? {};
		let reason = '';
		for (let attempt = 1; attempt <= 2; attempt++) {
			const text = JSON.stringify(payload);
			const get = method === 'GET';
			const url = new URL(address);
			if (get)
				for (const [k, v] of Object.entries(payload))
					url.searchParams.set(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : v);
			const record = { kind, target, url: url.href, method, attempt };
			const started = Date.now();
			let retryable;
			try {
				const response = await send(url.href, {
					method,
					headers: {
						...(get ? {} : { 'content-type': 'application/json' }),
						...signedCallbackHeader(call.applicationId, voice, text),
					},
					body: get ? undefined : text,
					...timeouts,
				});
				record.status = response.status;
				record.ms = Date.now() - started;
				if (response.status >= 200 && response.status < 300) {
					const ncco = nccoIn(response.text);
					record.answer =
						ncco === undefined ? 'not an NCCO' : ncco === 'invalid' ? 'invalid NCCO' : 'NCCO';
					call.webhooks.push(record);
					return { answered: true, ncco: Array.isArray(ncco) ? ncco : undefined };
				}
				record.body = response.text.slice(0, 300);
				reason = `HTTP ${response.status}`;
				retryable = RETRYABLE_STATUSES.includes(response.status);
			} catch (error) {
				record.error = error.kind ?? 'connection error';
				record.ms = Date.now() - started;
				reason =
					error.kind === 'connection error' ? `Connection error (${error.message})` : error.kind;
				retryable = error.kind !== 'answer too large';
			}
			call.webhooks.push(record);
			if (!retryable || !isLive(call)) break;
		}
		return { answered: false, reason };
	}

	/**
	 * An input result or a notify payload posted to its Event URL, with Voice's retries and
	 * fallback. Resolves with the NCCO that replaces the rest of the flow, or undefined.
	 */
	async function deliverTurn(call, kind, action, payload) {
		const hooks = findApp(call.applicationId).capabilities.voice?.webhooks ?? {};
		const eventHook = hooks.event_url;
		const fromAction = Array.isArray(action.eventUrl) ? action.eventUrl[0] : action.eventUrl;
		const address = fromAction ?? call.eventUrl ?? eventHook?.address;
		if (!address) {
			call.webhooks.push({ kind, error: 'no event URL' });
			return undefined;
		}
		const method = String(
			action.eventMethod ?? (fromAction ? 'POST' : (eventHook?.http_method ?? 'POST')),
		).toUpperCase();
		const first = await tryTwice(call, {
			kind,
			target: 'eventUrl',
			address,
			method,
			payload,
			timeouts: timeoutsOf(eventHook, 'event_url'),
		});
		if (first.answered) return first.ncco;
		const fallback = hooks.fallback_answer_url;
		if (fallback?.address && isLive(call)) {
			const second = await tryTwice(call, {
				kind,
				target: 'fallback_answer_url',
				address: fallback.address,
				method: String(fallback.http_method ?? 'GET').toUpperCase(),
				payload: {
					...payload,
					reason: first.reason,
					original_request: { url: address, type: 'event' },
				},
				timeouts: timeoutsOf(fallback, 'fallback_answer_url'),
			});
			if (second.answered) return second.ncco;
		}
		return undefined;
	}

	/** Voice's input result for what the caller did at an input action. */
	function inputResult(call, action, step) {
		const types = Array.isArray(action.type) ? action.type : ['dtmf'];
		const hearsKeys = types.includes('dtmf');
		const hearsWords = types.includes('speech');
		const dtmfSettings = action.dtmf ?? {};
		const maxDigits = Number(dtmfSettings.maxDigits ?? 4);
		let dtmf = { digits: null, timed_out: false };
		let speech = hearsWords ? undefined : { error: 'Speech was not enabled' };
		const heard = {};
		if (step.press !== undefined && hearsKeys) {
			let digits = String(step.press);
			let submitted = false;
			const hash = digits.indexOf('#');
			if (dtmfSettings.submitOnHash === true && hash >= 0 && hash < maxDigits) {
				digits = digits.slice(0, hash);
				submitted = true;
			} else digits = digits.slice(0, maxDigits);
			dtmf = { digits, timed_out: !submitted && digits.length < maxDigits };
			if (hearsWords) speech = { error: 'Speech overridden by DTMF' };
			heard.type = 'press';
			heard.digits = digits;
		} else if (step.say !== undefined && hearsWords) {
			const confidence = Number(step.confidence ?? 0.9);
			const texts = [step.say, ...(step.alternatives ?? [])];
			speech = {
				timeout_reason: step.timeoutReason ?? 'end_on_silence_timeout',
				results: texts.map((text, i) => ({
					text: String(text),
					// Vonage's payload examples give the confidence as a string.
					confidence: String(
						Math.max(0, confidence - i * 0.1)
							.toFixed(7)
							.replace(/0+$/, '')
							.replace(/\.$/, ''),
					),
				})),
			};
			if (hearsKeys) dtmf = { digits: null, timed_out: false };
			heard.type = 'say';
			heard.text = step.say;
		} else if (step.mumble !== undefined && hearsWords) {
			speech = { results: [], error: 'ERR1: Failed to analyze audio' };
			heard.type = 'mumble';
		} else {
			// Silence, or what this input does not listen for: it times out with nothing.
			if (hearsKeys) dtmf = { digits: '', timed_out: true };
			if (hearsWords) speech = { timeout_reason: 'start_timeout', results: [] };
			heard.type = 'silence';
			const unheard =
				step.press !== undefined
					? 'press'
					: step.say !== undefined
						? 'say'
						: step.mumble !== undefined
							? 'mumble'
							: undefined;
			if (unheard) heard.unheard = { [unheard]: step[unheard] };
		}
		return {
			heard,
			payload: {
				speech,
				dtmf,
				from: call.from,
				to: call.to,
				uuid: call.uuid,
				conversation_uuid: call.conversation_uuid,
				timestamp: iso(clock()),
			},
		};
	}

	const isLive = (call) =>
		call.status === 'in progress' && !(call.v1 && call.v1.status === 'completed');

	function say(call, entry) {
		call.transcript.push({ ...entry, at: iso(clock()) });
	}

	function end(call, reason) {
		if (call.status !== 'in progress') return;
		call.status = 'completed';
		call.ended = reason;
		say(call, { type: 'end', reason });
		call.onEnd?.(call);
	}

	/** Runs an NCCO to its end, as Voice does. */
	async function run(call, ncco) {
		let queue = [...ncco];
		while (queue.length && isLive(call)) {
			if (++call.actions > MAX_ACTIONS) {
				end(call, `sandbox: more than ${MAX_ACTIONS} actions`);
				break;
			}
			const action = queue.shift() ?? {};
			switch (action.action) {
				case 'talk':
					say(call, { type: 'talk', text: String(action.text ?? '') });
					break;
				case 'stream':
					say(call, {
						type: 'stream',
						url: String(Array.isArray(action.streamUrl) ? action.streamUrl[0] : action.streamUrl),
					});
					break;
				case 'record': {
					const [made] = recordNcco(call.applicationId, [action], call);
					if (made) call.recordings.push(made);
					say(call, { type: 'record', recording: made?.recording });
					break;
				}
				case 'input': {
					const step = call.script.shift() ?? { hangup: true };
					if (step.hangup !== undefined) {
						say(call, { type: 'hangup' });
						end(call, 'caller hung up');
						break;
					}
					const { heard, payload } = inputResult(call, action, step);
					say(call, heard);
					const next = await deliverTurn(call, 'input', action, payload);
					if (next) queue = [...next];
					break;
				}
				case 'notify': {
					const payload =
						action.payload && typeof action.payload === 'object' ? action.payload : {};
					const next = await deliverTurn(call, 'notify', action, payload);
					if (next) queue = [...next];
					break;
				}
				case 'connect': {
					const endpoint = (Array.isArray(action.endpoint) ? action.endpoint[0] : undefined) ?? {};
					const to = endpoint.number ?? endpoint.uri ?? endpoint.user ?? endpoint.extension ?? '';
					say(call, { type: 'connect', to: String(to), endpoint });
					end(call, `connected to ${to}`);
					break;
				}
				case 'conversation':
					say(call, { type: 'conversation', name: String(action.name ?? '') });
					end(call, `joined conversation ${action.name ?? ''}`);
					break;
				default:
					// Voice refuses an NCCO with an action it does not know; the sandbox notes and skips it.
					say(call, { type: 'unknown', action: String(action.action) });
			}
		}
		end(call, call.v1?.status === 'completed' ? 'hung up through the API' : 'the NCCO ran out');
	}

	/**
	 * Starts a call with a caller script. call: uuid, conversation_uuid, from, to, direction,
	 * applicationId, and for v1 calls the call itself (v1) and its event URL. ncco: the NCCO, or a
	 * function of the call record that resolves with it (undefined: the call was not answered).
	 * Returns the call record; its `done` resolves when the call has ended.
	 */
	function start({ ncco, script, onEnd, ...call }) {
		const record = {
			...call,
			status: 'in progress',
			script: [...script],
			transcript: [],
			webhooks: [],
			recordings: [],
			actions: 0,
			onEnd,
		};
		state.callerCalls.set(record.uuid, record);
		const done = Promise.resolve()
			.then(() => (typeof ncco === 'function' ? ncco(record) : ncco))
			.then((answer) =>
				answer ? run(record, answer) : end(record, 'no NCCO: the call was not answered'),
			)
			.catch((error) => end(record, `sandbox error: ${error.message}`));
		Object.defineProperty(record, 'done', { enumerable: false, value: done });
		return record;
	}

	/** One line per transcript entry, for people reading a curl answer. */
	function lineOf(entry) {
		switch (entry.type) {
			case 'talk':
				return `heard: ${entry.text}`;
			case 'stream':
				return `heard audio: ${entry.url}`;
			case 'press':
				return `pressed ${entry.digits}`;
			case 'say':
				return `said: ${entry.text}`;
			case 'silence':
				return entry.unheard ? `was not heard: ${JSON.stringify(entry.unheard)}` : 'stayed silent';
			case 'mumble':
				return 'mumbled (not recognised)';
			case 'record':
				return `was recorded (${entry.recording})`;
			case 'connect':
				return `connected to ${entry.to}`;
			case 'conversation':
				return `joined conversation ${entry.name}`;
			case 'hangup':
				return 'hung up';
			case 'unknown':
				return `sandbox skipped an unknown action: ${entry.action}`;
			case 'end':
				return `call ended: ${entry.reason}`;
			default:
				return JSON.stringify(entry);
		}
	}

	/** A call as the control API shows it. */
	function view(call) {
		const rest = { ...call };
		delete rest.script;
		delete rest.v1;
		delete rest.onEnd;
		delete rest.actions;
		return { ...rest, lines: call.transcript.map(lineOf), scriptLeft: call.script.length };
	}

	function findCall(uuid) {
		const call = state.callerCalls.get(uuid);
		if (!call) throw new HttpError(404, { error: `no call ${uuid} ran with a caller script` });
		return call;
	}

	/**
	 * The answer_url of an outbound v1 call, fetched as Voice fetches it (GET unless answer_method
	 * says otherwise; twice, then the application's fallback_answer_url twice). Resolves with its
	 * NCCO or undefined.
	 */
	async function fetchAnswer(call, body) {
		const hooks = findApp(call.applicationId).capabilities.voice?.webhooks ?? {};
		const params = {
			from: call.from,
			to: call.to,
			uuid: call.uuid,
			conversation_uuid: call.conversation_uuid,
		};
		const first = await tryTwice(call, {
			kind: 'answer',
			target: 'answer_url',
			address: body.answer_url[0],
			method: String(body.answer_method ?? 'GET').toUpperCase(),
			payload: params,
			timeouts: timeoutsOf(hooks.answer_url, 'answer_url'),
		});
		if (first.answered && first.ncco) return first.ncco;
		const fallback = hooks.fallback_answer_url;
		if (!fallback?.address) return undefined;
		const second = await tryTwice(call, {
			kind: 'answer',
			target: 'fallback_answer_url',
			address: fallback.address,
			method: String(fallback.http_method ?? 'GET').toUpperCase(),
			payload: {
				...params,
				reason: first.reason || 'not an NCCO',
				original_request: { url: body.answer_url[0], type: 'answer' },
			},
			timeouts: timeoutsOf(fallback, 'fallback_answer_url'),
		});
		return second.ncco;
	}

	/**
	 * An outbound v1 call the sandbox was given a script for (POST /_standin/caller-scripts):
	 * takes the first queued script for the call's number (or for any number) and runs the call's
	 * NCCO or answer_url with it. Returns false when no script waits, so the call runs as before.
	 */
	function takeOutboundCall(applicationId, v1, body, onEnd) {
		const to = String(v1.to?.number ?? v1.to?.uri ?? v1.to?.user ?? '');
		const index = state.callerScripts.findIndex((queued) => !queued.to || queued.to === to);
		if (index < 0) return false;
		const [{ caller }] = state.callerScripts.splice(index, 1);
		start({
			uuid: v1.uuid,
			conversation_uuid: v1.conversation_uuid,
			applicationId,
			direction: 'outbound',
			from: String(v1.from?.number ?? ''),
			to,
			eventUrl: body.event_url?.[0],
			v1,
			script: caller,
			ncco: body.ncco ?? ((record) => fetchAnswer(record, body)),
			onEnd,
		});
		return true;
	}

	/** The control routes of the caller: undefined for a path that is not one of them. */
	async function control(method, path, body) {
		if (method === 'POST' && path === '/caller-scripts') {
			const problem = scriptProblem(body.caller);
			if (problem) throw new HttpError(400, { error: problem });
			state.callerScripts.push({ to: body.to ? String(body.to) : undefined, caller: body.caller });
			return [200, { queued: state.callerScripts.length }];
		}
		let m;
		if ((m = /^\/calls\/([^/]+)\/transcript$/.exec(path)) && method === 'GET')
			return [200, view(findCall(decodeURIComponent(m[1])))];
		if ((m = /^\/calls\/([^/]+)\/wait$/.exec(path)) && method === 'POST') {
			const call = findCall(decodeURIComponent(m[1]));
			await waitFor(call, body.timeoutMs);
			return [200, view(call)];
		}
		return undefined;
	}

	/** Waits for a call to end, at most timeoutMs (default 60 s). */
	function waitFor(call, timeoutMs = 60_000) {
		let timer;
		return Promise.race([
			call.done,
			new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
		]).finally(() => clearTimeout(timer));
	}

	/**
	 * An inbound call answered with an NCCO (or not), run with a caller script. answered is what
	 * deliveries.answerCall returned; call the parameters it was asked with.
	 */
	function runInbound(applicationId, call, answered, script) {
		return start({
			uuid: call.uuid,
			conversation_uuid: call.conversation_uuid,
			applicationId,
			direction: 'inbound',
			from: String(call.from),
			to: String(call.to),
			script,
			ncco: answered.ncco ?? undefined,
		});
	}

	return {
		control,
		runInbound,
		takeOutboundCall,
		waitFor,
		view,
		scriptProblem,
		callerCalls: () => [...state.callerCalls.values()].map(view),
		transcriptOf: (uuid) => view(findCall(uuid)),
	};
}

module.exports = { createCaller, scriptProblem, nccoIn, MAX_ACTIONS };
