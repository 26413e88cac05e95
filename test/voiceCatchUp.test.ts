/**
 * The Voice Trigger's catch-up (nodes/VonageVoice/trigger/catchUp.ts): the call statuses Vonage
 * dropped are read back from GET /v1/calls and run once, live events and catch-up share one key.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeType } from 'n8n-workflow';

import { listedStatus, PAGE_GAP_MS, recordTime } from '../nodes/VonageVoice/trigger/callList';
import { voiceEventKey } from '../nodes/VonageVoice/trigger/voiceEvents';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { fs, os, path, setTimeout } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';
import { hostTrigger, type TriggerHarness } from './helpers/trigger';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let standin: Standin;
let trigger: TriggerHarness | undefined;
let closers: Array<() => Promise<void>> = [];
let applicationId: string;

beforeEach(async () => {
	standin = await startStandin();
	applicationId = standin.sandbox.applicationId;
	// The credential has the signature secret, so callbacks must be signed.
	standin.state.applications.get(applicationId).capabilities.voice.signed_callbacks = true;
});
afterEach(async () => {
	for (const close of closers) await close();
	closers = [];
	await trigger?.close();
	trigger = undefined;
	await standin.close();
});

const v1Time = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** A call record as Vonage lists it, straight into the sandbox's state. */
function addCall(status: string, endMs: number, extra: IDataObject = {}) {
	const uuid = String(extra.uuid ?? randomUUID());
	standin.state.v1Calls.set(uuid, {
		uuid,
		conversation_uuid: `CON-${uuid}`,
		status,
		direction: 'inbound',
		from: { type: 'phone', number: '14155550123' },
		to: { type: 'phone', number: '14155550105' },
		start_time: v1Time(endMs - 30_000),
		end_time: ['started', 'ringing', 'answered', 'machine'].includes(status) ? null : v1Time(endMs),
		duration: '30',
		rate: '0.01',
		price: '0.005',
		network: '65512',
		request: {},
		applicationId,
		...extra,
	});
	return uuid;
}

async function start(options: IDataObject = {}, jwt = true) {
	const credentials = credentialsFor(standin);
	trigger = await hostTrigger(
		new VonageVoiceTrigger(),
		{ applicationId, options: { applicationCheckMinutes: 60, ...options } },
		{
			vonageKeySecretApi: {
				...credentials.vonageKeySecretApi,
				signatureSecret: standin.sandbox.signatureSecret,
			},
			...(jwt ? { vonageJwtApi: credentials.vonageJwtApi } : {}),
		},
	);
	await trigger.activate();
	return trigger;
}

/** trigger() as n8n runs it at its start; closed after the test. */
async function run(t: TriggerHarness, activation: 'init' | 'activate' = 'init', node?: INodeType) {
	const response = await t.startTrigger(activation, node);
	closers.push(async () => await response.closeFunction?.());
	return response;
}

const listRequests = () => standin.requests({ method: 'GET', path: '/v1/calls' });
const catchUpData = (t: TriggerHarness) => t.staticData().catchUp as IDataObject;

async function until(condition: () => boolean, ms = 10_000) {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await pause(20);
	}
}

/** A fresh copy of the node's modules: another n8n process, or the same after a restart. */
function freshNodeType(): INodeType {
	let nodeType!: INodeType;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { VonageVoiceTrigger: Fresh } = require('../nodes/VonageVoice/VonageVoiceTrigger.node');
		nodeType = new Fresh();
	});
	return nodeType;
}

