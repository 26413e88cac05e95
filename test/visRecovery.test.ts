/**
 * No call event lost (issue 23): the sandbox fails deliveries the way VIS does, the VIS Trigger's
 * keeper renews or re-registers without waiting for a delivery and runs what VIS dropped once,
 * and the VIS Poll Trigger reads events with a saved cursor.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { PollContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData, ITriggerResponse } from 'n8n-workflow';

import { eventsRun, acceptedDeliveries } from '../nodes/VonageVisTrigger/deliveries';
import { keeperClock } from '../nodes/VonageVisTrigger/keeper';
import { pollClock } from '../nodes/VonageVisPollTrigger/poll';
import { VonageVisPollTrigger } from '../nodes/VonageVisPollTrigger/VonageVisPollTrigger.node';
import { additionalDataFor, workflowWith } from '../scripts/harness/n8n';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';
import { startTrigger, type TriggerHarness } from './helpers/trigger';

const HOUR = 3_600_000;
let standin: Standin;
let trigger: TriggerHarness | undefined;
let keepers: ITriggerResponse[] = [];
let now: number;

/** The keeper's pauses, resolved by the test: each entry is a pending wait for the next check. */
let pauses: Array<() => void> = [];
const realPause = keeperClock.pause;
const realNow = keeperClock.now;

beforeEach(async () => {
	now = Date.now();
	pauses = [];
	keeperClock.now = () => now;
	pollClock.now = () => now;
	keeperClock.pause = (_ms, signal) =>
		new Promise<void>((resolve, reject) => {
			const entry = () => resolve();
			pauses.push(entry);
			signal.addEventListener('abort', () => {
				pauses = pauses.filter((other) => other !== entry);
				reject(new Error('aborted'));
			});
		});
	standin = await startStandin({ clock: () => now, deliverCallEvents: true, deliveryTimeScale: 0.001 });
});

afterEach(async () => {
	for (const keeper of keepers) await keeper.closeFunction?.();
	keepers = [];
	keeperClock.pause = realPause;
	keeperClock.now = realNow;
	pollClock.now = realNow;
	acceptedDeliveries.clear();
	eventsRun.clear();
	await trigger?.close();
	trigger = undefined;
	await standin.deliveriesSettled();
	await standin.close();
});

const webhooks = (): IDataObject[] => [...standin.state.webhooks.values()];
const statistics = (hook: IDataObject) => hook.statistics as IDataObject;
const emittedJson = () => trigger!.emitted.map((emit) => emit.items[0].json);

/** A receiver that answers every request with `status`, standing in for an n8n that cannot take it. */
async function answering(status: number): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
	let hits = 0;
	const server = http.createServer((req, res) => {
		hits++;
		req.resume().on('end', () => res.writeHead(status).end('{}'));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		hits: () => hits,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

async function registerAt(url: string): Promise<IDataObject> {
	const response = await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/webhooks`, {
		method: 'POST',
		headers: { authorization: `Bearer ${await visToken()}`, 'content-type': 'application/json' },
		body: JSON.stringify({ url, events: ['CALL'], signingAlgo: 'HMAC_SHA256', signingKey: 'k'.repeat(64), metadataPolicy: 'HEADER' }),
	});
	return (await response.json()) as IDataObject;
}

async function visToken(): Promise<string> {
	const { sandbox } = standin;
	const response = await fetch(`${standin.url}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'password', scope: 'openid', username: `${sandbox.username}@vbc.prod`, password: sandbox.password, client_id: sandbox.consumerKey, client_secret: sandbox.consumerSecret }),
	});
	return ((await response.json()) as IDataObject).access_token as string;
}

/** Calls on the line while n8n cannot take deliveries, `count` of them, a second apart. */
function callsHappen(count: number, states = ['RINGING', 'MISSED']): Array<IDataObject & { eventId: number }> {
	return Array.from({ length: count }, () => {
		now += 1000;
		return standin.callHappens({ states });
	});
}

