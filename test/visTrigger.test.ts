import { createHmac } from 'node:crypto';

import * as fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { ReplayWindow, ReplayWindows } from '../nodes/shared/webhook/replayGuard';
import { readWebhookBody } from '../nodes/shared/webhook/webhookBody';
import { MalformedJsonError, signedEventForms } from '../nodes/VonageVis/trigger/canonicalJson';
import { matchingSignedForm } from '../nodes/VonageVis/trigger/signature';
import { sandbox } from './helpers/node';
import { startStandin, type Standin } from './helpers/standin';
import { startTrigger, type TriggerHarness } from './helpers/trigger';

const standinCanonicalJson = sandbox.canonicalJson;

const DAY = 86_400_000;
/** The canonical text VIS's written rule signs: the compact sorted form. */
const canonicalEventJson = (body: string) => signedEventForms(body).compact;
let standin: Standin;
let trigger: TriggerHarness;
let now: number;

beforeEach(async () => {
	now = Date.now();
	standin = await startStandin({ clock: () => now });
});
afterEach(async () => {
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
		expect(hook).toMatchObject({
			url: trigger.url,
			events: ['CALL'],
			signingAlgo: 'HMAC_SHA256',
			metadataPolicy: 'HEADER',
		});
		expect(hook.signingKey).toMatch(/^[0-9a-f]{64}$/);
		expect(trigger.staticData()).toMatchObject({
			webhookId: hook.id,
			signingKey: hook.signingKey,
			expireAt: hook.expireAt,
		});
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
		[
			'expiring within 48 h',
			(hook: IDataObject) =>
				Object.assign(hook, {
					createdAt: new Date(now - 9 * DAY).toISOString(),
					expireAt: new Date(now + DAY).toISOString(),
				}),
		],
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
});

describe('VIS trigger: deliveries', () => {
	beforeEach(async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
	});
	const webhookId = () => trigger.staticData().webhookId as string;

	test('a valid signed delivery starts one execution with the event and its delivery metadata', async () => {
		const event = standin.sampleEvent({ state: 'ANSWERED' });
		const result = await standin.deliverEvent(webhookId(), event, {
			deliveryId: 'd-1',
			attempt: 1,
		});
		expect(result.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toEqual({
			...event,
			deliveryId: 'd-1',
			attempt: 1,
			webhookId: webhookId(),
			source: 'webhook',
			eventKey: `${String(event.id)}:ANSWERED`,
		});
	});

	test.each([
		[
			'a tampered body',
			{ tamper: (e: IDataObject) => ({ ...e, phoneNumber: '19005550000' }) },
			401,
		],
		['a signature made with another key', { signingKey: 'not-the-key' }, 401],
		['no X-VON-Signature header', { omitHeaders: ['x-von-signature'] }, 401],
		['no X-VON-Webhook-Id header', { omitHeaders: ['x-von-webhook-id'] }, 401],
		[
			'another webhook id with another key',
			{ webhookIdHeader: 'someone-else', signingKey: 'their-key' },
			401,
		],
		// n8n's own body parser answers 422 before the node runs.
		['malformed JSON', { rawBody: '{"event": {"id": "1",' }, 422],
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
		const again = await standin.deliverEvent(webhookId(), event, {
			deliveryId: 'same',
			attempt: 2,
		});
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
		const body =
			'{"event":{"userId":12345678901234567890,"duration":1.50,"id":"x","state":"RINGING"}}';
		const canonical = '{"duration":1.50,"id":"x","state":"RINGING","userId":12345678901234567890}';
		expect(canonicalEventJson(body)).toBe(canonical);
		const signature = createHmac('sha256', trigger.staticData().signingKey as string)
			.update(canonical)
			.digest('hex');
		const response = await fetch(trigger.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-von-signature': signature,
				'x-von-webhook-id': webhookId(),
				'x-von-delivery-id': 'big',
			},
			body,
		});
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	test('a +json media type, whose bytes n8n leaves unread for a version-2 node, is read by the node and runs once', async () => {
		const event = standin.sampleEvent({ state: 'RINGING' });
		const signature = createHmac('sha256', trigger.staticData().signingKey as string)
			.update(standinCanonicalJson(event))
			.digest('hex');
		const response = await fetch(trigger.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/vnd.vonage.event+json',
				'x-von-signature': signature,
				'x-von-webhook-id': webhookId(),
				'x-von-delivery-id': 'plus-json',
			},
			body: JSON.stringify({ event }),
		});
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json.externalId).toBe(event.externalId);
	});

	test('20 concurrent deliveries send nothing to VIS and write no static data (renewal is the keeper’s)', async () => {
		const stored = JSON.stringify(trigger.staticData());
		standin.state.requests.length = 0;
		const deliveries = await Promise.all(
			Array.from({ length: 20 }, () => standin.deliverEvent(webhookId(), standin.sampleEvent())),
		);
		expect(deliveries.map((d) => d.status)).toEqual(Array(20).fill(200));
		expect(trigger.executions).toHaveLength(20);
		expect(standin.requests()).toHaveLength(0);
		expect(JSON.stringify(trigger.staticData())).toBe(stored);
	});

	test.each([['abc'], ['1e3'], [''], ['-1'], ['2.5']])(
		'an X-VON-Attempt of %j is left out of the output',
		async (attempt) => {
			const event = standin.sampleEvent();
			const response = await fetch(trigger.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-von-signature': createHmac('sha256', trigger.staticData().signingKey as string)
						.update(standinCanonicalJson(event))
						.digest('hex'),
					'x-von-webhook-id': webhookId(),
					'x-von-attempt': attempt,
				},
				body: JSON.stringify({ event }),
			});
			expect(response.status).toBe(200);
			expect(trigger.executions[0][0].json).not.toHaveProperty('attempt');
		},
	);
});

