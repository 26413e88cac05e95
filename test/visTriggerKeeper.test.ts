/**
 * The VIS Trigger's keeper (trigger/keeper.ts), no call event lost (issue 23): it renews or
 * re-registers without waiting for a delivery, and runs what VIS dropped once, also after a
 * crash, a restart and against a hostile VIS.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeType, ITriggerResponse } from 'n8n-workflow';

import { catchUpWindowMs, confirmedUntil } from '../nodes/shared/kit/catchUp';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { stateTime } from '../nodes/VonageVis/events';
import { MAX_PAGES } from '../nodes/shared/request/pagination';
import { setTimeout } from './helpers/node';
import { credentialsFor, slept, type Standin } from './helpers/standin';
import { hostTrigger, startTrigger, type Emitted, type TriggerHarness } from './helpers/trigger';
import * as line from './helpers/visLine';
import { virtualSleep } from './helpers/virtualWaits';

// The keeper waits between checks with n8n's sleep() and a stop signal. Here each such wait is
// held until the test lets the next check run (nextCheck), so that checks happen one by one, when
// the test says. The transport's retry and quota waits (no signal) move both clocks instead.
jest.mock('n8n-workflow', () => ({
	...jest.requireActual<object>('n8n-workflow'),
	sleep: async (ms: number, signal?: AbortSignal) =>
		signal ? await heldUntilNextCheck(signal) : await timePasses(ms),
}));

const HOUR = 3_600_000;
let standin: Standin;
let trigger: TriggerHarness | undefined;
let keepers: ITriggerResponse[] = [];
/** VIS's clock (the stand-in's), moved by the tests; n8n's is Date.now(), which follows it. */
let now: number;

/** n8n's clock: Date.now() reads `now`, or `skew` ms off it (VIS's clock ahead or behind). */
const n8nClock = (skew = 0) => jest.spyOn(Date, 'now').mockImplementation(() => now + skew);

/** A wait of the transport: VIS's clock and n8n's move on together (recorded in `slept`). */
async function timePasses(ms: number): Promise<void> {
	now += ms;
	await virtualSleep(ms);
}

/** The keeper's waits, resolved by the test: each entry is a pending wait for the next check. */
let pauses: Array<() => void> = [];
function heldUntilNextCheck(signal?: AbortSignal): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		const entry = () => resolve();
		pauses.push(entry);
		signal?.addEventListener('abort', () => {
			pauses = pauses.filter((other) => other !== entry);
			reject(new Error('aborted'));
		});
	});
}

beforeEach(async () => {
	now = Date.now();
	n8nClock();
	pauses = [];
	standin = await line.startLine(() => now);
});

afterEach(async () => {
	for (const keeper of keepers) await keeper.closeFunction?.();
	keepers = [];
	await trigger?.close();
	trigger = undefined;
	await line.closeLine(standin);
	jest.restoreAllMocks();
});

const webhooks = (): IDataObject[] => [...standin.state.webhooks.values()];
const statistics = (hook: IDataObject) => hook.statistics as IDataObject;
const emittedJson = () => trigger!.emitted.map((emit) => emit.items[0].json);
const registerAt = async (url: string) => await line.registerAt(standin, url);
const callsHappen = (count: number, states?: string[]) =>
	line.callsHappen(standin, () => (now += 1000), count, states);

async function publishedTrigger(options: IDataObject = {}) {
	trigger = await startTrigger(standin, options);
	await trigger.activate();
	return webhooks()[0];
}

/**
 * Starts trigger() as n8n does, and waits until its first check (if any) has finished; in
 * `restarted` (see restartedProcess) when given.
 */
async function startKeeper(
	activation: 'init' | 'activate' | 'leadershipChange' = 'init',
	restarted?: INodeType,
) {
	const before = pauses.length;
	const keeper = await trigger!.startTrigger(activation, restarted);
	keepers.push(keeper);
	for (let waited = 0; pauses.length === before && waited < 5000; waited += 5)
		await new Promise((resolve) => setTimeout(resolve, 5));
	return keeper;
}

