import { createHmac } from 'node:crypto';

import * as fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { canonicalEventJson, MalformedJsonError } from '../nodes/VonageVisTrigger/canonicalJson';
import { firstDelivery } from '../nodes/VonageVisTrigger/deliveries';
import { renewalClock, stopAllRenewals } from '../nodes/VonageVisTrigger/registration';
import { isValidSignature } from '../nodes/VonageVisTrigger/signature';
import { startStandin, type Standin } from './helpers/standin';
import { startTrigger, type TriggerHarness } from './helpers/trigger';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { canonicalJson: standinCanonicalJson } = require('./standin/server');

const DAY = 86_400_000;
let standin: Standin;
let trigger: TriggerHarness;
let now: number;

const realEvery = renewalClock.every;

/** Replaces the renewal timer with one the test fires itself; each entry is a running timer. */
function captureRenewalTicks(): Array<() => Promise<void>> {
	const ticks: Array<() => Promise<void>> = [];
	renewalClock.every = (_ms, tick) => {
		ticks.push(tick);
		return () => ticks.splice(ticks.indexOf(tick), 1);
	};
	return ticks;
}

beforeEach(async () => {
	now = Date.now();
	standin = await startStandin({ clock: () => now });
	renewalClock.now = () => now;
});
afterEach(async () => {
	stopAllRenewals();
	renewalClock.every = realEvery;
	await trigger?.close();
	await standin.close();
});

function webhooks(): IDataObject[] {
	return [...standin.state.webhooks.values()];
}

describe('VIS trigger: registration lifecycle', () => {
	test('activation registers one signed HEADER webhook for the production URL, with a key the node made', async () => {
		trigger = await startTrigger(standin);
		expect(await trigger.hook('checkExists')).toBe(false);
		await trigger.hook('create');
		const [hook] = webhooks();
		expect(webhooks()).toHaveLength(1);
		expect(hook).toMatchObject({ url: trigger.url, events: ['CALL'], signingAlgo: 'HMAC_SHA256', metadataPolicy: 'HEADER' });
		expect(hook.signingKey).toMatch(/^[0-9a-f]{64}$/);
		expect(trigger.staticData()).toMatchObject({ webhookId: hook.id, signingKey: hook.signingKey, expireAt: hook.expireAt });
		expect(await trigger.hook('checkExists')).toBe(true);
		expect(webhooks()).toHaveLength(1);
	});

	test('after lost static data, an existing registration for this URL is adopted, not duplicated', async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
		const id = trigger.staticData().webhookId;
		for (const key of Object.keys(trigger.staticData())) delete trigger.staticData()[key];
		await trigger.activate();
		expect(webhooks().map((h) => h.id)).toEqual([id]);
		expect(trigger.staticData().webhookId).toBe(id);
		const delivered = await standin.deliverEvent(String(id), standin.sampleEvent());
		expect(delivered.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	test('a stored id VIS no longer knows (404) is cleared and a new registration is made', async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
		standin.state.webhooks.clear();
		expect(await trigger.hook('checkExists')).toBe(false);
		expect(trigger.staticData().webhookId).toBeUndefined();
		await trigger.hook('create');
		expect(webhooks()).toHaveLength(1);
	});

	test.each([
		['expired', (hook: IDataObject) => (hook.expireAt = new Date(now - 1000).toISOString())],
		['expiring within 48 h', (hook: IDataObject) => (hook.expireAt = new Date(now + DAY).toISOString())],
		['marked failed', (hook: IDataObject) => ((hook.statistics as IDataObject).failed = true)],
	])('checkExists renews a registration that is %s', async (_case, spoil) => {
		trigger = await startTrigger(standin);
		await trigger.activate();
		const [hook] = webhooks();
		spoil(hook);
		now += 1000;
		expect(await trigger.hook('checkExists')).toBe(true);
		expect(hook.renewedAt).toBe(new Date(now).toISOString());
		expect((hook.statistics as IDataObject).failed).toBe(false);
		expect(Date.parse(hook.expireAt as string)).toBe(now + 10 * DAY);
		expect(webhooks()).toHaveLength(1);
	});

	test('deactivation deletes the registration; a 404 counts as already gone', async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
		expect(await trigger.hook('delete')).toBe(true);
		expect(webhooks()).toHaveLength(0);
		expect(trigger.staticData().webhookId).toBeUndefined();

		await trigger.activate();
		standin.state.webhooks.clear();
		expect(await trigger.hook('delete')).toBe(true);
		expect(trigger.staticData().webhookId).toBeUndefined();
	});

	test('a delete that fails for another reason is reported and keeps the id for a later try', async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
		const id = trigger.staticData().webhookId;
		standin.failNext(3, 500, { pathPrefix: '/t/' });
		await expect(trigger.hook('delete')).rejects.toThrow(/Internal server error/);
		expect(trigger.staticData().webhookId).toBe(id);
		expect(webhooks()).toHaveLength(1);
	});

	test('a quiet line stays subscribed: the renewal timer renews before expiry with no deliveries', async () => {
		const ticks = captureRenewalTicks();
		trigger = await startTrigger(standin);
		await trigger.activate();
		const [hook] = webhooks();
		const firstExpiry = Date.parse(hook.expireAt as string);
		// 30 quiet days, the timer firing every 6 hours.
		for (let hours = 6; hours <= 30 * 24; hours += 6) {
			now += 6 * 3_600_000;
			await Promise.all(ticks.map((tick) => tick()));
			expect(Date.parse(hook.expireAt as string)).toBeGreaterThan(now);
		}
		expect(Date.parse(hook.expireAt as string)).toBeGreaterThan(firstExpiry + 20 * DAY);
		expect(standin.requests({ method: 'PUT' }).length).toBeGreaterThanOrEqual(3);
		await trigger.hook('delete');
		expect(ticks).toHaveLength(0);
	});
});