describe('the sandbox fails deliveries as VIS does', () => {
	test('an answer other than 200 is retried 5 times, then the webhook is failed and gets nothing until renewed', async () => {
		const down = await answering(500);
		const hook = await registerAt(down.url);
		now += 1000;
		standin.callHappens({ states: ['RINGING'] });
		await standin.deliveriesSettled();
		expect(down.hits()).toBe(6);
		const stored = standin.state.webhooks.get(hook.id);
		expect(statistics(stored)).toMatchObject({ failed: true, totalAttempts: 1, totalFailures: 1, totalSuccesses: 0, lastHttpErrorCode: 500, lastSuccess: null });
		expect(statistics(stored).lastFailure).toBe(new Date(now).toISOString());

		standin.callHappens({ states: ['RINGING', 'MISSED'] });
		await standin.deliveriesSettled();
		expect(down.hits()).toBe(6);
		await down.close();

		const up = await answering(200);
		stored.url = up.url;
		await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/webhooks/${String(hook.id)}/renew`, { method: 'PUT', headers: { authorization: `Bearer ${await visToken()}` } });
		expect(statistics(stored)).toMatchObject({ failed: false, totalFailures: 1, lastHttpErrorCode: 500 });
		now += 1000;
		standin.callHappens({ states: ['RINGING'] });
		await standin.deliveriesSettled();
		expect(up.hits()).toBe(1);
		expect(statistics(stored)).toMatchObject({ totalAttempts: 2, totalSuccesses: 1, lastSuccess: new Date(now).toISOString() });
		await up.close();
	});

	test('an expired webhook gets nothing, and is expunged (404) at its purgeAt', async () => {
		const up = await answering(200);
		const hook = await registerAt(up.url);
		now = Date.parse(String(hook.expireAt)) + 1;
		standin.callHappens();
		await standin.deliveriesSettled();
		expect(up.hits()).toBe(0);
		now = Date.parse(String(hook.purgeAt)) + 1;
		const response = await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/webhooks/${String(hook.id)}`, { headers: { authorization: `Bearer ${await visToken()}` } });
		expect(response.status).toBe(404);
		await up.close();
	});

	test('/self/events lists each call once, in the state it has when listed, with its filters', async () => {
		const calls = callsHappen(3, ['RINGING', 'ACTIVE', 'ANSWERED']);
		const outbound = standin.callHappens({ direction: 'OUTBOUND', states: ['RINGING', 'CANCELLED'] });
		const list = async (query: Record<string, string>) => {
			const response = await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/events?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${await visToken()}` } });
			return ((await response.json()) as IDataObject[]).map((event) => `${String(event.id)}:${String(event.state)}`);
		};
		const all = [...calls, outbound].map((call) => `${call.eventId}:${call.state}`);
		expect(await list({})).toEqual(all);
		expect(await list({ order: 'DESC' })).toEqual([...all].reverse());
		expect(await list({ states: 'CANCELLED' })).toEqual([all[3]]);
		expect(await list({ direction: 'INBOUND', size: '2', offset: '2' })).toEqual([all[2]]);
		expect(await list({ fromDate: String(Date.parse(String(calls[1].startTime))) })).toEqual(all.slice(1));
		expect(await list({ toDate: String(Date.parse(String(calls[1].startTime))) })).toEqual(all.slice(0, 2));
	});
});

describe('VIS Trigger: recovery without a delivery', () => {
	async function publishedTrigger(options: IDataObject = {}) {
		trigger = await startTrigger(standin, options);
		await trigger.activate();
		return webhooks()[0];
	}

	/** Starts trigger() as n8n does, and waits until its first check (if any) has finished. */
	async function startKeeper(activation: 'init' | 'activate' | 'leadershipChange' = 'init') {
		const before = pauses.length;
		const keeper = await trigger!.startTrigger(activation);
		keepers.push(keeper);
		for (let waited = 0; pauses.length === before && waited < 5000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
		return keeper;
	}

	/** Lets the keeper's next periodic check run, and waits until it has finished. */
	async function nextCheck() {
		for (let waited = 0; !pauses.length && waited < 2000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
		const pending = pauses.splice(0);
		pending.forEach((resume) => resume());
		for (let waited = 0; !pauses.length && waited < 5000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
	}

	test('n8n down while 20 calls happen: on start the failed webhook is renewed and the 20 events run once each', async () => {
		const hook = await publishedTrigger();
		now += 1000;
		standin.callHappens({ states: ['RINGING', 'ANSWERED'] });
		await standin.deliveriesSettled();
		expect(trigger!.executions).toHaveLength(2);
		await trigger!.close();
		const missed = callsHappen(20);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);

		now += 60_000;
		await startKeeper('init');
		expect(statistics(hook).failed).toBe(false);
		expect(hook.renewedAt).toBe(new Date(now).toISOString());
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual(missed.map((call) => `${call.eventId}:MISSED`));
		expect(emittedJson().every((event) => event.source === 'catch-up' && event.webhookId === hook.id)).toBe(true);
		expect(new Set(trigger!.emitted.map((emit) => emit.deduplicationKey)).size).toBe(20);
		expect(trigger!.staticData().coveredUntil).toBe(now);

		// Another start (a restart, another leader) runs none of them again.
		await startKeeper('leadershipChange');
		await nextCheck();
		expect(trigger!.emitted).toHaveLength(20);
		expect(webhooks()).toHaveLength(1);
	});

	test('a failed registration renewed by checkExists (n8n’s activation) still has its dropped events run', async () => {
		const hook = await publishedTrigger();
		await trigger!.close();
		const missed = callsHappen(2);
		await standin.deliveriesSettled();
		now += 1000;
		expect(await trigger!.hook('checkExists')).toBe(true);
		expect(statistics(hook).failed).toBe(false);
		await startKeeper('activate');
		expect(trigger!.emitted).toHaveLength(0);
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual(missed.map((call) => `${call.eventId}:MISSED`));
		expect(trigger!.staticData().missed).toBeUndefined();
	});

	test('a dropped delivery cleared by someone else’s renewal is still caught up (lastFailure after lastSuccess)', async () => {
		const hook = await publishedTrigger();
		await trigger!.close();
		const missed = callsHappen(1);
		await standin.deliveriesSettled();
		statistics(hook).failed = false;
		await startKeeper('init');
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual([`${missed[0].eventId}:MISSED`]);
	});

	test('an event already run live in this process is not run again by a catch-up', async () => {
		const hook = await publishedTrigger();
		now += 1000;
		const [live] = callsHappen(1, ['RINGING']);
		await standin.deliveriesSettled();
		expect(trigger!.executions).toHaveLength(1);
		statistics(hook).failed = true;
		statistics(hook).lastSuccess = new Date(now - 1).toISOString();
		await startKeeper('init');
		await nextCheck();
		// Its state time is after the lastSuccess VIS reports, so the catch-up lists it again.
		expect(emittedJson().map((event) => event.eventKey)).not.toContain(`${live.eventId}:RINGING`);
		expect(trigger!.emitted).toHaveLength(0);
	});

	test('a registration VIS no longer has is registered again with the same key, and its deliveries are verified', async () => {
		const hook = await publishedTrigger();
		const signingKey = trigger!.staticData().signingKey;
		standin.state.webhooks.delete(hook.id);
		const missed = callsHappen(2);
		now += 1000;
		await startKeeper('init');
		const [again] = webhooks();
		expect(again.id).not.toBe(hook.id);
		expect(again.signingKey).toBe(signingKey);
		expect(trigger!.staticData().webhookId).toBe(again.id);
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual(missed.map((call) => `${call.eventId}:MISSED`));
		// The reverse: VIS delivering an event a catch-up already ran does not run it again.
		const caughtUp = standin.state.events.find((event: IDataObject) => event.id === missed[0].eventId);
		const redelivered = await standin.deliverEvent(String(again.id), caughtUp);
		expect(JSON.parse(redelivered.body)).toEqual({ status: 'duplicate event ignored' });
		expect(trigger!.executions).toHaveLength(0);
		// A process that still has the old id in its static data verifies by the key.
		trigger!.staticData().webhookId = hook.id;
		now += 1000;
		standin.callHappens({ states: ['RINGING'] });
		await standin.deliveriesSettled();
		expect(trigger!.executions).toHaveLength(1);
	});

	test('while n8n runs, a webhook that turns failed is renewed at the next check and what it dropped runs', async () => {
		const hook = await publishedTrigger();
		await startKeeper('activate');
		await trigger!.close();
		const missed = callsHappen(3);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		expect(trigger!.emitted).toHaveLength(0);
		now += 150_000;
		await nextCheck();
		expect(statistics(hook).failed).toBe(false);
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual(missed.map((call) => `${call.eventId}:MISSED`));
	});

	test('a gap longer than the Catch-Up Window runs only the window and reports the rest as a failed execution', async () => {
		const hook = await publishedTrigger({ catchUpHours: 2 });
		await trigger!.close();
		const old = callsHappen(1);
		now += 3 * HOUR;
		const recent = callsHappen(1);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		await startKeeper('init');
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual([`${recent[0].eventId}:MISSED`]);
		expect(emittedJson().map((event) => event.eventKey)).not.toContain(`${old[0].eventId}:MISSED`);
		expect(trigger!.failedExecutions.map((error) => error.message)).toEqual([
			expect.stringMatching(/only the last 2 hours \(the Catch-Up Window\) are run/),
		]);
	});

	test('the trigger options filter caught-up events as they filter deliveries', async () => {
		const hook = await publishedTrigger({ finalStatesOnly: true, direction: 'OUTBOUND' });
		await trigger!.close();
		callsHappen(2, ['RINGING', 'ACTIVE']);
		const [ended] = [standin.callHappens({ direction: 'OUTBOUND', states: ['RINGING', 'CANCELLED'] })];
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		await startKeeper('init');
		await nextCheck();
		expect(emittedJson().map((event) => event.eventKey)).toEqual([`${ended.eventId}:CANCELLED`]);
	});

	test('a healthy registration on start costs one request and runs nothing', async () => {
		await publishedTrigger();
		standin.state.requests.length = 0;
		await startKeeper('init');
		expect(standin.requests().map((request) => `${request.method} ${request.path.replace(/webhooks\/.*/, 'webhooks/{id}')}`)).toEqual([
			'GET /t/vbc.prod/vis/v1/self/webhooks/{id}',
		]);
		expect(trigger!.emitted).toHaveLength(0);
	});
});

describe('VIS Poll Trigger', () => {
	const poller = new VonageVisPollTrigger();

	function pollHarness(options: IDataObject = {}, staticData: IDataObject = {}) {
		const credentials = { vonageVisPasswordApi: credentialsFor(standin).vonageVisPasswordApi };
		const { workflow, node } = workflowWith(poller, { options }, Object.keys(credentials), { [`node:${poller.description.defaults.name}`]: staticData });
		const additionalData = additionalDataFor(credentials);
		return {
			poll: async (mode: 'trigger' | 'manual' = 'trigger') =>
				(await poller.poll.call(new PollContext(workflow, node, additionalData, mode, 'activate'))) as INodeExecutionData[][] | null,
			cursor: () => workflow.getStaticData('node', node),
		};
	}
	const keys = (result: INodeExecutionData[][] | null) => (result?.[0] ?? []).map((item) => item.json.eventKey);

	test('each new or changed call event is emitted once, in the trigger’s shape, and a restart catches up', async () => {
		const harness = pollHarness();
		// A call that ended just before publication is history, even inside the poll's overlap.
		callsHappen(1);
		now += 1000;
		expect(await harness.poll()).toBeNull();
		now += 1000;
		const call = standin.callHappens({ states: ['RINGING'] });
		now += 1000;
		const first = await harness.poll();
		expect(keys(first)).toEqual([`${call.eventId}:RINGING`]);
		expect(first![0][0].json).toMatchObject({ id: call.eventId, state: 'RINGING', source: 'poll', phoneNumber: '14155550100' });
		now += 60_000;
		expect(await harness.poll()).toBeNull();

		// The call is answered and ends much later: the poll still sees it change.
		now += 2 * HOUR;
		const answered = standin.state.calls.get(String(call.id));
		answered.state = 'ANSWERED';
		answered.endTime = new Date(now).toISOString();
		standin.state.events.find((event: IDataObject) => event.id === call.eventId).state = 'ANSWERED';
		standin.state.events.find((event: IDataObject) => event.id === call.eventId).endTime = new Date(now).toISOString();
		now += 1000;
		expect(keys(await harness.poll())).toEqual([`${call.eventId}:ANSWERED`]);

		// n8n stopped: a new process starts from the saved cursor.
		const saved = JSON.parse(JSON.stringify(harness.cursor())) as IDataObject;
		const missed = callsHappen(3);
		now += 10 * 60_000;
		const restarted = pollHarness({}, saved);
		expect(keys(await restarted.poll())).toEqual(missed.map((missedCall) => `${missedCall.eventId}:MISSED`));
		expect(await restarted.poll()).toBeNull();
	});

	test('one request a poll on a quiet line, and options filter what is emitted', async () => {
		const harness = pollHarness({ finalStatesOnly: true });
		await harness.poll();
		const call = standin.callHappens({ states: ['RINGING'] });
		now += 1000;
		standin.state.requests.length = 0;
		expect(await harness.poll()).toBeNull();
		expect(standin.requests({ path: '/t/vbc.prod/vis/v1/self/events' })).toHaveLength(1);
		now += 1000;
		const event = standin.state.events.find((candidate: IDataObject) => candidate.id === call.eventId);
		Object.assign(event, { state: 'MISSED', endTime: new Date(now).toISOString() });
		now += 1000;
		expect(keys(await harness.poll())).toEqual([`${call.eventId}:MISSED`]);
	});

	test('a test poll shows the newest event, or says how to make one', async () => {
		const harness = pollHarness();
		await expect(harness.poll('manual')).rejects.toThrow('No call event on this VBC line matches the options yet');
		const [, newest] = callsHappen(2);
		const result = await harness.poll('manual');
		expect(keys(result)).toEqual([`${newest.eventId}:MISSED`]);
		expect(harness.cursor()).toEqual({});
	});
});