/** Lets the keeper's next periodic check run, and waits until it has finished. */
async function nextCheck() {
	for (let waited = 0; !pauses.length && waited < 2000; waited += 5)
		await new Promise((resolve) => setTimeout(resolve, 5));
	const pending = pauses.splice(0);
	pending.forEach((resume) => resume());
	for (let waited = 0; !pauses.length && waited < 5000; waited += 5)
		await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('VIS Trigger: recovery without a delivery', () => {
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
		expect(emittedJson().map((event) => event.eventKey)).toEqual(
			missed.map((call) => `${call.eventId}:MISSED`),
		);
		expect(
			emittedJson().every((event) => event.source === 'catch-up' && event.webhookId === hook.id),
		).toBe(true);
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
		expect(emittedJson().map((event) => event.eventKey)).toEqual(
			missed.map((call) => `${call.eventId}:MISSED`),
		);
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
		expect(emittedJson().map((event) => event.eventKey)).toEqual(
			missed.map((call) => `${call.eventId}:MISSED`),
		);
		// The reverse: VIS delivering an event a catch-up already ran does not run it again.
		const caughtUp = standin.state.events.find(
			(event: IDataObject) => event.id === missed[0].eventId,
		);
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
		expect(emittedJson().map((event) => event.eventKey)).toEqual(
			missed.map((call) => `${call.eventId}:MISSED`),
		);
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
		const [ended] = [
			standin.callHappens({ direction: 'OUTBOUND', states: ['RINGING', 'CANCELLED'] }),
		];
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
		expect(
			standin
				.requests()
				.map(
					(request) => `${request.method} ${request.path.replace(/webhooks\/.*/, 'webhooks/{id}')}`,
				),
		).toEqual(['GET /t/vbc.prod/vis/v1/self/webhooks/{id}']);
		expect(trigger!.emitted).toHaveLength(0);
	});
});

/**
 * The VIS Trigger as a new n8n process has it: its modules loaded afresh, so nothing this process
 * remembers (the events it ran, its VIS token) is there.
 */
function restartedProcess(): INodeType {
	let node: INodeType | undefined;
	jest.isolateModules(() => {
		const loaded = jest.requireActual<typeof import('../nodes/VonageVis/VonageVisTrigger.node')>(
			'../nodes/VonageVis/VonageVisTrigger.node',
		);
		node = new loaded.VonageVisTrigger();
	});
	return node!;
}