test('after an n8n restart (no checkExists), the first delivery restarts the renewal timer, once', async () => {
	const ticks = captureRenewalTicks();
	trigger = await startTrigger(standin);
	await trigger.activate();
	expect(ticks).toHaveLength(1);
	stopAllRenewals();
	expect(ticks).toHaveLength(0);
	const id = trigger.staticData().webhookId as string;
	await standin.deliverEvent(id, standin.sampleEvent());
	await standin.deliverEvent(id, standin.sampleEvent());
	expect(ticks).toHaveLength(1);
	expect(trigger.executions).toHaveLength(2);
});

describe('VIS trigger: deliveries', () => {
	beforeEach(async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
	});
	const webhookId = () => trigger.staticData().webhookId as string;

	test('a valid signed delivery starts one execution with the event and its delivery metadata', async () => {
		const event = standin.sampleEvent({ state: 'ANSWERED' });
		const result = await standin.deliverEvent(webhookId(), event, { deliveryId: 'd-1', attempt: 1 });
		expect(result.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toEqual({ ...event, deliveryId: 'd-1', attempt: 1, webhookId: webhookId() });
	});

	test.each([
		['a tampered body', { tamper: (e: IDataObject) => ({ ...e, phoneNumber: '19005550000' }) }, 401],
		['a signature made with another key', { signingKey: 'not-the-key' }, 401],
		['no X-VON-Signature header', { omitHeaders: ['x-von-signature'] }, 401],
		['an unknown X-VON-Webhook-Id', { webhookIdHeader: 'someone-else' }, 401],
		['malformed JSON', { rawBody: '{"event": {"id": "1",' }, 400],
		['a body without an event object', { rawBody: '{"events": []}' }, 400],
	])('%s is refused without an execution', async (_case, options, status) => {
		const result = await standin.deliverEvent(webhookId(), standin.sampleEvent(), options);
		expect(result.status).toBe(status);
		expect(result.body).not.toContain(trigger.staticData().signingKey as string);
		expect(trigger.executions).toHaveLength(0);
	});

	test('a redelivery of a delivery that already ran does not run again', async () => {
		const event = standin.sampleEvent();
		await standin.deliverEvent(webhookId(), event, { deliveryId: 'same', attempt: 1 });
		const again = await standin.deliverEvent(webhookId(), event, { deliveryId: 'same', attempt: 2 });
		expect(again.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	test('a retry after a refused first attempt still runs once', async () => {
		const event = standin.sampleEvent();
		await standin.deliverEvent(webhookId(), event, { deliveryId: 'retry-me', signingKey: 'wrong' });
		await standin.deliverEvent(webhookId(), event, { deliveryId: 'retry-me', attempt: 2 });
		expect(trigger.executions).toHaveLength(1);
	});

	test('int64 ids and decimals are verified over the digits the sender signed', async () => {
		const body = '{"event":{"userId":12345678901234567890,"duration":1.50,"id":"x","state":"RINGING"}}';
		const canonical = '{"duration":1.50,"id":"x","state":"RINGING","userId":12345678901234567890}';
		expect(canonicalEventJson(body)).toBe(canonical);
		const signature = createHmac('sha256', trigger.staticData().signingKey as string).update(canonical).digest('hex');
		const response = await fetch(trigger.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-von-signature': signature, 'x-von-webhook-id': webhookId(), 'x-von-delivery-id': 'big' },
			body,
		});
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	test('a delivery within 48 h of expiry renews the registration', async () => {
		const [hook] = webhooks();
		now = Date.parse(hook.expireAt as string) - DAY;
		await standin.deliverEvent(webhookId(), standin.sampleEvent());
		// The renewal runs after the 200 has been sent; give it up to 5 s.
		for (let waited = 0; !hook.renewedAt && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
		expect(hook.renewedAt).toBe(new Date(now).toISOString());
	});
});

describe('VIS trigger: filters', () => {
	test.each([
		[{ states: ['ANSWERED'] }, ['ANSWERED']],
		[{ finalStatesOnly: true }, ['ANSWERED', 'MISSED']],
		[{ direction: 'OUTBOUND' }, ['RINGING']],
	])('options %p let through only %p', async (options, expected) => {
		trigger = await startTrigger(standin, options);
		await trigger.activate();
		const id = trigger.staticData().webhookId as string;
		for (const [state, direction] of [['RINGING', 'OUTBOUND'], ['ANSWERED', 'INBOUND'], ['MISSED', 'INBOUND'], ['ACTIVE', 'INBOUND']]) {
			const result = await standin.deliverEvent(id, standin.sampleEvent({ state, direction }));
			expect(result.status).toBe(200);
		}
		expect(trigger.executions.map((run) => run[0].json.state)).toEqual(expected);
	});
});

describe('canonical JSON and signature (pure)', () => {
	const key = 'k3y';
	const sign = (event: unknown) => createHmac('sha256', key).update(standinCanonicalJson(event)).digest('hex');
	const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
	const eventArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(leaf, fc.dictionary(fc.string({ maxLength: 5 }), leaf), fc.array(leaf, { maxLength: 3 })), {
		minKeys: 1,
		maxKeys: 8,
	});

	function shuffledJson(value: unknown, seed: number): string {
		if (Array.isArray(value)) return `[${value.map((v) => shuffledJson(v, seed)).join(',')}]`;
		if (value && typeof value === 'object') {
			const keys = Object.keys(value).sort((a, b) => ((a.length * seed + b.charCodeAt(0)) % 3) - 1);
			return `{ ${keys.map((k) => `${JSON.stringify(k)} : ${shuffledJson((value as IDataObject)[k], seed)}`).join(' ,\n ')} }`;
		}
		return JSON.stringify(value);
	}

	test('key order and whitespace in the body do not change the verdict', () => {
		fc.assert(
			fc.property(eventArb, fc.integer({ min: 1, max: 97 }), (event, seed) => {
				const body = `{"event": ${shuffledJson(event, seed)}}`;
				return isValidSignature(canonicalEventJson(body), key, sign(event));
			}),
			{ numRuns: 300 },
		);
	});

	test('any change to any event field changes the verdict', () => {
		fc.assert(
			fc.property(eventArb, fc.nat(), leaf, (event, pick, replacement) => {
				const keys = Object.keys(event);
				const field = keys[pick % keys.length];
				fc.pre(JSON.stringify(event[field]) !== JSON.stringify(replacement));
				const changed = { ...event, [field]: replacement };
				return !isValidSignature(canonicalEventJson(JSON.stringify({ event: changed })), key, sign(event));
			}),
			{ numRuns: 300 },
		);
	});

	test('a removed or added field changes the verdict', () => {
		fc.assert(
			fc.property(eventArb, (event) => {
				const [first, ...rest] = Object.keys(event);
				const removed = Object.fromEntries(rest.map((k) => [k, event[k]]));
				const added = { ...event, [`${first}_extra`]: 1 };
				const signature = sign(event);
				return (
					!isValidSignature(canonicalEventJson(JSON.stringify({ event: removed })), key, signature) &&
					!isValidSignature(canonicalEventJson(JSON.stringify({ event: added })), key, signature)
				);
			}),
		);
	});

	test('a repeated key keeps its last value, as JSON.parse does, at every depth', () => {
		expect(canonicalEventJson('{"event":{"b":1,"a":{"y":1,"x":2,"y":3},"b":2}}')).toBe('{"a":{"x":2,"y":3},"b":2}');
		expect(() => canonicalEventJson('{"event":{"a":1},"event":"not an object"}')).toThrow('no "event" object');
	});

	test('escaped strings are written the way JSON.stringify writes them; others are kept as received', () => {
		expect(canonicalEventJson('{"event":{"n":"caf\\u00e9 \\/ \\"x\\"","m":"café"}}')).toBe('{"m":"café","n":"café / \\"x\\""}');
		expect(() => canonicalEventJson('[{"event":{}}]')).toThrow(MalformedJsonError);
		expect(() => canonicalEventJson('{"event":{"a":1}} x')).toThrow('unexpected text');
	});

	test('signatures of the wrong shape never match and never throw', () => {
		expect(isValidSignature('{}', key, undefined)).toBe(false);
		expect(isValidSignature('{}', key, 'abc')).toBe(false);
		expect(isValidSignature('{}', key, 'z'.repeat(64))).toBe(false);
	});

	test('the stand-in and the trigger agree on the written rule for the docs example', () => {
		const event = { accountId: '-1', direction: 'OUTBOUND', duration: 0, id: 'abc', internal: false };
		const expected = '{"accountId":"-1","direction":"OUTBOUND","duration":0,"id":"abc","internal":false}';
		expect(canonicalEventJson(JSON.stringify({ event: { internal: false, id: 'abc', duration: 0, direction: 'OUTBOUND', accountId: '-1' } }))).toBe(expected);
		expect(standinCanonicalJson(event)).toBe(expected);
	});
});


describe('delivery ids (pure)', () => {
	// Ahead of the deliveries the other tests made with the real clock, which are then long past.
	const later = (days: number) => Date.now() + days * 86_400_000;

	test('a redelivery is recognised for 10 minutes, then forgotten', () => {
		const t0 = later(1);
		expect(firstDelivery('wh-a', 'd1', t0)).toBe(true);
		expect(firstDelivery('wh-a', 'd1', t0 + 50_000)).toBe(false);
		expect(firstDelivery('wh-b', 'd1', t0 + 50_000)).toBe(true);
		expect(firstDelivery('wh-a', 'd1', t0 + 10 * 60_000 + 1)).toBe(true);
	});

	test('at most 10,000 are remembered: the oldest goes first, the newest are kept', () => {
		const t0 = later(2);
		for (let i = 0; i < 10_500; i++) expect(firstDelivery('wh-c', `d${i}`, t0)).toBe(true);
		expect(firstDelivery('wh-c', 'd10499', t0)).toBe(false);
		expect(firstDelivery('wh-c', 'd600', t0)).toBe(false);
		expect(firstDelivery('wh-c', 'd0', t0)).toBe(true);
	});
});