describe('VIS trigger: hostile deliveries', () => {
	beforeEach(async () => {
		trigger = await startTrigger(standin);
		await trigger.activate();
	});
	const webhookId = () => trigger.staticData().webhookId as string;
	const signingKey = () => trigger.staticData().signingKey as string;
	const signatureOf = (text: string) =>
		createHmac('sha256', signingKey()).update(text).digest('hex');
	const post = (body: string | Uint8Array, headers: Record<string, string>) =>
		fetch(trigger.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-von-webhook-id': webhookId(), ...headers },
			body: body as BodyInit,
		});

	test('a captured delivery re-sent with charset=ascii and unsigned high-bit bytes is refused', async () => {
		const event = standin.sampleEvent({ state: 'RINGING', phoneNumber: '14155550123' });
		const signature = signatureOf(standinCanonicalJson(event));
		// Read as ascii, Node drops the high bit: 0xA2 becomes a quote, and the tail becomes a second
		// "event" that n8n's parse would take, while the UTF-8 bytes the signature covers do not change.
		const forged =
			'","event":{"state":"ANSWERED","direction":"OUTBOUND","phoneNumber":"19005550000"},"y":"';
		const highBit = Buffer.from([...Buffer.from(forged)].map((byte) => byte | 0x80));
		const body = Buffer.concat([
			Buffer.from(`{"event":${JSON.stringify(event)},"x":"`),
			highBit,
			Buffer.from('"}'),
		]);
		for (const contentType of [
			'application/json; charset=ascii',
			'application/json; charset=latin1',
			'application/json; charset="Binary"',
		]) {
			const response = await post(body, {
				'content-type': contentType,
				'x-von-signature': signature,
			});
			expect([contentType, response.status, await response.text()]).toEqual([
				contentType,
				415,
				expect.any(String),
			]);
		}
		// Declared as UTF-8 those bytes are not UTF-8 at all.
		expect((await post(body, { 'x-von-signature': signature })).status).toBe(400);
		expect(trigger.executions).toHaveLength(0);
	});

	test('the event that runs is the one whose signature matched: unsigned members and repeated keys change nothing', async () => {
		const event = standin.sampleEvent({ state: 'RINGING', direction: 'INBOUND' });
		const signature = signatureOf(standinCanonicalJson(event));
		const forged = JSON.stringify({ ...event, state: 'ANSWERED', phoneNumber: '19005550000' });
		// The forged event first, the genuine one last: JSON's last-one-wins gives the genuine one.
		const body = `{"event":${forged},"event":${JSON.stringify(event)},"extra":"\u00e9\u00e9"}`;
		expect((await post(body, { 'x-von-signature': signature })).status).toBe(200);
		// The forged event last is what a parser would take, and it does not verify.
		expect(
			(
				await post(`{"event":${JSON.stringify(event)},"event":${forged}}`, {
					'x-von-signature': signature,
				})
			).status,
		).toBe(401);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject(event);
	});

	test.each([
		['10,000-deep objects', () => `{"event":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, 400],
		['10,000-deep arrays', () => `{"event":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`, 400],
		['a 10 MB string', () => `{"event":{"a":"${'x'.repeat(10_000_000)}"}}`, 413],
		[
			'65 KB of members',
			() => `{"event":{${Array.from({ length: 6000 }, (_, i) => `"k${i}":${i}`).join(',')}}}`,
			413,
		],
		['an empty body', () => '', 400],
		['a JSON string', () => '"event"', 400],
	])(
		'%s with a random signature: %p before any work, no exception',
		async (_case, body, status) => {
			const response = await post(body(), { 'x-von-signature': 'ab'.repeat(32) });
			expect(response.status).toBe(status);
			expect(trigger.executions).toHaveLength(0);
			expect(Math.max(...trigger.webhookMs)).toBeLessThan(50);
		},
	);

	test('at the limits (64 KB, 32 levels) a well-formed delivery is verified well within 50 ms', async () => {
		const nested = `${'{"a":'.repeat(30)}1${'}'.repeat(30)}`;
		const event = {
			...standin.sampleEvent(),
			nested: JSON.parse(nested),
			padding: 'p'.repeat(60_000),
		};
		const signature = signatureOf(standinCanonicalJson(event));
		expect((await post(JSON.stringify({ event }), { 'x-von-signature': signature })).status).toBe(
			200,
		);
		expect(trigger.executions).toHaveLength(1);
		expect(Math.max(...trigger.webhookMs)).toBeLessThan(50);
	});

	test('a captured delivery re-sent with new delivery ids, or none, runs once', async () => {
		const event = standin.sampleEvent();
		const body = JSON.stringify({ event });
		const signature = signatureOf(standinCanonicalJson(event));
		const statuses = [];
		for (let i = 0; i < 10; i++) {
			const ids: Record<string, string> =
				i % 2 ? { 'x-von-delivery-id': `new-${i}`, 'x-von-attempt': '1' } : {};
			statuses.push(
				(
					await post(i === 3 ? ` ${body.replace(':', ' : ')} ` : body, {
						'x-von-signature': signature,
						...ids,
					})
				).status,
			);
		}
		expect(statuses).toEqual(Array(10).fill(200));
		expect(trigger.executions).toHaveLength(1);
	});

	test('the signature may cover the event as received, compacted and sorted, or in the docs spaced form', async () => {
		const event = {
			state: 'RINGING',
			id: 'e-1',
			direction: 'INBOUND',
			nested: { b: 1, a: [1, 2] },
		};
		const asReceived =
			'{ "state" : "RINGING", "id": "e-1", "direction": "INBOUND", "nested": {"b": 1, "a": [1, 2]} }';
		const spaced =
			'{"direction": "INBOUND","id": "e-1","nested": {"a": [1,2],"b": 1},"state": "RINGING"}';
		const compact = standinCanonicalJson(event);
		for (const [i, signedText] of [asReceived, spaced, compact].entries()) {
			const body = `{"event":${asReceived.replace('e-1', `e-${i}`)}}`;
			const response = await post(body, {
				'x-von-signature': signatureOf(signedText.replace('e-1', `e-${i}`)),
			});
			expect(response.status).toBe(200);
		}
		expect(trigger.executions.map((run) => run[0].json.id)).toEqual(['e-0', 'e-1', 'e-2']);
		expect(trigger.executions[0][0].json).toMatchObject({
			state: 'RINGING',
			nested: { a: [1, 2], b: 1 },
		});
	});

	test('VIS gets a small JSON body back, never n8n placeholder text', async () => {
		const accepted = await standin.deliverEvent(webhookId(), standin.sampleEvent());
		expect(JSON.parse(accepted.body)).toEqual({ status: 'accepted' });
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
		for (const [state, direction] of [
			['RINGING', 'OUTBOUND'],
			['ANSWERED', 'INBOUND'],
			['MISSED', 'INBOUND'],
			['ACTIVE', 'INBOUND'],
		]) {
			const result = await standin.deliverEvent(id, standin.sampleEvent({ state, direction }));
			expect(result.status).toBe(200);
		}
		expect(trigger.executions.map((run) => run[0].json.state)).toEqual(expected);
	});
});

describe('canonical JSON and signature (pure)', () => {
	const key = 'k3y';
	const verifies = (body: string, signature: unknown) =>
		matchingSignedForm(signedEventForms(body), key, signature) !== undefined;
	const sign = (event: unknown) =>
		createHmac('sha256', key).update(standinCanonicalJson(event)).digest('hex');
	const leaf = fc.oneof(
		fc.string(),
		fc.integer(),
		fc.boolean(),
		fc.constant(null),
		fc.double({ noNaN: true, noDefaultInfinity: true }),
	);
	const eventArb = fc.dictionary(
		fc.string({ minLength: 1, maxLength: 8 }),
		fc.oneof(
			leaf,
			fc.dictionary(fc.string({ maxLength: 5 }), leaf),
			fc.array(leaf, { maxLength: 3 }),
		),
		{
			minKeys: 1,
			maxKeys: 8,
		},
	);

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
				return verifies(body, sign(event));
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
				return !verifies(JSON.stringify({ event: changed }), sign(event));
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
					!verifies(JSON.stringify({ event: removed }), signature) &&
					!verifies(JSON.stringify({ event: added }), signature)
				);
			}),
		);
	});

	test('a repeated key keeps its last value, as JSON.parse does, at every depth', () => {
		expect(canonicalEventJson('{"event":{"b":1,"a":{"y":1,"x":2,"y":3},"b":2}}')).toBe(
			'{"a":{"x":2,"y":3},"b":2}',
		);
		expect(() => canonicalEventJson('{"event":{"a":1},"event":"not an object"}')).toThrow(
			'no "event" object',
		);
	});

	test('escaped strings are written the way JSON.stringify writes them; others are kept as received', () => {
		expect(canonicalEventJson('{"event":{"n":"caf\\u00e9 \\/ \\"x\\"","m":"café"}}')).toBe(
			'{"m":"café","n":"café / \\"x\\""}',
		);
		expect(() => canonicalEventJson('[{"event":{}}]')).toThrow(MalformedJsonError);
		expect(() => canonicalEventJson('{"event":{"a":1}} x')).toThrow('unexpected text');
	});

	test('signatures of the wrong shape never match and never throw', () => {
		const body = '{"event":{}}';
		expect(verifies(body, undefined)).toBe(false);
		expect(verifies(body, 'abc')).toBe(false);
		expect(verifies(body, 'z'.repeat(64))).toBe(false);
		expect(verifies(body, ['a'.repeat(64)])).toBe(false);
	});

	test('the stand-in and the trigger agree on the written rule for the docs example', () => {
		const event = {
			accountId: '-1',
			direction: 'OUTBOUND',
			duration: 0,
			id: 'abc',
			internal: false,
		};
		const expected =
			'{"accountId":"-1","direction":"OUTBOUND","duration":0,"id":"abc","internal":false}';
		expect(
			canonicalEventJson(
				JSON.stringify({
					event: {
						internal: false,
						id: 'abc',
						duration: 0,
						direction: 'OUTBOUND',
						accountId: '-1',
					},
				}),
			),
		).toBe(expected);
		expect(standinCanonicalJson(event)).toBe(expected);
	});
});

describe('replay window (pure)', () => {
	test('a key is refused again within the window, then forgotten', () => {
		const window = new ReplayWindow(60_000, 100);
		expect(window.firstTime('a', 0)).toBe(true);
		expect(window.firstTime('a', 59_999)).toBe(false);
		expect(window.firstTime('a', 60_001)).toBe(true);
		expect(window.firstTime('b', 1, 10)).toBe(true);
		expect(window.firstTime('b', 9)).toBe(false);
		expect(window.firstTime('b', 11)).toBe(true);
	});

	test("one trigger's traffic cannot evict another's", () => {
		const windows = new ReplayWindows(86_400_000, 1000);
		expect(windows.for('wh-quiet').firstTime('captured', 0)).toBe(true);
		for (let i = 0; i < 50_000; i++) windows.for('wh-busy').firstTime(`k${i}`, 0);
		expect(windows.for('wh-busy').size).toBe(1000);
		expect(windows.for('wh-quiet').firstTime('captured', 1)).toBe(false);
	});

	test('it holds at most its bound: the oldest goes first, the newest are kept', () => {
		const window = new ReplayWindow(86_400_000, 1000);
		for (let i = 0; i < 5000; i++) expect(window.firstTime(`k${i}`, 0)).toBe(true);
		expect(window.size).toBe(1000);
		expect(window.firstTime('k4999', 0)).toBe(false);
		expect(window.firstTime('k4001', 0)).toBe(false);
		expect(window.firstTime('k0', 0)).toBe(true);
	});
});

describe('reading a body n8n left unread (version-2 nodes, media types n8n does not parse)', () => {
	const json = { 'content-type': 'application/vnd.vonage.event+json' };

	test('a body over n8n’s own size limit is a 413, not an exception', async () => {
		const tooLarge = Object.assign(new Error('request entity too large'), { status: 413 });
		await expect(
			readWebhookBody(json, { readRawBody: async () => Promise.reject(tooLarge) }),
		).resolves.toMatchObject({ status: 413 });
	});

	test('a declared length over the limit is a 413 before any byte is read', async () => {
		let reads = 0;
		const verdict = await readWebhookBody(
			{ ...json, 'content-length': String(16 * 1024 * 1024) },
			{ readRawBody: async () => void reads++ },
		);
		expect(verdict).toEqual({ status: 413, reason: 'the body is larger than 65536 bytes' });
		expect(reads).toBe(0);
	});

	test('a request aborted mid-body is a 400', async () => {
		await expect(
			readWebhookBody(json, {
				readRawBody: async () => Promise.reject(new Error('request aborted')),
			}),
		).resolves.toEqual({ status: 400, reason: 'the body could not be read' });
	});

	test('a media type that is not JSON is refused before any byte is read', async () => {
		let reads = 0;
		const verdict = await readWebhookBody(
			{ 'content-type': 'text/html' },
			{ readRawBody: async () => void reads++ },
		);
		expect(verdict).toMatchObject({ status: 415 });
		expect(reads).toBe(0);
	});

	test('bytes n8n already read are not read again', async () => {
		let reads = 0;
		const verdict = await readWebhookBody(json, {
			rawBody: Buffer.from('{"event":{}}'),
			readRawBody: async () => void reads++,
		});
		expect(verdict).toEqual({ text: '{"event":{}}' });
		expect(reads).toBe(0);
	});
});