describe('VIS Trigger: a catch-up cut short by a crash', () => {
	const keyOf = (emit: Emitted) => String(emit.items[0].json.eventKey);
	const timeOf = (emit: Emitted) => stateTime(emit.items[0].json);
	async function emittedCount(count: number) {
		for (let waited = 0; trigger!.emitted.length < count && waited < 5000; waited += 5)
			await new Promise((resolve) => setTimeout(resolve, 5));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(trigger!.emitted).toHaveLength(count);
	}
	async function outageOf(count: number) {
		const hook = await publishedTrigger();
		await trigger!.close();
		const missed = callsHappen(count);
		await standin.deliveriesSettled();
		now += 60_000;
		trigger!.autoConfirm = false;
		return { hook, missedKeys: missed.map((call) => `${call.eventId}:MISSED`) };
	}

	test('confirmedUntil passes only a prefix of confirmed events, never splitting events of one time', () => {
		expect(confirmedUntil([1, 2, 3], [false, true, true])).toBeUndefined();
		expect(confirmedUntil([1, 2, 3], [true, false, true])).toBe(1);
		expect(confirmedUntil([1, 2, 2, 3], [true, true, false, true])).toBe(1);
		expect(confirmedUntil([2, 2], [true, false])).toBeUndefined();
		expect(confirmedUntil([1, 2, 2], [true, true, true])).toBe(2);
		expect(confirmedUntil([], [])).toBeUndefined();
	});

	test('what n8n saves on each emit never has the gap start past an event it has not confirmed, and at most 5 wait at once', async () => {
		const { missedKeys } = await outageOf(12);
		const keeper = trigger!.startTrigger('init');
		keepers.push(await keeper);
		await emittedCount(5);
		let confirmedCount = 0;
		while (confirmedCount < 12) {
			trigger!.emitted[confirmedCount++].confirm();
			await emittedCount(Math.min(12, confirmedCount + 5));
		}
		for (const [index, emit] of trigger!.emitted.entries()) {
			const saved = emit.savedStaticData.missed as IDataObject;
			expect(saved).toBeDefined();
			expect(saved.afterMs as number).toBeLessThan(timeOf(emit));
			// Every event before it that n8n confirmed by then is passed: 5 are in flight at most.
			if (index >= 5) expect(saved.afterMs).toBe(timeOf(trigger!.emitted[index - 5]));
		}
		for (let waited = 0; trigger!.staticData().missed && waited < 2000; waited += 5)
			await new Promise((resolve) => setTimeout(resolve, 5));
		expect(trigger!.staticData().missed).toBeUndefined();
		expect(trigger!.emitted.map(keyOf)).toEqual(missedKeys);
	});

	test.each([0, 1, 4, 7, 11, 12])(
		'killed after %p of 12 executions were confirmed: the restart runs the rest once, and none twice',
		async (confirmedBeforeKill) => {
			const { missedKeys } = await outageOf(12);
			keepers.push(await trigger!.startTrigger('init'));
			for (let index = 0; index < confirmedBeforeKill; index++) {
				await emittedCount(Math.min(12, index + 5));
				trigger!.emitted[index].confirm();
			}
			await emittedCount(Math.min(12, confirmedBeforeKill + 5));
			// kill -9: what n8n saved is the static data of the last emit; the executions emitted are
			// stored (their rows keep their deduplication keys); this process's memory is gone.
			const firstRun = [...trigger!.emitted];
			const saved = firstRun[firstRun.length - 1].savedStaticData;
			const data = trigger!.staticData();
			for (const key of Object.keys(data)) delete data[key];
			Object.assign(data, saved);
			trigger!.autoConfirm = true;
			await startKeeper('init', restartedProcess());
			const rerun = trigger!.emitted.slice(firstRun.length);
			expect([...firstRun, ...rerun].map(keyOf)).toEqual(missedKeys);
			expect(trigger!.refused.length).toBeLessThanOrEqual(5);
			expect(trigger!.staticData().missed).toBeUndefined();
		},
	);

	test('an execution n8n could not store stops the catch-up there; the next check runs it and what follows, once', async () => {
		const { missedKeys } = await outageOf(8);
		await trigger!.startTrigger('init').then((keeper) => keepers.push(keeper));
		await emittedCount(5);
		trigger!.emitted[0].confirm();
		trigger!.emitted[1].fail(new Error('the database is not answering'));
		for (const emit of trigger!.emitted.slice(2)) emit.confirm();
		for (let waited = 0; !pauses.length && waited < 2000; waited += 5)
			await new Promise((resolve) => setTimeout(resolve, 5));
		expect(trigger!.emitted).toHaveLength(5);
		expect((trigger!.staticData().missed as IDataObject).afterMs).toBe(timeOf(trigger!.emitted[0]));
		trigger!.autoConfirm = true;
		await nextCheck();
		const stored = trigger!.emitted.filter((_emit, index) => index !== 1).map(keyOf);
		expect([...stored].sort()).toEqual([...missedKeys].sort());
		// This process remembers that 2 to 4 ran, so it does not even offer them to n8n again.
		expect(trigger!.refused).toHaveLength(0);
		expect(trigger!.staticData().missed).toBeUndefined();
	});
});

