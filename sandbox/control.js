'use strict';
/** The /_standin/ control API, through which other processes read the state, seed it, inject faults and trigger deliveries. */
const crypto = require('node:crypto');

const { HttpError } = require('./errors');
const { iso } = require('./util');

function createControl(
	{ clock, sandbox, state },
	{
		appView,
		callView,
		makeCall,
		callHappens,
		seedEvents,
		findWebhook,
		deliverEvent,
		sampleEvent,
		deliverVoiceEvent,
		sampleVoiceEvent,
		answerCall,
		// More routes and state from other modules (caller.js): routes answer undefined for a path
		// that is not theirs.
		moreControl = [],
		moreState = () => ({}),
		callHappensV1,
	},
) {
	/**
	 * The VIS registration a test event goes to when the request names none: the newest one that has
	 * not expired. A trigger being tested ("Execute step") registers last, so a user's own new
	 * trigger gets the event without anyone looking up its webhook id.
	 */
	function newestWebhookId() {
		const live = [...state.webhooks.values()].filter((hook) => Date.parse(hook.expireAt) > clock());
		const newest = live[live.length - 1];
		if (!newest)
			throw new HttpError(409, {
				error:
					'no VIS registration yet: publish a workflow with a Vonage VIS Trigger, or click "Execute step" on one, then send the event again',
			});
		return newest.id;
	}

	/**
	 * The application a Voice call event or call goes to when the request names none: among the
	 * applications whose webhook points at an n8n webhook URL, one that a trigger being tested points
	 * at first, then the one updated last (the request log's order), else the sandbox application.
	 */
	function defaultApplicationId(webhook) {
		const addressOf = (app) => String(app?.capabilities?.voice?.webhooks?.[webhook]?.address ?? '');
		const updated = state.requests
			.filter((request) => request.method === 'PUT')
			.map((request) => /^\/v2\/applications\/([^/]+)$/.exec(request.path)?.[1])
			.filter(Boolean)
			.map(decodeURIComponent)
			.reverse();
		const pointed = [...new Set([...updated, ...state.applications.keys()])]
			.map((id) => state.applications.get(id))
			.filter((app) => /\/webhook(-test)?\//.test(addressOf(app)));
		const testing = pointed.find((app) => addressOf(app).includes('/webhook-test/'));
		return (testing ?? pointed[0])?.id ?? sandbox.applicationId;
	}

	async function control(method, path, body) {
		for (const route of moreControl) {
			const answer = await route(method, path, body);
			if (answer) return answer;
		}
		if (method === 'GET' && path === '/state') {
			return [
				200,
				{
					requests: state.requests,
					webhooks: [...state.webhooks.values()],
					applications: [...state.applications.values()].map(appView),
					users: [...state.users.values()],
					voiceCalls: state.voiceCalls,
					v1Calls: [...state.v1Calls.values()].map(callView),
					calls: [...state.calls.values()],
					eventCount: state.events.length,
					counters: state.counters,
					deliveries: state.deliveries,
					...moreState(),
				},
			];
		}
		if (method === 'GET' && path === '/sandbox') return [200, sandbox];
		if (method === 'GET' && path === '/counters')
			return [200, { ...state.counters, requests: state.requests.length }];
		if (method === 'POST' && path === '/clear-requests') {
			state.requests.length = 0;
			return [200, {}];
		}
		if (method === 'POST' && path === '/clear-users') {
			state.users.clear();
			return [200, {}];
		}
		if (method === 'POST' && path === '/seed-users') {
			for (let i = 0; i < (body.count ?? 10); i++) {
				const id = `USR-${crypto.randomUUID()}`;
				state.users.set(id, {
					id,
					name: `seeded-${state.users.size}-${i}`,
					display_name: `Seeded ${i}`,
					properties: {},
					channels: {},
				});
			}
			return [200, { userCount: state.users.size }];
		}
		if (method === 'POST' && path === '/seed-calls') {
			const ids = Array.from(
				{ length: body.count ?? 1 },
				() => makeCall('14155550100', 'INBOUND', 'RINGING').id,
			);
			return [200, { ids }];
		}
		if (method === 'POST' && path === '/faults') {
			failNext(body.count ?? 1, body.status ?? 500, body);
			return [200, { queued: state.faults.length }];
		}
		if (method === 'POST' && path === '/seed-events') {
			seedEvents(body.count ?? 10);
			return [200, { eventCount: state.events.length }];
		}
		if (method === 'POST' && path === '/deliver') {
			const webhookId = body.webhookId ?? newestWebhookId();
			const event = sampleEvent(body.event);
			const tamper = body.tamper ? (e) => ({ ...e, ...body.tamper }) : undefined;
			return [200, { event, ...(await deliverEvent(webhookId, event, { ...body, tamper })) }];
		}
		if (method === 'POST' && path === '/voice-event')
			return [
				200,
				await deliverVoiceEvent(
					body.applicationId ?? defaultApplicationId('event_url'),
					sampleVoiceEvent(body.event),
					body,
				),
			];
		if (method === 'POST' && path === '/voice-answer')
			return [
				200,
				await answerCall(body.applicationId ?? defaultApplicationId('answer_url'), body.call, {
					caller: body.caller,
					wait: body.wait === true,
					timeoutMs: body.timeoutMs,
				}),
			];
		// Voice calls of an application, with their status events sent under Voice's attempt rule.
		if (method === 'POST' && path === '/voice-calls-happen') {
			const applicationId = body.applicationId ?? defaultApplicationId('event_url');
			const calls = await Promise.all(
				Array.from({ length: Math.min(Number(body.count ?? 1), 500) }, () =>
					callHappensV1(applicationId, body),
				),
			);
			return [200, { applicationId, calls }];
		}
		if (method === 'POST' && path === '/calls-happen') {
			const calls = Array.from({ length: body.count ?? 1 }, () => callHappens(body));
			return [
				200,
				{ ids: calls.map((call) => call.id), eventIds: calls.map((call) => call.eventId) },
			];
		}
		if (method === 'POST' && path === '/purge-webhook') {
			findWebhook(body.webhookId);
			state.webhooks.delete(String(body.webhookId));
			return [200, {}];
		}
		if (method === 'POST' && path === '/expire-webhook') {
			const hook = findWebhook(body.webhookId);
			hook.expireAt = iso(clock() - 1000);
			return [200, hook];
		}
		if (method === 'POST' && path === '/expire-tokens') {
			for (const k of state.accessTokens.keys()) state.accessTokens.set(k, 0);
			return [200, {}];
		}
		throw new HttpError(404, { error: 'no such control route' });
	}

	function failNext(count, status, opts = {}) {
		for (let i = 0; i < count; i++)
			state.faults.push({
				status,
				retryAfter: opts.retryAfter,
				pathPrefix: opts.pathPrefix,
				body: opts.body,
			});
	}

	return { control, failNext };
}

module.exports = { createControl };
