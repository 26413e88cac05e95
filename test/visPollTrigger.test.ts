/**
 * The VIS Poll Trigger (VonageVisPollTrigger.node.ts, poll/): each call event emitted once from a
 * saved cursor, through restarts, failures mid-listing, clock skew and odd listings.
 */
import { PollContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VonageVisPollTrigger } from '../nodes/VonageVis/VonageVisPollTrigger.node';
import { additionalDataFor, workflowWith } from '../scripts/harness/n8n';
import { credentialsFor, type Standin } from './helpers/standin';
import * as line from './helpers/visLine';
import { virtualSleep } from './helpers/virtualWaits';

// The transport's retry and quota waits move VIS's clock and n8n's on together.
jest.mock('n8n-workflow', () => ({
	...jest.requireActual<object>('n8n-workflow'),
	sleep: async (ms: number) => await timePasses(ms),
}));

const HOUR = 3_600_000;
let standin: Standin;
/** VIS's clock (the stand-in's), moved by the tests; n8n's is Date.now(), which follows it. */
let now: number;

/** n8n's clock: Date.now() reads `now`, or `skew` ms off it (VIS's clock ahead or behind). */
const n8nClock = (skew = 0) => jest.spyOn(Date, 'now').mockImplementation(() => now + skew);

async function timePasses(ms: number): Promise<void> {
	now += ms;
	await virtualSleep(ms);
}

beforeEach(async () => {
	now = Date.now();
	n8nClock();
	standin = await line.startLine(() => now);
});

afterEach(async () => {
	await line.closeLine(standin);
	jest.restoreAllMocks();
});

const callsHappen = (count: number, states?: string[]) =>
	line.callsHappen(standin, () => (now += 1000), count, states);

const poller = new VonageVisPollTrigger();

function pollHarness(options: IDataObject = {}, staticData: IDataObject = {}) {
	const credentials = { vonageVisPasswordApi: credentialsFor(standin).vonageVisPasswordApi };
	const { workflow, node } = workflowWith(poller, { options }, Object.keys(credentials), {
		[`node:${poller.description.defaults.name}`]: staticData,
	});
	const additionalData = additionalDataFor(credentials);
	return {
		poll: async (mode: 'trigger' | 'manual' = 'trigger') =>
			(await poller.poll.call(
				new PollContext(workflow, node, additionalData, mode, 'activate'),
			)) as INodeExecutionData[][] | null,
		cursor: () => workflow.getStaticData('node', node),
	};
}
const keys = (result: INodeExecutionData[][] | null) =>
	(result?.[0] ?? []).map((item) => item.json.eventKey);

describe('VIS Poll Trigger', () => {
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
		expect(first![0][0].json).toMatchObject({
			id: call.eventId,
			state: 'RINGING',
			source: 'poll',
			phoneNumber: '14155550100',
		});
		now += 60_000;
		expect(await harness.poll()).toBeNull();

		// The call is answered and ends much later: the poll still sees it change.
		now += 2 * HOUR;
		const answered = standin.state.calls.get(String(call.id));
		answered.state = 'ANSWERED';
		answered.endTime = new Date(now).toISOString();
		standin.state.events.find((event: IDataObject) => event.id === call.eventId).state = 'ANSWERED';
		standin.state.events.find((event: IDataObject) => event.id === call.eventId).endTime = new Date(
			now,
		).toISOString();
		now += 1000;
		expect(keys(await harness.poll())).toEqual([`${call.eventId}:ANSWERED`]);

		// n8n stopped: a new process starts from the saved cursor.
		const saved = JSON.parse(JSON.stringify(harness.cursor())) as IDataObject;
		const missed = callsHappen(3);
		now += 10 * 60_000;
		const restarted = pollHarness({}, saved);
		expect(keys(await restarted.poll())).toEqual(
			missed.map((missedCall) => `${missedCall.eventId}:MISSED`),
		);
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
		const event = standin.state.events.find(
			(candidate: IDataObject) => candidate.id === call.eventId,
		);
		Object.assign(event, { state: 'MISSED', endTime: new Date(now).toISOString() });
		now += 1000;
		expect(keys(await harness.poll())).toEqual([`${call.eventId}:MISSED`]);
	});

	test('a test poll shows the newest event, or says how to make one', async () => {
		const harness = pollHarness();
		await expect(harness.poll('manual')).rejects.toThrow(
			'No call event on this VBC line matches the options yet',
		);
		const [, newest] = callsHappen(2);
		const result = await harness.poll('manual');
		expect(keys(result)).toEqual([`${newest.eventId}:MISSED`]);
		expect(harness.cursor()).toEqual({});
	});
});