describe('VIS Trigger: a restart', () => {
	test('n8n’s registration check and the keeper’s first check at one start renew the registration once, and the gap still runs', async () => {
		const hook = await publishedTrigger();
		await trigger!.close();
		const missed = callsHappen(3);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		now += 60_000;
		const [exists, keeper] = await Promise.all([
			trigger!.hook('checkExists'),
			trigger!.startTrigger('init'),
		]);
		keepers.push(keeper);
		expect(exists).toBe(true);
		for (let waited = 0; trigger!.emitted.length < 3 && waited < 5000; waited += 5)
			await new Promise((resolve) => setTimeout(resolve, 5));
		expect(
			standin
				.requests({ method: 'PUT' })
				.filter((request) => String(request.path).endsWith('/renew')),
		).toHaveLength(1);
		expect(emittedJson().map((event) => event.eventKey)).toEqual(
			missed.map((call) => `${call.eventId}:MISSED`),
		);
	});

	test('with Catch-Up Window 0 the gap it skips is logged, and nothing runs', async () => {
		const warn = jest.spyOn(Container.get(Logger), 'warn');
		const hook = await publishedTrigger({ catchUpHours: 0 });
		await trigger!.close();
		callsHappen(2);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		now += 60_000;
		await startKeeper('init');
		expect(trigger!.emitted).toHaveLength(0);
		expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(
			expect.stringMatching(
				/catch-up is off \(Catch-Up Window 0\), so call events VIS did not deliver \(failed\) between \S+Z and \S+Z are not run/,
			),
		);
		expect(trigger!.staticData().missed).toBeUndefined();
		warn.mockRestore();
	});
});

