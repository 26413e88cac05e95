/**
 * The sandbox fails deliveries as VIS does (sandbox/deliveries.js): retries, a failed webhook,
 * expiry and purge, and the listing of call events the triggers catch up from.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Standin } from './helpers/standin';
import * as line from './helpers/visLine';

let standin: Standin;
/** VIS's clock (the stand-in's), moved by the tests. */
let now: number;

beforeEach(async () => {
	now = Date.now();
	standin = await line.startLine(() => now);
});

afterEach(async () => {
	await line.closeLine(standin);
});

const statistics = (hook: IDataObject) => hook.statistics as IDataObject;
const answering = line.answering;
const registerAt = async (url: string) => await line.registerAt(standin, url);
const visToken = async () => await line.visToken(standin);
const callsHappen = (count: number, states?: string[]) =>
	line.callsHappen(standin, () => (now += 1000), count, states);

describe('the sandbox fails deliveries as VIS does', () => {
	test('an answer other than 200 is retried 5 times, then the webhook is failed and gets nothing until renewed', async () => {
		const down = await answering(500);
		const hook = await registerAt(down.url);
		now += 1000;
		standin.callHappens({ states: ['RINGING'] });
		await standin.deliveriesSettled();
		expect(down.hits()).toBe(6);
		const stored = standin.state.webhooks.get(hook.id);
		expect(statistics(stored)).toMatchObject({
			failed: true,
			totalAttempts: 1,
			totalFailures: 1,
			totalSuccesses: 0,
			lastHttpErrorCode: 500,
			lastSuccess: null,
		});
		expect(statistics(stored).lastFailure).toBe(new Date(now).toISOString());

		standin.callHappens({ states: ['RINGING', 'MISSED'] });
		await standin.deliveriesSettled();
		expect(down.hits()).toBe(6);
		await down.close();

		const up = await answering(200);
		stored.url = up.url;
		await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/webhooks/${String(hook.id)}/renew`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${await visToken()}` },
		});
		expect(statistics(stored)).toMatchObject({
			failed: false,
			totalFailures: 1,
			lastHttpErrorCode: 500,
		});
		now += 1000;
		standin.callHappens({ states: ['RINGING'] });
		await standin.deliveriesSettled();
		expect(up.hits()).toBe(1);
		expect(statistics(stored)).toMatchObject({
			totalAttempts: 2,
			totalSuccesses: 1,
			lastSuccess: new Date(now).toISOString(),
		});
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
		const response = await fetch(
			`${standin.url}/t/vbc.prod/vis/v1/self/webhooks/${String(hook.id)}`,
			{ headers: { authorization: `Bearer ${await visToken()}` } },
		);
		expect(response.status).toBe(404);
		await up.close();
	});

	test('/self/events lists each call once, in the state it has when listed, with its filters', async () => {
		const calls = callsHappen(3, ['RINGING', 'ACTIVE', 'ANSWERED']);
		const outbound = standin.callHappens({
			direction: 'OUTBOUND',
			states: ['RINGING', 'CANCELLED'],
		});
		const list = async (query: Record<string, string>) => {
			const response = await fetch(
				`${standin.url}/t/vbc.prod/vis/v1/self/events?${new URLSearchParams(query)}`,
				{ headers: { authorization: `Bearer ${await visToken()}` } },
			);
			return ((await response.json()) as IDataObject[]).map(
				(event) => `${String(event.id)}:${String(event.state)}`,
			);
		};
		const all = [...calls, outbound].map((call) => `${call.eventId}:${call.state}`);
		expect(await list({})).toEqual(all);
		expect(await list({ order: 'DESC' })).toEqual([...all].reverse());
		expect(await list({ states: 'CANCELLED' })).toEqual([all[3]]);
		expect(await list({ direction: 'INBOUND', size: '2', offset: '2' })).toEqual([all[2]]);
		expect(await list({ fromDate: String(Date.parse(String(calls[1].startTime))) })).toEqual(
			all.slice(1),
		);
		expect(await list({ toDate: String(Date.parse(String(calls[1].startTime))) })).toEqual(
			all.slice(0, 2),
		);
	});
});
