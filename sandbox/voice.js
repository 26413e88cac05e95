'use strict';
/** Voice: Create Call v2, and v1 calls with their control (hangup, transfer, stream, talk, DTMF) and status events. */
const crypto = require('node:crypto');

const { problem, invalidParameters } = require('./errors');
const { isPhone, iso } = require('./util');
const { createVoiceEvents } = require('./voiceEvents');

/** How the v1 reference writes a call record's times: UTC, "YYYY-MM-DD HH:MM:SS", not ISO 8601. */
const v1Time = (ms) => iso(ms).slice(0, 19).replace('T', ' ');
const v1TimeMs = (text) => Date.parse(`${String(text).replace(' ', 'T')}Z`);
const FINAL = ['completed', 'busy', 'cancelled', 'failed', 'rejected', 'timeout', 'unanswered'];

function createVoice(ctx, { findApp, signedCallbackHeader, recordNcco, takeOutboundCall }) {
	const { clock, state } = ctx;
	const { sendCallEvent } = createVoiceEvents(ctx);
	// ---------- Voice v2 ----------
	function voice(body) {
		body = body ?? {};
		const invalid = validateCall(body);
		if (invalid.length) throw invalidParameters(invalid);
		state.voiceCalls.push(body);
		return [202, {}];
	}

	// ---------- Voice API v1: calls and their control ----------
	/** The body checks Create Call v1 shares with v2, plus advanced machine detection. */
	function validateCall(body) {
		const invalid = [];
		const hasNcco = body.ncco !== undefined;
		const hasAnswer = body.answer_url !== undefined;
		if (hasNcco === hasAnswer)
			invalid.push({ name: 'ncco', reason: 'exactly one of ncco or answer_url is required' });
		if (
			hasNcco &&
			(!Array.isArray(body.ncco) || body.ncco.some((a) => typeof a?.action !== 'string'))
		)
			invalid.push({ name: 'ncco', reason: 'must be an array of actions' });
		if (hasAnswer && (!Array.isArray(body.answer_url) || body.answer_url.length !== 1))
			invalid.push({ name: 'answer_url', reason: 'must be an array with one URL' });
		if (!Array.isArray(body.to) || body.to.length !== 1 || typeof body.to[0]?.type !== 'string')
			invalid.push({ name: 'to', reason: 'must be an array with one endpoint' });
		else if (body.to[0].type === 'phone' && !isPhone(body.to[0].number))
			invalid.push({ name: 'to[0].number', reason: 'must be a phone number of 7 to 15 digits' });
		if ((body.from === undefined) === (body.random_from_number !== true))
			invalid.push({ name: 'from', reason: 'give either from or random_from_number: true' });
		if (body.length_timer !== undefined && (body.length_timer < 1 || body.length_timer > 7200))
			invalid.push({ name: 'length_timer', reason: 'must be between 1 and 7200' });
		if (body.ringing_timer !== undefined && (body.ringing_timer < 1 || body.ringing_timer > 120))
			invalid.push({ name: 'ringing_timer', reason: 'must be between 1 and 120' });
		const amd = body.advanced_machine_detection;
		if (amd !== undefined) {
			if (!['continue', 'hangup'].includes(amd.behavior))
				invalid.push({
					name: 'advanced_machine_detection.behavior',
					reason: 'must be continue or hangup',
				});
			if (!['default', 'detect', 'detect_beep'].includes(amd.mode))
				invalid.push({
					name: 'advanced_machine_detection.mode',
					reason: 'must be default, detect or detect_beep',
				});
			if (amd.beep_timeout !== undefined && (amd.beep_timeout < 45 || amd.beep_timeout > 120))
				invalid.push({
					name: 'advanced_machine_detection.beep_timeout',
					reason: 'must be between 45 and 120',
				});
		}
		return invalid;
	}

	/** The event URL of a v1 call: the one it was created with, or its application's. */
	function eventTargetOf(call) {
		const fromBody = call.request.event_url?.[0];
		if (fromBody) return { address: fromBody, http_method: call.request.event_method ?? 'POST' };
		return findApp(call.applicationId).capabilities.voice?.webhooks?.event_url;
	}

	/** Sends a call status event as Voice does (signed when the application signs), without awaiting. */
	function callEvent(call, status, extra = {}) {
		// Vonage keeps the record through a restart, so GET /v1/calls can list what n8n missed.
		ctx.saveState?.();
		const target = eventTargetOf(call);
		if (!target?.address) return;
		const event = {
			uuid: call.uuid,
			conversation_uuid: call.conversation_uuid,
			status,
			direction: call.direction,
			from: call.from.number ?? '',
			to: call.to.number ?? call.to.uri ?? '',
			timestamp: iso(clock()),
			...extra,
		};
		const voice = findApp(call.applicationId).capabilities.voice ?? {};
		const headersFor = (payload) => ({
			'content-type': 'application/json',
			...signedCallbackHeader(call.applicationId, voice, payload),
		});
		const delivery = sendCallEvent(target, headersFor, event, call.applicationId);
		state.pendingDeliveries.push(delivery);
		return delivery;
	}

	/** The call ends: hung up, or its NCCO ran out. */
	function complete(call) {
		if (call.status === 'completed') return;
		call.status = 'completed';
		call.end_time = v1Time(clock());
		callEvent(call, 'completed', { duration: '1' });
	}

	const callView = (call) => {
		// Without what only the sandbox keeps.
		const view = { ...call };
		delete view.request;
		delete view.applicationId;
		delete view.recordings;
		return { ...view, _links: { self: { href: `/v1/calls/${call.uuid}` } } };
	};

	/** A v1 call record as GET /v1/calls lists it, started now, kept in the sandbox's state. */
	function newCall(applicationId, { direction, to, from, request }) {
		const call = {
			uuid: crypto.randomUUID(),
			conversation_uuid: `CON-${crypto.randomUUID()}`,
			status: 'started',
			direction,
			to,
			from,
			start_time: v1Time(clock()),
			end_time: null,
			duration: '0',
			rate: '0.00',
			price: '0.00',
			network: '65512',
			talks: [],
			streams: [],
			dtmf: [],
			request,
			applicationId,
		};
		state.v1Calls.set(call.uuid, call);
		return call;
	}

	function findVoiceCall(uuid) {
		const call = state.v1Calls.get(uuid);
		if (!call) throw problem(404, 'Not Found', `Call ${uuid} was not found`);
		return call;
	}

	function requireLive(call) {
		if (
			['completed', 'busy', 'cancelled', 'failed', 'rejected', 'timeout', 'unanswered'].includes(
				call.status,
			)
		) {
			throw problem(400, 'Bad Request', `Call ${call.uuid} has ended (${call.status})`);
		}
	}

	function voiceV1(method, path, query, body, applicationId) {
		if (path === '' && method === 'POST') {
			const invalid = validateCall(body ?? {});
			if (invalid.length) throw invalidParameters(invalid);
			const call = newCall(applicationId, {
				direction: 'outbound',
				to: body.to[0],
				from: body.from ?? { type: 'phone', number: '14155550105' },
				request: body,
			});
			const { uuid } = call;
			callEvent(call, 'started');
			// The callee picks up at once in the sandbox.
			call.status = 'answered';
			callEvent(call, 'answered');
			// With a caller script queued for it, the sandbox runs its NCCO action by action (caller.js),
			// and the call completes when that ends. Else its record actions leave a recording (and
			// transcript) and send their events.
			if (takeOutboundCall?.(applicationId, call, body, () => complete(call))) call.recordings = [];
			else if (body.ncco) call.recordings = recordNcco?.(applicationId, body.ncco, call);
			return [
				201,
				{
					uuid,
					status: 'started',
					direction: 'outbound',
					conversation_uuid: call.conversation_uuid,
				},
			];
		}
		if (path === '' && method === 'GET') return [200, listCalls(query, applicationId)];
		const m = /^\/([^/]+)(?:\/(stream|talk|dtmf))?$/.exec(path);
		if (!m) throw problem(404, 'Not Found', `No route ${method} /v1/calls${path}`);
		const call = findVoiceCall(decodeURIComponent(m[1]));
		const sub = m[2];
		if (!sub && method === 'GET') return [200, callView(call)];
		if (!sub && method === 'PUT') {
			requireLive(call);
			const actions = ['hangup', 'mute', 'unmute', 'earmuff', 'unearmuff', 'transfer'];
			if (!actions.includes(body?.action))
				throw invalidParameters([
					{ name: 'action', reason: `must be one of ${actions.join(', ')}` },
				]);
			if (body.action === 'transfer') {
				const destination = body.destination;
				const valid =
					destination?.type === 'ncco' &&
					(Array.isArray(destination.ncco)
						? destination.ncco.every((a) => typeof a?.action === 'string')
						: Array.isArray(destination.url) && destination.url.length === 1);
				if (!valid)
					throw invalidParameters([
						{
							name: 'destination',
							reason: 'must be {type: "ncco", ncco: [...]} or {type: "ncco", url: [url]}',
						},
					]);
				call.transfers = [...(call.transfers ?? []), destination];
			}
			if (body.action === 'hangup') complete(call);
			else call[body.action === 'transfer' ? 'lastAction' : 'state'] = body.action;
			return [204, undefined];
		}
		requireLive(call);
		if (sub === 'stream' && method === 'PUT') {
			if (!Array.isArray(body?.stream_url) || body.stream_url.length !== 1)
				throw invalidParameters([{ name: 'stream_url', reason: 'must be an array with one URL' }]);
			if (body.level !== undefined && (Number(body.level) < -1 || Number(body.level) > 1))
				throw invalidParameters([{ name: 'level', reason: 'must be between -1 and 1' }]);
			call.streams.push(body);
			return [200, { message: 'Stream started', uuid: call.uuid }];
		}
		if (sub === 'talk' && method === 'PUT') {
			if (typeof body?.text !== 'string' || !body.text || body.text.length > 1500)
				throw invalidParameters([{ name: 'text', reason: 'must be 1 to 1500 characters' }]);
			call.talks.push(body);
			return [200, { message: 'Talk started', uuid: call.uuid }];
		}
		if (sub === 'dtmf' && method === 'PUT') {
			if (!/^[0-9*#p]+$/.test(String(body?.digits ?? '')))
				throw invalidParameters([{ name: 'digits', reason: 'must be 0-9, *, # or p' }]);
			call.dtmf.push(body.digits);
			return [200, { message: 'DTMF sent', uuid: call.uuid }];
		}
		if ((sub === 'stream' || sub === 'talk') && method === 'DELETE') {
			return [
				200,
				{ message: sub === 'stream' ? 'Stream stopped' : 'Talk stopped', uuid: call.uuid },
			];
		}
		throw problem(404, 'Not Found', `No route ${method} /v1/calls${path}`);
	}

	/**
	 * GET /v1/calls as the reference describes it: status, date_start and date_end (ISO 8601, on the
	 * start time), conversation_uuid, order (asc by default), page_size 1–100 (10 by default) and
	 * record_index, with count and _links. Only the calls of the JWT's application are listed (the
	 * docs do not say; see docs/behaviour.md), inbound and outbound.
	 */
	function listCalls(query, applicationId) {
		const size = Number(query.page_size ?? 10);
		const index = Number(query.record_index ?? 0);
		if (!Number.isInteger(size) || size < 1 || size > 100)
			throw invalidParameters([{ name: 'page_size', reason: 'must be between 1 and 100' }]);
		if (!Number.isInteger(index) || index < 0)
			throw invalidParameters([{ name: 'record_index', reason: 'must be 0 or more' }]);
		if (query.order !== undefined && !['asc', 'desc'].includes(query.order))
			throw invalidParameters([{ name: 'order', reason: 'must be asc or desc' }]);
		const bound = (name) => {
			if (query[name] === undefined) return undefined;
			const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(
				query[name],
			)
				? Date.parse(query[name])
				: Number.NaN;
			if (Number.isNaN(ms))
				throw invalidParameters([{ name, reason: 'must be an ISO 8601 date-time' }]);
			return ms;
		};
		const from = bound('date_start');
		const to = bound('date_end');
		let calls = [...state.v1Calls.values()].filter(
			(c) => !applicationId || !c.applicationId || c.applicationId === applicationId,
		);
		if (query.status) calls = calls.filter((c) => c.status === query.status);
		if (query.conversation_uuid)
			calls = calls.filter((c) => c.conversation_uuid === query.conversation_uuid);
		// Record times have whole seconds: a bound inside a second still takes that second.
		if (from !== undefined) calls = calls.filter((c) => v1TimeMs(c.start_time) >= from - 999);
		if (to !== undefined) calls = calls.filter((c) => v1TimeMs(c.start_time) <= to);
		calls.sort((a, b) => v1TimeMs(a.start_time) - v1TimeMs(b.start_time));
		if (query.order === 'desc') calls.reverse();
		const pageCalls = calls.slice(index, index + size);
		const link = (at) => {
			const params = new URLSearchParams({ ...query, page_size: size, record_index: at });
			return { href: `/v1/calls?${params}` };
		};
		const links = { self: link(index) };
		if (index + size < calls.length) links.next = link(index + size);
		if (index > 0) links.prev = link(Math.max(0, index - size));
		return {
			count: calls.length,
			page_size: size,
			record_index: index,
			_links: links,
			_embedded: { calls: pageCalls.map(callView) },
		};
	}

	/**
	 * A call to one of the application's numbers (or, outbound, from it) that goes its whole way
	 * at once: started, ringing, then answered and completed, or unanswered/busy/rejected/failed.
	 * Each status goes to the event_url under Voice's attempt rule; the record is listed by
	 * GET /v1/calls whatever was delivered. Resolves when its events have been sent or dropped.
	 */
	async function callHappensV1(applicationId, opts = {}) {
		const call = newCall(applicationId, {
			direction: opts.direction ?? 'inbound',
			to: { type: 'phone', number: opts.to ?? '14155550105' },
			from: { type: 'phone', number: opts.from ?? '14155550123' },
			request: {},
		});
		const outcome = opts.outcome ?? 'completed';
		const steps = ['started', 'ringing', ...(outcome === 'completed' ? ['answered'] : []), outcome];
		const sent = [];
		for (const status of steps) {
			call.status = status;
			if (FINAL.includes(status)) {
				call.end_time = v1Time(clock());
				call.duration = outcome === 'completed' ? String(opts.durationSeconds ?? 1) : '0';
			}
			sent.push(callEvent(call, status, FINAL.includes(status) ? { duration: call.duration } : {}));
		}
		const records = await Promise.all(sent);
		return { ...callView(call), deliveries: records.filter(Boolean) };
	}

	return { voice, voiceV1, callView, callHappensV1, v1Time };
}

module.exports = { createVoice };