describe('Voice catch-up: reading GET /v1/calls', () => {
	test('record times: the v1 reference’s "YYYY-MM-DD HH:MM:SS" and ISO 8601, both UTC', () => {
		expect(recordTime('2026-01-02 03:04:05')).toBe(Date.parse('2026-01-02T03:04:05Z'));
		expect(recordTime('2026-01-02T03:04:05.250Z')).toBe(Date.parse('2026-01-02T03:04:05.250Z'));
		expect(recordTime('2026-01-02T03:04:05')).toBe(Date.parse('2026-01-02T03:04:05Z'));
		for (const garbage of ['', 'yesterday', 12, null, '02/01/2026 03:04'])
			expect(recordTime(garbage)).toBeNaN();
	});

	test('garbage records are named and skipped, never run', () => {
		const good = {
			uuid: 'u1',
			status: 'completed',
			end_time: '2026-01-02 03:04:05',
			from: { type: 'phone', number: '1' },
			to: { type: 'sip', uri: 'sip:a@b' },
		};
		expect(listedStatus(good)).toMatchObject({
			key: 'u1:completed',
			final: true,
			item: { from: '1', to: 'sip:a@b', source: 'catch-up', eventKey: 'u1:completed' },
		});
		expect(listedStatus(null)).toBe('not an object');
		expect(listedStatus([good])).toBe('not an object');
		expect(listedStatus({ ...good, uuid: '' })).toBe('no uuid');
		expect(listedStatus({ ...good, status: 'exploded' })).toBe('unknown status "exploded"');
		expect(listedStatus({ ...good, end_time: 'soon' })).toBe('unreadable time for completed');
	});

	test('a live event and a listing of the same status share a key', () => {
		const live = { uuid: 'u1', status: 'completed', timestamp: '2026-01-02T03:04:05.000Z' };
		const listed = listedStatus({ ...live, end_time: '2026-01-02 03:04:05' });
		expect(typeof listed === 'object' && listed.key).toBe(voiceEventKey(live));
	});
});

