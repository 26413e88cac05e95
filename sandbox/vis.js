'use strict';
/** VIS (api.vonage.com/t/vbc.prod/vis/v1): the signed-in user, account, calls, call events and webhook registrations. */
const crypto = require('node:crypto');

const { visError, visInvalid } = require('./errors');
const { DAY, isPhone, iso } = require('./util');

const VIS_PATH = '/t/vbc.prod/vis/v1';
const CALL_STATES = [
	'INITIALIZING',
	'RINGING',
	'ACTIVE',
	'HELD',
	'REMOTE_HELD',
	'DETACHED',
	'REJECTED',
	'CANCELLED',
	'ANSWERED',
	'MISSED',
];
const ACTIVE_STATES = ['INITIALIZING', 'RINGING', 'ACTIVE', 'HELD', 'REMOTE_HELD'];

function createVis(ctx) {
	const { clock, webhookTtlMs, state, visUser, visAccount, saveState, newId } = ctx;
	/**
	 * VIS lists one event per call, with the state the call has when listed: a state change
	 * updates the call's event record, and (with `deliverCallEvents`) is delivered to webhooks.
	 */
	function recordEvent(call) {
		call.eventId ??= newId();
		const { eventId, ...fields } = call;
		const record = { ...fields, id: eventId, type: 'CALL' };
		const at = state.events.findIndex((event) => event.id === eventId);
		if (at === -1) state.events.push(record);
		else state.events[at] = record;
		saveState();
		ctx.onCallEvent?.(record);
	}

	function makeCall(phoneNumber, direction = 'OUTBOUND', callState = 'RINGING') {
		const call = {
			id: newId(),
			externalId: crypto.randomUUID(),
			type: 'CALL',
			accountId: visUser.accountId,
			userId: visUser.id,
			uciId: 1,
			direction,
			callerId: '',
			phoneNumber,
			duration: 0,
			state: callState,
			startTime: iso(clock()),
			answerTime: null,
			endTime: null,
		};
		state.calls.set(String(call.id), call);
		recordEvent(call);
		return call;
	}

	function seedEvents(count, template = {}) {
		const start = clock() - count * 1000;
		for (let i = 0; i < count; i++) {
			state.events.push({
				id: newId(),
				externalId: `ext-${i}`,
				type: 'CALL',
				accountId: visUser.accountId,
				userId: visUser.id,
				uciId: 1,
				direction: i % 2 ? 'INBOUND' : 'OUTBOUND',
				callerId: '',
				phoneNumber: `1415555${String(i).padStart(4, '0')}`,
				duration: 0,
				state: CALL_STATES[i % CALL_STATES.length],
				startTime: iso(start + i * 1000),
				answerTime: null,
				endTime: null,
				...template,
			});
		}
	}

	function findCall(id) {
		const call = state.calls.get(String(id));
		if (!call) throw visError(404, 'NOT_FOUND', `Call ${id} not found`);
		return call;
	}

	function setCallState(call, next) {
		call.state = next;
		if (['ACTIVE'].includes(next) && !call.answerTime) call.answerTime = iso(clock());
		if (['ANSWERED', 'CANCELLED', 'REJECTED', 'MISSED'].includes(next)) {
			call.endTime = iso(clock());
			call.duration = call.answerTime ? clock() - Date.parse(call.answerTime) : 0;
		}
		recordEvent(call);
		return call;
	}

	function listFilter(query, allowedStates) {
		const errors = [];
		const split = (v) =>
			v
				? String(v)
						.split(',')
						.map((s) => s.trim())
						.filter(Boolean)
				: undefined;
		const directions = split(query.direction);
		const states = split(query.states);
		for (const d of directions ?? [])
			if (!['INBOUND', 'OUTBOUND'].includes(d))
				errors.push({ field: 'direction', message: `must be INBOUND or OUTBOUND, got ${d}` });
		for (const s of states ?? [])
			if (!allowedStates.includes(s))
				errors.push({ field: 'states', message: `unknown state ${s}` });
		for (const f of ['fromDate', 'toDate', 'offset', 'size'])
			if (query[f] !== undefined && !/^\d+$/.test(query[f]))
				errors.push({ field: f, message: 'must be an integer' });
		if (query.order !== undefined && !['ASC', 'DESC'].includes(query.order))
			errors.push({ field: 'order', message: 'must be ASC or DESC' });
		if (query.types !== undefined && query.types !== 'CALL')
			errors.push({ field: 'types', message: 'must be CALL' });
		if (query.size !== undefined && (Number(query.size) < 1 || Number(query.size) > 1000))
			errors.push({ field: 'size', message: 'must be between 1 and 1000' });
		if (errors.length) throw visInvalid(errors);
		return (record) =>
			(!directions || directions.includes(record.direction)) &&
			(!states || states.includes(record.state)) &&
			(query.fromDate === undefined || Date.parse(record.startTime) >= Number(query.fromDate)) &&
			(query.toDate === undefined || Date.parse(record.startTime) <= Number(query.toDate));
	}

	/** `offset` is a page number from 1 (the docs: "Page number of events to return"). */
	function page(records, query) {
		const sorted = [...records].sort((a, b) => (a.id - b.id) * (query.order === 'DESC' ? -1 : 1));
		const size = Number(query.size ?? 20);
		const pageNumber = Math.max(1, Number(query.offset ?? 1));
		return sorted.slice((pageNumber - 1) * size, pageNumber * size);
	}

	function validateWebhook(body) {
		const errors = [];
		if (typeof body.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(body.url))
			errors.push({ field: 'url', message: 'must be an http(s) URL' });
		if (
			!Array.isArray(body.events) ||
			body.events.length === 0 ||
			body.events.some((e) => e !== 'CALL')
		)
			errors.push({ field: 'events', message: 'must be a non-empty array of CALL' });
		if (body.signingAlgo !== undefined && !['HMAC_SHA256', 'NONE'].includes(body.signingAlgo))
			errors.push({ field: 'signingAlgo', message: 'must be HMAC_SHA256' });
		if (
			body.metadataPolicy !== undefined &&
			!['NONE', 'HEADER', 'BODY'].includes(body.metadataPolicy)
		)
			errors.push({ field: 'metadataPolicy', message: 'must be NONE, HEADER or BODY' });
		if (errors.length) throw visInvalid(errors);
	}

	/** Expired registrations are expunged at their `purgeAt`: from then on VIS answers 404. */
	function purgeExpired() {
		for (const [id, hook] of state.webhooks)
			if (Date.parse(hook.purgeAt) <= clock()) state.webhooks.delete(id);
	}

	function findWebhook(id) {
		purgeExpired();
		const hook = state.webhooks.get(String(id));
		if (!hook) throw visError(404, 'NOT_FOUND', `Webhook ${id} not found`);
		return hook;
	}

	/**
	 * A call that happens on the user's line: one event per state, in order, as VIS would see
	 * them (with `deliverCallEvents`, each is delivered to the registered webhooks).
	 */
	function callHappens({
		phoneNumber = '14155550100',
		direction = 'INBOUND',
		states = ['RINGING', 'MISSED'],
	} = {}) {
		const call = makeCall(phoneNumber, direction, states[0]);
		for (const next of states.slice(1)) setCallState(call, next);
		return call;
	}

	function vis(method, path, query, body) {
		const seg = path.split('/').slice(1).map(decodeURIComponent); // ['self', ...]
		if (seg[0] !== 'self') throw visError(404, 'NOT_FOUND', 'No such resource');
		const [, collection, id, action] = seg;
		const route = `${method} ${[collection, id === undefined ? undefined : id === 'count' ? 'count' : ':id', action].filter((x) => x !== undefined).join('/')}`;
		switch (route) {
			case 'GET ':
				return [200, visUser];
			case 'GET account':
				return [200, visAccount];
			case 'POST calls': {
				if (!body || typeof body.phoneNumber !== 'string' || body.phoneNumber === '')
					throw visInvalid([{ field: 'phoneNumber', message: 'must not be empty' }]);
				if (!isPhone(body.phoneNumber))
					throw visInvalid([{ field: 'phoneNumber', message: 'must be a phone number' }]);
				return [201, [makeCall(body.phoneNumber)]];
			}
			case 'GET calls': {
				const match = listFilter({ states: 'ACTIVE', ...query }, ACTIVE_STATES);
				return [200, page([...state.calls.values()].filter(match), query)];
			}
			case 'GET calls/count': {
				const match = listFilter({ states: 'ACTIVE', ...query }, ACTIVE_STATES);
				return [200, { count: [...state.calls.values()].filter(match).length }];
			}
			case 'GET calls/:id':
				return [200, [findCall(id)]];
			case 'DELETE calls/:id': {
				const call = findCall(id);
				return [200, [setCallState(call, call.answerTime ? 'ANSWERED' : 'CANCELLED')]];
			}
			case 'PUT calls/:id/answer':
				return [200, setCallState(findCall(id), 'ACTIVE')];
			case 'PUT calls/:id/hold':
				return [200, setCallState(findCall(id), 'HELD')];
			case 'DELETE calls/:id/hold':
				return [200, setCallState(findCall(id), 'ACTIVE')];
			case 'PUT calls/:id/vmtransfer':
				return [200, setCallState(findCall(id), 'REJECTED')];
			case 'POST calls/:id/transfer': {
				const call = findCall(id);
				if (!body || !isPhone(body.phoneNumber))
					throw visInvalid([{ field: 'phoneNumber', message: 'must be a phone number' }]);
				return [200, setCallState(call, 'DETACHED')];
			}
			case 'GET events':
				return [200, page(state.events.filter(listFilter(query, CALL_STATES)), query)];
			case 'GET events/count':
				return [200, { count: state.events.filter(listFilter(query, CALL_STATES)).length }];
			case 'GET events/:id': {
				const event = state.events.find((e) => String(e.id) === id);
				if (!event) throw visError(404, 'NOT_FOUND', `Event ${id} not found`);
				return [200, [event]];
			}
			case 'GET webhooks':
				purgeExpired();
				return [200, [...state.webhooks.values()]];
			case 'POST webhooks': {
				validateWebhook(body ?? {});
				const now = clock();
				const hook = {
					id: crypto.randomUUID(),
					accountId: String(visUser.accountId),
					userId: String(visUser.id),
					url: body.url,
					events: body.events,
					signingAlgo: body.signingAlgo ?? 'NONE',
					signingKey: body.signingKey ?? '',
					metadataPolicy: body.metadataPolicy ?? 'NONE',
					status: 'ACTIVE',
					createdAt: iso(now),
					renewedAt: null,
					expireAt: iso(now + webhookTtlMs),
					purgeAt: iso(now + webhookTtlMs + 30 * DAY),
					statistics: {
						failed: false,
						totalAttempts: 0,
						totalSuccesses: 0,
						totalFailures: 0,
						lastSuccess: null,
						lastFailure: null,
						lastHttpErrorCode: null,
						lastErrorMessage: null,
					},
				};
				state.webhooks.set(hook.id, hook);
				saveState();
				return [201, hook];
			}
			case 'GET webhooks/:id':
				return [200, findWebhook(id)];
			case 'DELETE webhooks/:id':
				findWebhook(id);
				state.webhooks.delete(id);
				saveState();
				return [204, undefined];
			case 'PUT webhooks/:id/renew': {
				const hook = findWebhook(id);
				const now = clock();
				Object.assign(hook, {
					renewedAt: iso(now),
					renewedBy: String(visUser.id),
					expireAt: iso(now + webhookTtlMs),
					purgeAt: iso(now + webhookTtlMs + 30 * DAY),
				});
				state.renewals.push({ webhookId: hook.id, at: now });
				hook.statistics.failed = false;
				saveState();
				return [200, hook];
			}
			default:
				throw visError(404, 'NOT_FOUND', `No route ${method} ${path}`);
		}
	}

	return { vis, makeCall, callHappens, seedEvents, findWebhook };
}

module.exports = { createVis, VIS_PATH, CALL_STATES };