describe('attacks', () => {
	const EVENTS = '/t/vbc.prod/vis/v1/self/events';
	const iso = (time: number) => new Date(time).toISOString();
	/** A listed call event in `state`, which it reached at `time`. */
	const listed = (
		id: string | number,
		state: string,
		time: number,
		extra: IDataObject = {},
	): IDataObject => ({
		id,
		type: 'CALL',
		direction: 'INBOUND',
		phoneNumber: '14155550100',
		state,
		startTime: iso(time),
		answerTime: null,
		endTime: ['ANSWERED', 'MISSED', 'CANCELLED', 'REJECTED'].includes(state) ? iso(time) : null,
		...extra,
	});
	/** VIS answers the next events listing with `body` (status 200 unless told). */
	const listingAnswers = (body: unknown, status = 200, retryAfter?: number) =>
		standin.failNext(1, status, { pathPrefix: EVENTS, body: body as IDataObject, retryAfter });
	const eventPages = () => standin.requests({ path: EVENTS });
	/** Runs `fn` as each events page is requested (before VIS answers it). */
	function onEventsPage(fn: (page: number) => void) {
		const requests = standin.state.requests as IDataObject[];
		requests.push = (...records: IDataObject[]) => {
			for (const record of records)
				if (record.path === EVENTS) fn(Number((record.query as IDataObject).offset));
			return Array.prototype.push.apply(requests, records);
		};
	}

	/** n8n down (the trigger's listener closed) while `count` calls happen: VIS fails the webhook. */
	async function outage(count: number, options: IDataObject = {}) {
		const hook = await publishedTrigger(options);
		await trigger!.close();
		const missed = callsHappen(count);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		now += 60_000;
		return { hook, missedKeys: missed.map((call) => `${call.eventId}:MISSED`) };
	}

	/** The webhook failed since its creation, with the listener still up: the gap is (creation, now]. */
	async function failedSinceCreation(options: IDataObject = {}) {
		const hook = await publishedTrigger(options);
		const createdAt = now;
		statistics(hook).failed = true;
		now += 60_000;
		return { hook, createdAt };
	}
	const emittedKeys = () => emittedJson().map((event) => event.eventKey);

	test.each([
		['an object', { events: [] }],
		['null', null],
		['a number', 42],
	])(
		'VIS listing events as %s (200) keeps the gap, and the next check runs each missed event once',
		async (_name, body) => {
			const { missedKeys } = await outage(3);
			listingAnswers(body);
			await startKeeper('init');
			expect(trigger!.emitted).toHaveLength(0);
			expect(trigger!.staticData().missed).toBeDefined();
			await nextCheck();
			expect(emittedKeys()).toEqual(missedKeys);
			expect(trigger!.staticData().missed).toBeUndefined();
		},
	);

	test('VIS answering the listing with an HTML page keeps the gap for the next check', async () => {
		const { missedKeys } = await outage(2);
		listingAnswers('<!doctype html><html><body>Maintenance</body></html>');
		await startKeeper('init');
		expect(trigger!.emitted).toHaveLength(0);
		expect(trigger!.staticData().missed).toBeDefined();
		await nextCheck();
		expect(emittedKeys()).toEqual(missedKeys);
	});

	test('429s with a short Retry-After are waited out in the same check; a long one leaves the gap to the next', async () => {
		const { missedKeys } = await outage(2);
		listingAnswers(undefined, 429, 2);
		listingAnswers(undefined, 429, 2);
		await startKeeper('init');
		expect(emittedKeys()).toEqual(missedKeys);
		await trigger!.close();
		const more = callsHappen(2);
		await standin.deliveriesSettled();
		now += 60_000;
		listingAnswers(undefined, 429, 600);
		await nextCheck();
		expect(emittedKeys()).toEqual(missedKeys);
		expect(trigger!.staticData().missed).toBeDefined();
		await nextCheck();
		expect(emittedKeys()).toEqual([...missedKeys, ...more.map((call) => `${call.eventId}:MISSED`)]);
	});

	test('500s on the second page of a catch-up run nothing; the next check runs all 150 once each', async () => {
		const { missedKeys } = await outage(150);
		let failures = 3;
		onEventsPage((page) => {
			if (page === 2 && failures-- > 0) standin.failNext(1, 500, { pathPrefix: EVENTS });
		});
		await startKeeper('init');
		expect(trigger!.emitted).toHaveLength(0);
		expect(trigger!.staticData().missed).toBeDefined();
		await nextCheck();
		expect(emittedKeys()).toEqual(missedKeys);
		expect(new Set(trigger!.emitted.map((emit) => emit.deduplicationKey)).size).toBe(150);
	});

	test('a listing with duplicate ids, and ids as numbers and as strings, runs each id and state once', async () => {
		const { hook, createdAt } = await failedSinceCreation();
		listingAnswers([
			listed(901, 'MISSED', createdAt + 1000),
			listed(901, 'MISSED', createdAt + 1000),
			listed('901', 'MISSED', createdAt + 1000),
			listed(902, 'RINGING', createdAt + 2000),
			listed(902, 'MISSED', createdAt + 3000),
		]);
		await startKeeper('init');
		expect(emittedKeys()).toEqual(['901:MISSED', '902:RINGING', '902:MISSED']);
		// The same event delivered live with its id as a string does not run again.
		const again = await standin.deliverEvent(
			String(hook.id),
			listed('901', 'MISSED', createdAt + 1000),
		);
		expect(JSON.parse(again.body)).toEqual({ status: 'duplicate event ignored' });
		expect(trigger!.executions).toHaveLength(0);
	});

	test('unknown states run (unless filtered), a garbage endTime falls back to the start, an epoch-number time is read, and an event without a time never poisons the cursor', async () => {
		const { createdAt } = await failedSinceCreation();
		listingAnswers([
			listed(911, 'TELEPORTED', createdAt + 1000),
			listed(912, 'MISSED', createdAt + 2000, { endTime: 'yesterday-ish' }),
			listed(913, 'MISSED', createdAt + 3000, { startTime: undefined, endTime: undefined }),
			listed(914, 'MISSED', createdAt + 4000, {
				startTime: createdAt + 4000,
				endTime: createdAt + 4000,
			}),
			listed(915, 'MISSED', createdAt + 5000, { startTime: null, endTime: '' }),
		]);
		await startKeeper('init');
		expect(emittedKeys()).toEqual(['911:TELEPORTED', '912:MISSED', '914:MISSED']);
		expect(Number.isFinite(trigger!.staticData().coveredUntil)).toBe(true);
		expect(trigger!.staticData().coveredUntil).toBe(now);
	});

	test('Final States Only leaves unknown states out of a catch-up', async () => {
		const { createdAt } = await failedSinceCreation({ finalStatesOnly: true });
		listingAnswers([
			listed(921, 'TELEPORTED', createdAt + 1000),
			listed(922, 'REJECTED', createdAt + 2000),
		]);
		await startKeeper('init');
		expect(emittedKeys()).toEqual(['922:REJECTED']);
	});

	test('ids with ":" and ids longer than n8n’s 255-character deduplication key stay distinct events', async () => {
		const { createdAt } = await failedSinceCreation();
		const long = 'x'.repeat(400);
		listingAnswers([
			listed('a:b', 'MISSED', createdAt + 1000),
			listed('a', 'b:MISSED', createdAt + 2000),
			listed(`${long}1`, 'MISSED', createdAt + 3000),
			listed(`${long}2`, 'MISSED', createdAt + 4000),
		]);
		await startKeeper('init');
		expect(trigger!.emitted).toHaveLength(4);
		const keys = trigger!.emitted.map((emit) => emit.deduplicationKey!);
		expect(new Set(keys).size).toBe(4);
		expect(Math.max(...keys.map((key) => key.length))).toBeLessThanOrEqual(255);
		expect(new Set(emittedKeys()).size).toBe(4);
	});

	test('a listing that never ends (every page full) stops at MAX_PAGES, runs nothing and keeps the gap', async () => {
		const { createdAt } = await failedSinceCreation();
		const full = Array.from({ length: 100 }, (_, index) =>
			listed(5000 + index, 'MISSED', createdAt + 1000),
		);
		onEventsPage(() => listingAnswers(full));
		await startKeeper('init');
		expect(eventPages()).toHaveLength(MAX_PAGES);
		expect(trigger!.emitted).toHaveLength(0);
		expect(trigger!.staticData().missed).toBeDefined();
	});

	/** A trigger on a credential allowed `perMinute` VIS requests a minute. */
	async function triggerWithQuota(perMinute: number) {
		trigger = await hostTrigger(
			new VonageVisTrigger(),
			{ options: {} },
			{
				vonageVisPasswordApi: {
					...credentialsFor(standin).vonageVisPasswordApi,
					requestsPerMinute: perMinute,
				},
			},
		);
		await trigger.activate();
		return webhooks()[0];
	}

	test('a catch-up of 250 events (3 pages) on a quota of 1 request a minute waits its turns and runs each once', async () => {
		const hook = await triggerWithQuota(1);
		await trigger!.close();
		const missed = callsHappen(250);
		await standin.deliveriesSettled();
		expect(statistics(hook).failed).toBe(true);
		now += 60_000;
		slept.length = 0;
		await startKeeper('init');
		expect(emittedKeys()).toEqual(missed.map((call) => `${call.eventId}:MISSED`));
		expect(eventPages()).toHaveLength(3);
		// GET webhook, PUT renew, 3 pages: each after a wait of about a minute.
		expect(slept.filter((ms) => ms > 50_000).length).toBeGreaterThanOrEqual(4);
		expect(trigger!.failedExecutions).toHaveLength(0);
	});

	test('a trigger closed (unpublished) in the middle of a catch-up stops reading pages and runs nothing; the next start runs it all once', async () => {
		await triggerWithQuota(1);
		await trigger!.close();
		const missed = callsHappen(150);
		await standin.deliveriesSettled();
		now += 60_000;
		const keeper: { started?: ITriggerResponse } = {};
		onEventsPage((page) => {
			if (page === 1) void keeper.started?.closeFunction?.();
		});
		keeper.started = await trigger!.startTrigger('init');
		keepers.push(keeper.started);
		for (let waited = 0; eventPages().length === 0 && waited < 5000; waited += 5)
			await new Promise((resolve) => setTimeout(resolve, 5));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(eventPages()).toHaveLength(1);
		expect(trigger!.emitted).toHaveLength(0);
		expect(trigger!.staticData().missed).toBeDefined();

		(standin.state.requests as IDataObject[]).push = Array.prototype.push;
		await startKeeper('init');
		expect(emittedKeys()).toEqual(missed.map((call) => `${call.eventId}:MISSED`));
	});

	test.each([
		['ahead of', 5 * 60_000],
		['behind', -5 * 60_000],
	])(
		'VIS’s clock %s n8n’s by 5 minutes: every missed event runs once, and a restart runs none again',
		async (_name, skew) => {
			n8nClock(-skew);
			const { missedKeys } = await outage(5);
			await startKeeper('init');
			expect(emittedKeys()).toEqual(missedKeys);
			await startKeeper('leadershipChange');
			await nextCheck();
			expect(emittedKeys()).toEqual(missedKeys);
		},
	);

	test('two keepers running at once for one node keep one registration and run each event once', async () => {
		const { missedKeys } = await outage(20);
		const before = pauses.length;
		keepers.push(
			...(await Promise.all([
				trigger!.startTrigger('init'),
				trigger!.startTrigger('leadershipChange'),
			])),
		);
		for (let waited = 0; pauses.length < before + 2 && waited < 5000; waited += 5)
			await new Promise((resolve) => setTimeout(resolve, 5));
		expect(emittedKeys()).toEqual(missedKeys);
		expect(webhooks()).toHaveLength(1);
		expect(trigger!.staticData().missed).toBeUndefined();
	});

	test('a registration purged while a catch-up reads: registered again at the next check, and what happened meanwhile runs once', async () => {
		const { hook, missedKeys } = await outage(3);
		let purged: Array<IDataObject & { eventId: number }> = [];
		onEventsPage(() => {
			if (purged.length) return;
			standin.state.webhooks.delete(hook.id);
			purged = callsHappen(2);
		});
		await startKeeper('init');
		expect(emittedKeys()).toEqual(missedKeys);
		now += 1000;
		await nextCheck();
		expect(webhooks()).toHaveLength(1);
		expect(webhooks()[0].id).not.toBe(hook.id);
		await nextCheck();
		expect(emittedKeys()).toEqual([
			...missedKeys,
			...purged.map((call) => `${call.eventId}:MISSED`),
		]);
	});

	test('a delivery under another registration’s webhook id runs only when signed with this node’s key, once, as this trigger’s', async () => {
		const hook = await publishedTrigger();
		const ours = String(trigger!.staticData().signingKey);
		const other = await registerAt(`${standin.url}/elsewhere`);
		const event = listed(931, 'MISSED', now);
		const foreign = await standin.deliverEvent(String(hook.id), event, {
			webhookIdHeader: other.id,
			signingKey: 'k'.repeat(64),
		});
		expect(foreign.status).toBe(401);
		const borrowed = await standin.deliverEvent(String(hook.id), event, {
			webhookIdHeader: other.id,
			signingKey: ours,
		});
		expect(JSON.parse(borrowed.body)).toEqual({ status: 'accepted' });
		expect(trigger!.executions[0][0].json.webhookId).toBe(hook.id);
		const again = await standin.deliverEvent(String(hook.id), event);
		expect(JSON.parse(again.body)).toEqual({ status: 'duplicate delivery ignored' });
		expect(trigger!.executions).toHaveLength(1);
	});

	test.each([
		[-5, 0],
		[0, 0],
		[2, 2],
		[1e9, 168],
		[Number.POSITIVE_INFINITY, 168],
		['abc', 24],
		['', 24],
		['  ', 24],
		['12', 12],
		[null, 24],
		[undefined, 24],
		[true, 24],
		[{}, 24],
	])('Catch-Up Window %p reads %p hours', (hours, expected) => {
		expect(catchUpWindowMs(hours)).toBe(expected * HOUR);
	});

	test.each([
		['missed is text', { missed: 'garbage' }],
		['missed has no times', { missed: { reason: 'failed' } }],
		['missed is null, coveredUntil is text', { missed: null, coveredUntil: 'soon' }],
	])(
		'corrupted static data (%s) neither sticks the catch-up nor stops the renewal',
		async (_name, corruption) => {
			const { hook, missedKeys } = await outage(2);
			Object.assign(trigger!.staticData(), corruption);
			await startKeeper('init');
			expect(statistics(hook).failed).toBe(false);
			await nextCheck();
			expect(emittedKeys()).toEqual(missedKeys);
			expect(trigger!.staticData().missed).toBeUndefined();
			expect(Number.isFinite(trigger!.staticData().coveredUntil)).toBe(true);
		},
	);

	test('a Catch-Up Window expression that yields null still catches up', async () => {
		const { missedKeys } = await outage(2, { catchUpHours: null });
		await startKeeper('init');
		expect(emittedKeys()).toEqual(missedKeys);
	});
});