describe('attacks on the VIS Poll Trigger', () => {
	const EVENTS = '/t/vbc.prod/vis/v1/self/events';
	const missedKeysOf = (calls: Array<IDataObject & { eventId: number }>) =>
		calls.map((call) => `${call.eventId}:MISSED`);

	test('a poll failing on its second page emits nothing and moves no cursor; the next poll emits all 150 once', async () => {
		const harness = pollHarness();
		await harness.poll();
		now += 1000;
		const calls = callsHappen(150);
		now += 60_000;
		const before = JSON.parse(JSON.stringify(harness.cursor())) as IDataObject;
		const requests = standin.state.requests as IDataObject[];
		let failures = 3;
		requests.push = (...records: IDataObject[]) => {
			for (const record of records) {
				if (
					record.path === EVENTS &&
					(record.query as IDataObject).offset === '2' &&
					failures-- > 0
				)
					standin.failNext(1, 500, { pathPrefix: EVENTS });
			}
			return Array.prototype.push.apply(requests, records);
		};
		await expect(harness.poll()).rejects.toThrow();
		expect(harness.cursor()).toEqual(before);
		now += 60_000;
		expect(keys(await harness.poll())).toEqual(missedKeysOf(calls));
		now += 60_000;
		expect(await harness.poll()).toBeNull();
	});

	test('a listing that is not a list fails the poll instead of moving the cursor past its events', async () => {
		const harness = pollHarness();
		await harness.poll();
		now += 1000;
		const calls = callsHappen(2);
		now += 60_000;
		const before = JSON.parse(JSON.stringify(harness.cursor())) as IDataObject;
		standin.failNext(1, 200, { pathPrefix: EVENTS, body: { events: [] } });
		await expect(harness.poll()).rejects.toThrow(/where a list of records was expected/);
		expect(harness.cursor()).toEqual(before);
		now += 10 * 60_000;
		expect(keys(await harness.poll())).toEqual(missedKeysOf(calls));
	});

	test.each([
		['afterMs is text', { afterMs: 'yesterday' }],
		['recent is text, open an array', { recent: 'garbage', open: [1, 2] }],
		['recent is null, open holds text', { recent: null, open: { 5: 'soon' } }],
		['since is an object', { since: {} }],
	])(
		'corrupted static data (%s) neither throws nor sticks: the next call runs once',
		async (_name, corruption) => {
			const harness = pollHarness();
			await harness.poll();
			now += 1000;
			Object.assign(harness.cursor(), corruption);
			const [call] = callsHappen(1);
			now += 60_000;
			expect(keys(await harness.poll())).toEqual(missedKeysOf([call]));
			now += 60_000;
			expect(await harness.poll()).toBeNull();
			const cursor = harness.cursor();
			expect(Number.isFinite(cursor.afterMs)).toBe(true);
			expect(typeof cursor.recent === 'object' && !Array.isArray(cursor.recent)).toBe(true);
		},
	);

	test('VIS failing when the trigger is published still publishes it; calls after it are emitted once', async () => {
		const harness = pollHarness();
		standin.failNext(3, 500, { pathPrefix: EVENTS });
		expect(await harness.poll()).toBeNull();
		expect(Number.isFinite(harness.cursor().afterMs)).toBe(true);
		now += 1000;
		const [call] = callsHappen(1);
		now += 60_000;
		expect(keys(await harness.poll())).toEqual(missedKeysOf([call]));
	});

	test.each([0, -5])(
		'a Catch-Up Window of %p still emits what happens between polls',
		async (hours) => {
			const harness = pollHarness({ catchUpHours: hours });
			await harness.poll();
			now += 1000;
			const [call] = callsHappen(1);
			now += 60_000;
			expect(keys(await harness.poll())).toEqual(missedKeysOf([call]));
		},
	);

	test('an event listed ANSWERED and then (impossibly) RINGING is not emitted as a new ring', async () => {
		const harness = pollHarness();
		await harness.poll();
		now += 1000;
		const [call] = callsHappen(1, ['RINGING', 'ANSWERED']);
		now += 1000;
		expect(keys(await harness.poll())).toEqual([`${call.eventId}:ANSWERED`]);
		const event = standin.state.events.find(
			(candidate: IDataObject) => candidate.id === call.eventId,
		);
		Object.assign(event, { state: 'RINGING', endTime: null, answerTime: null });
		now += 1000;
		expect(await harness.poll()).toBeNull();
		now += 10 * 60_000;
		expect(await harness.poll()).toBeNull();
	});

	test('a call that stays open for 11 hours is still seen when it ends', async () => {
		const harness = pollHarness();
		await harness.poll();
		now += 1000;
		const [call] = callsHappen(1, ['RINGING', 'ACTIVE']);
		for (let polls = 0; polls < 11 * 4; polls++) {
			now += 15 * 60_000;
			const result = await harness.poll();
			if (polls === 0) expect(keys(result)).toEqual([`${call.eventId}:ACTIVE`]);
			else expect(result).toBeNull();
		}
		const event = standin.state.events.find(
			(candidate: IDataObject) => candidate.id === call.eventId,
		);
		Object.assign(event, { state: 'ANSWERED', endTime: new Date(now).toISOString() });
		now += 60_000;
		expect(keys(await harness.poll())).toEqual([`${call.eventId}:ANSWERED`]);
	});

	test.each([
		['behind', 5 * 60_000],
		['ahead of', -5 * 60_000],
	])(
		'VIS’s clock %s n8n’s by 5 minutes: every call after publication is emitted once, none from before',
		async (_name, skew) => {
			n8nClock(skew);
			const [before] = callsHappen(1);
			now += 1000;
			const harness = pollHarness();
			expect(await harness.poll()).toBeNull();
			const emitted: unknown[] = [];
			const calls: Array<IDataObject & { eventId: number }> = [];
			for (let minute = 0; minute < 12; minute++) {
				now += 20_000;
				calls.push(...callsHappen(1));
				now += 39_000;
				emitted.push(...keys(await harness.poll()));
			}
			expect(emitted).toEqual(missedKeysOf(calls));
			expect(emitted).not.toContain(`${before.eventId}:MISSED`);
		},
	);
});