describe('Voice catch-up in a running trigger', () => {
	test('runs each final status since the cursor once, oldest first, read in paced pages of 100', async () => {
		const t = await start();
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 3_600_000, recent: {} };
		// Listed out of order: run by the time each status was reached.
		const uuids = Array.from({ length: 230 }, (_, i) =>
			addCall('completed', now - 3_000_000 + ((i * 7919) % 230) * 1000),
		);
		addCall('completed', now - 5_000_000); // before the cursor: ran already
		await run(t);
		await until(() => t.emitted.length === 230);
		await pause(100);
		expect(t.emitted).toHaveLength(230);
		const times = t.emitted.map((e) => Date.parse(String(e.items[0].json.timestamp)));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(new Set(t.emitted.map((e) => e.items[0].json.uuid))).toEqual(new Set(uuids));
		expect(t.emitted[0].items[0].json.source).toBe('catch-up');
		expect(t.emitted[0].deduplicationKey).toMatch(
			new RegExp(
				`^vonage-voice:test-workflow-\\d+:node-under-test:${String(t.emitted[0].items[0].json.uuid)}:completed$`,
			),
		);
		const pages = listRequests();
		expect(pages.map((r) => [r.query.record_index, r.query.page_size, r.query.order])).toEqual([
			['0', '100', 'asc'],
			['100', '100', 'asc'],
			['200', '100', 'asc'],
		]);
		// The window starts before the cursor by the overlap and the longest call.
		expect(Date.parse(String(pages[0].query.date_start))).toBeLessThan(now - 3_600_000);
		expect(Number(catchUpData(t).afterMs)).toBeGreaterThanOrEqual(now);
	});

	test('calls Vonage dropped before a sandbox restart are still listed, and caught up, after it', async () => {
		// As at Vonage, call records and where the webhooks point outlive the sandbox's process.
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-voice-state-'));
		const stateFile = path.join(folder, 'state.json');
		closers.push(async () => fs.rmSync(folder, { recursive: true, force: true }));
		await standin.close();
		standin = await startStandin({ stateFile });
		const { apiKey, apiSecret } = credentialsFor(standin).vonageKeySecretApi;
		const basic = `Basic ${Buffer.from(`${String(apiKey)}:${String(apiSecret)}`).toString('base64')}`;
		const down = (id: string) => `http://127.0.0.1:9/webhook/${id}/voice-events`;
		// n8n is down: nothing listens at the event URLs (this application's and another's).
		const voiceMenuApplicationId = 'a5e1b0c2-5a4d-4c2e-9f0e-00000000a992';
		for (const id of [applicationId, voiceMenuApplicationId]) {
			const appUrl = `${standin.url}/v2/applications/${id}`;
			const app = (await (await fetch(appUrl, { headers: { authorization: basic } })).json()) as {
				name: string;
				capabilities: { voice: { webhooks: Record<string, IDataObject> } };
			};
			app.capabilities.voice.webhooks.event_url = { address: down(id), http_method: 'POST' };
			const put = await fetch(appUrl, {
				method: 'PUT',
				headers: { authorization: basic, 'content-type': 'application/json' },
				body: JSON.stringify({ name: app.name, capabilities: app.capabilities }),
			});
			expect(put.status).toBe(200);
		}
		const { calls } = (await (
			await fetch(`${standin.url}/_standin/voice-calls-happen`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ applicationId, count: 3 }),
			})
		).json()) as { calls: Array<{ uuid: string; deliveries: IDataObject[] }> };
		expect(calls.flatMap((c) => c.deliveries.map((d) => d.dropped))).toEqual(Array(12).fill(true));
		await standin.close();

		standin = await startStandin({ stateFile });
		for (const id of [applicationId, voiceMenuApplicationId])
			expect(standin.state.applications.get(id).capabilities.voice.webhooks.event_url.address).toBe(
				down(id),
			);
		const t = await start();
		t.staticData().catchUp = { afterMs: Date.now() - 600_000, recent: {} };
		await run(t);
		await until(() => t.emitted.length === 3);
		await pause(100);
		expect(t.emitted.map((e) => e.items[0].json.status)).toEqual(Array(3).fill('completed'));
		expect(new Set(t.emitted.map((e) => e.items[0].json.uuid))).toEqual(
			new Set(calls.map((c) => c.uuid)),
		);
	});

	test('pages are paced', async () => {
		const t = await start();
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		for (let i = 0; i < 250; i++) addCall('completed', now - 500_000 + i);
		const started = Date.now();
		await run(t);
		await until(() => t.emitted.length === 250);
		expect(Date.now() - started).toBeGreaterThanOrEqual(2 * PAGE_GAP_MS);
	});

	test('live status events go through the trigger with the same key, so a catch-up does not run them again', async () => {
		const t = await start();
		await run(t, 'activate');
		await pause(50);
		const { calls } = await (
			await fetch(`${standin.url}/_standin/voice-calls-happen`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ applicationId, count: 2 }),
			})
		).json();
		expect(
			calls.flatMap((c: IDataObject) => (c.deliveries as IDataObject[]).map((d) => d.status)),
		).toEqual(Array(8).fill(200));
		// Emitted by trigger(), none run by webhook() itself.
		expect(t.executions).toHaveLength(0);
		expect(t.emitted.map((e) => e.items[0].json.source)).toEqual(Array(8).fill('webhook'));
		// Each call's statuses in the order they happened.
		for (const call of calls as IDataObject[])
			expect(
				t.emitted
					.filter((e) => e.items[0].json.uuid === call.uuid)
					.map((e) => e.deduplicationKey?.split(':').slice(-1)[0]),
			).toEqual(['started', 'ringing', 'answered', 'completed']);
		// A catch-up in this process finds them run; after a restart, static data and n8n's key do.
		await run(t, 'init');
		await until(() => listRequests().length === 1);
		await pause(100);
		expect(t.emitted).toHaveLength(8);
		await run(t, 'init', freshNodeType());
		await until(() => listRequests().length === 2);
		await pause(100);
		expect(t.emitted).toHaveLength(8);
		expect(t.refused).toEqual([]);
	});

	test('a Vonage retry of a live event is ignored; without a running trigger webhook() runs it', async () => {
		const t = await start();
		const event = standin.sampleVoiceEvent({ status: 'completed', direction: 'inbound' });
		await standin.deliverVoiceEvent(applicationId, event);
		expect(t.executions).toHaveLength(1);
		expect(t.executions[0][0].json).toMatchObject({
			source: 'webhook',
			eventKey: `${String(event.uuid)}:completed`,
		});
		// Ran here: the catch-up of this process does not run it again.
		addCall('completed', Date.now() - 1000, { uuid: event.uuid });
		t.staticData().catchUp = { afterMs: Date.now() - 60_000, recent: {} };
		await run(t);
		await until(() => listRequests().length === 1);
		await pause(100);
		expect(t.emitted.filter((e) => e.items[0].json.uuid === event.uuid)).toHaveLength(0);
	});

	test('a gap longer than the window: the window is run, and a failed execution says since when', async () => {
		const t = await start({ catchUpHours: 24 });
		const now = Date.now();
		const since = now - 48 * 3_600_000;
		t.staticData().catchUp = { afterMs: since, recent: {} };
		addCall('completed', now - 30 * 3_600_000);
		const inWindow = addCall('completed', now - 2 * 3_600_000);
		await run(t);
		await until(() => t.emitted.length === 1);
		expect(t.emitted[0].items[0].json.uuid).toBe(inWindow);
		expect(t.failedExecutions).toHaveLength(1);
		expect(t.failedExecutions[0].message).toContain(`since ${new Date(since).toISOString()}`);
		expect(t.failedExecutions[0].message).toContain('1 call(s)');
		// Reported once, not at every restart.
		await run(t, 'init', freshNodeType());
		await until(() => listRequests().length >= 3);
		await pause(100);
		expect(t.failedExecutions).toHaveLength(1);
	});

	test('a gap with no calls before the window is not reported', async () => {
		const t = await start({ catchUpHours: 1 });
		t.staticData().catchUp = { afterMs: Date.now() - 10 * 3_600_000, recent: {} };
		await run(t);
		await until(() => listRequests().length === 2);
		await pause(100);
		expect(t.failedExecutions).toHaveLength(0);
	});

	test('a quiet spell is no gap: calls before the last emit ran, only later ones are reported', async () => {
		const t = await start({ catchUpHours: 24 });
		const now = Date.now();
		// The cursor was saved with the last emit, 47 h ago, and stayed behind while nothing ran.
		t.staticData().catchUp = {
			afterMs: now - 48 * 3_600_000,
			lastEmitAt: now - 47 * 3_600_000,
			recent: {},
		};
		addCall('completed', now - 47.5 * 3_600_000 + 30_000);
		await run(t);
		await until(() => listRequests().length >= 2);
		await pause(100);
		expect(t.failedExecutions).toHaveLength(0);
		// A call after the last emit, before the window, was not run: reported, from the last emit.
		await t.close();
		const t2 = await start({ catchUpHours: 24 });
		t2.staticData().catchUp = {
			afterMs: now - 48 * 3_600_000,
			lastEmitAt: now - 47 * 3_600_000,
			recent: {},
		};
		addCall('completed', now - 30 * 3_600_000);
		await run(t2);
		await until(() => t2.failedExecutions.length === 1);
		expect(t2.failedExecutions[0].message).toContain(
			`since ${new Date(now - 47 * 3_600_000).toISOString()}`,
		);
	});

	test('garbage in the list is skipped and logged; a page that is not a list moves nothing', async () => {
		const t = await start();
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		const good = addCall('completed', now - 100_000);
		const page = (calls: unknown) => ({
			count: 3,
			page_size: 100,
			record_index: 0,
			_links: {},
			_embedded: { calls },
		});
		standin.failNext(1, 200, { pathPrefix: '/v1/calls', body: page('not a list') });
		await run(t);
		await until(() => listRequests().length === 1);
		await pause(100);
		expect(t.emitted).toHaveLength(0);
		expect(Number(catchUpData(t).afterMs)).toBe(now - 600_000);
		const record = standin.state.v1Calls.get(good);
		standin.failNext(1, 200, {
			pathPrefix: '/v1/calls',
			body: page([
				null,
				'call',
				{ uuid: 'x', status: 'exploded', end_time: v1Time(now) },
				{ status: 'completed', end_time: v1Time(now) },
				{ ...record, request: undefined, applicationId: undefined },
			]),
		});
		await run(t, 'init', freshNodeType());
		await until(() => t.emitted.length === 1);
		expect(t.emitted[0].items[0].json.uuid).toBe(good);
	});

	test('a call listed while it changes: each status it is listed with runs once', async () => {
		const t = await start();
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		const uuid = addCall('answered', now - 60_000);
		await run(t);
		await until(() => t.emitted.length === 1);
		expect(t.emitted[0].items[0].json.status).toBe('answered');
		// It ends while n8n cannot be reached; listed twice in one listing (the list moved).
		const call = standin.state.v1Calls.get(uuid);
		Object.assign(call, { status: 'completed', end_time: v1Time(Date.now()) });
		standin.failNext(1, 200, {
			pathPrefix: '/v1/calls',
			body: {
				count: 2,
				_links: {},
				_embedded: {
					calls: [
						{ ...call, request: undefined },
						{ ...call, request: undefined },
					],
				},
			},
		});
		await run(t, 'init');
		await until(() => t.emitted.length === 2);
		await pause(100);
		expect(t.emitted.map((e) => e.items[0].json.status)).toEqual(['answered', 'completed']);
	});

	test('a catch-up cut short resumes after a restart; what n8n stored is not run twice', async () => {
		const t = await start();
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		for (let i = 0; i < 12; i++) addCall('completed', now - 500_000 + i * 1000);
		t.autoConfirm = false;
		const first = await run(t);
		await until(() => t.emitted.length === 5);
		// n8n confirms the first 3, then dies.
		for (const e of t.emitted.slice(0, 3)) e.confirm();
		await until(() => t.emitted.length === 8);
		await pause(50);
		await first.closeFunction?.();
		const saved = t.emitted[7].savedStaticData.catchUp as IDataObject;
		// Past the third call's end (record times have whole seconds), not past the fourth's.
		const ends = [...standin.state.v1Calls.values()]
			.map((c) => Date.parse(`${String(c.end_time).replace(' ', 'T')}Z`))
			.sort();
		expect(Number(saved.afterMs)).toBe(ends[2]);
		// The restart: static data as saved with the last emit, a fresh process.
		t.staticData().catchUp = structuredClone(saved);
		t.autoConfirm = true;
		await run(t, 'init', freshNodeType());
		await until(() => t.emitted.length - 8 + t.refused.length >= 9);
		await pause(100);
		const ran = new Set(t.emitted.map((e) => e.deduplicationKey));
		expect(ran.size).toBe(12);
		// The 5 emitted after the cursor's place are offered again; n8n has their keys.
		expect(t.refused).toHaveLength(5);
		expect(Number(catchUpData(t).afterMs)).toBeGreaterThanOrEqual(now);
	});

	test('a silent Vonage: the listing fails, nothing runs, the cursor stays and the next check retries', async () => {
		const t = await start();
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		addCall('completed', now - 100_000);
		standin.failNext(3, 503, { pathPrefix: '/v1/calls' });
		await run(t);
		await until(() => standin.state.faults.length === 0, 30_000);
		await pause(200);
		expect(t.emitted).toHaveLength(0);
		expect(Number(catchUpData(t).afterMs)).toBe(now - 600_000);
		await run(t, 'init', freshNodeType());
		await until(() => t.emitted.length === 1);
	}, 60_000);

	test('without the JWT credential, or with another application’s, nothing is listed and live events run as before', async () => {
		const t = await start({}, false);
		await run(t);
		await pause(200);
		expect(listRequests()).toHaveLength(0);
		await standin.deliverVoiceEvent(
			applicationId,
			standin.sampleVoiceEvent({ status: 'answered' }),
		);
		expect(t.executions).toHaveLength(1);
		expect(t.emitted).toHaveLength(0);
	});

	test('Final Statuses From the Catch-Up Only: where the trigger does not run, a live final status starts nothing and the catch-up runs it once', async () => {
		// webhook() without a running trigger in its process: a queue-mode webhook processor.
		const t = await start({ catchUpStatuses: 'finalFromCatchUp' });
		const answered = standin.sampleVoiceEvent({ status: 'answered', direction: 'inbound' });
		expect((await standin.deliverVoiceEvent(applicationId, answered)).status).toBe(200);
		expect(t.executions).toHaveLength(1);
		const completed = { ...answered, status: 'completed', timestamp: new Date().toISOString() };
		const delivery = await standin.deliverVoiceEvent(applicationId, completed);
		expect(delivery.status).toBe(200);
		expect(delivery.body).toContain('run by the catch-up');
		expect(t.executions).toHaveLength(1);
		// The catch-up (on the main) lists the ended call and runs its final status, with its key.
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		addCall('completed', now - 1000, { uuid: String(answered.uuid) });
		await run(t);
		await until(() => t.emitted.length === 1);
		await pause(100);
		expect(t.emitted).toHaveLength(1);
		expect(t.emitted[0].items[0].json).toMatchObject({
			uuid: answered.uuid,
			status: 'completed',
			source: 'catch-up',
		});
		expect(t.emitted[0].deduplicationKey).toMatch(
			new RegExp(`:${String(answered.uuid)}:completed$`),
		);
	});

	test('Final Statuses From the Catch-Up Only without the JWT credential: publication is refused, naming why', async () => {
		const t = await start({ catchUpStatuses: 'finalFromCatchUp' }, false);
		await expect(run(t, 'activate')).rejects.toThrow(
			/Final Statuses From the Catch-Up Only" needs the catch-up.*JWT credential/,
		);
	});

	test('Final Statuses Only: a call in progress is not caught up', async () => {
		const t = await start({ catchUpStatuses: 'final' });
		const now = Date.now();
		t.staticData().catchUp = { afterMs: now - 600_000, recent: {} };
		addCall('answered', now - 60_000);
		const ended = addCall('unanswered', now - 30_000);
		await run(t);
		await until(() => t.emitted.length === 1);
		await pause(100);
		expect(t.emitted.map((e) => e.items[0].json.uuid)).toEqual([ended]);
	});
});
