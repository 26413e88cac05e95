/**
 * The sandbox as a caller (sandbox/caller.js): it runs a call's NCCO action by action with a
 * caller script, posts input results and notify payloads as Voice does (signed, with Voice's
 * timeouts, retries and fallback), and keeps a transcript a test can assert on.
 */
import { createHash, createHmac, createSign, randomUUID } from 'node:crypto';

import { http, setTimeout, type AddressInfo, type Server } from './helpers/node';
import { startStandin, type Standin } from './helpers/standin';

type Answer = { status?: number; body?: unknown; raw?: string; headers?: object } | 'hang';
interface Received {
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	body: string;
	json: Record<string, unknown>;
}

let standin: Standin;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** What the receiver answers, by path; the default answers 200 {}. */
let answer: (request: Received) => Answer;

const json = (body: unknown, status = 200): Answer => ({ status, body });

beforeEach(async () => {
	// Voice's webhook timeouts in tenths: the event socket timeout (10 s) is 1 s here.
	standin = await startStandin({ callerTimeScale: 0.1 });
	received.length = 0;
	answer = () => json({});
	receiver = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			let parsed: Record<string, unknown> = {};
			try {
				parsed = JSON.parse(body);
			} catch {
				/* a GET, or not JSON */
			}
			const request: Received = {
				method: req.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				authorization: req.headers.authorization,
				body,
				json: parsed,
			};
			received.push(request);
			const reply = answer(request);
			if (reply === 'hang') return;
			res.writeHead(reply.status ?? 200, {
				'content-type': 'application/json',
				...(reply.headers ?? {}),
			});
			res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
	pointApplication();
});
afterEach(async () => {
	await Promise.allSettled(standin.state.pendingDeliveries ?? []);
	await standin.close();
	receiver.closeAllConnections();
	await new Promise((resolve) => receiver.close(resolve));
});

/** The sandbox application's voice webhooks at the receiver, signed. */
function pointApplication(extra: Record<string, unknown> = {}) {
	standin.state.applications.get(standin.sandbox.applicationId).capabilities.voice = {
		signed_callbacks: true,
		webhooks: {
			answer_url: { address: `${base}/answer`, http_method: 'POST' },
			event_url: { address: `${base}/event`, http_method: 'POST' },
			fallback_answer_url: { address: `${base}/fallback`, http_method: 'POST' },
			...extra,
		},
	};
}

async function control(method: string, path: string, body?: object) {
	const response = await fetch(`${standin.url}/_standin${path}`, {
		method,
		...(body
			? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
			: {}),
	});
	return { status: response.status, body: await response.json() };
}

/** Rings the application with a caller script and waits for the call to end. */
async function ring(ncco: object[], caller: object[], call: object = {}) {
	const previous = answer;
	answer = (request) => (request.path === '/answer' ? json(ncco) : previous(request));
	const { status, body } = await control('POST', '/voice-answer', {
		applicationId: standin.sandbox.applicationId,
		call,
		caller,
		wait: true,
	});
	expect(status).toBe(200);
	return body;
}

const events = () => received.filter((r) => r.path !== '/answer');
const menu = [
	{ action: 'talk', text: 'Welcome. Press 1 for sales.' },
	{ action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1 } },
];

describe('a caller script through a voice menu', () => {
	test('pressed 1, heard the sales menu, said billing, was connected to 14155550123', async () => {
		answer = ({ json: event }) => {
			const dtmf = event.dtmf as { digits: string | null };
			const speech = event.speech as { results?: Array<{ text: string }> };
			if (dtmf?.digits === '1')
				return json([
					{ action: 'talk', text: 'Sales. Say billing or support.' },
					{ action: 'input', type: ['speech'], speech: { context: ['billing', 'support'] } },
				]);
			if (speech?.results?.[0]?.text === 'billing')
				return json([
					{ action: 'talk', text: 'Connecting you to billing.' },
					{ action: 'connect', endpoint: [{ type: 'phone', number: '14155550123' }] },
					{ action: 'talk', text: 'never heard: connect ends the script' },
				]);
			return json({});
		};
		const call = await ring(menu, [{ press: '1' }, { say: 'billing' }], { from: '14155550111' });
		expect(call.lines).toEqual([
			'heard: Welcome. Press 1 for sales.',
			'pressed 1',
			'heard: Sales. Say billing or support.',
			'said: billing',
			'heard: Connecting you to billing.',
			'connected to 14155550123',
			'call ended: connected to 14155550123',
		]);
		expect(call.transcript.map((entry: { type: string }) => entry.type)).toEqual([
			'talk',
			'press',
			'talk',
			'say',
			'talk',
			'connect',
			'end',
		]);
		expect(call).toMatchObject({ callStatus: 'completed', answeredBy: 'answer_url', status: 200 });

		// Vonage's input results: the call's ids and numbers, the DTMF and speech parts.
		const [pressed, said] = events();
		expect(pressed.json).toEqual({
			speech: { error: 'Speech was not enabled' },
			dtmf: { digits: '1', timed_out: false },
			from: '14155550111',
			to: '14155550105',
			uuid: call.uuid,
			conversation_uuid: call.conversation_uuid,
			timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
		});
		expect(said.json).toMatchObject({
			speech: {
				timeout_reason: 'end_on_silence_timeout',
				results: [{ text: 'billing', confidence: '0.9' }],
			},
			dtmf: { digits: null, timed_out: false },
			uuid: call.uuid,
		});
		// Signed as the application's other callbacks: HS256 with the account's signature secret,
		// payload_hash the SHA-256 of the body.
		const token = String(pressed.authorization).replace(/^Bearer /, '');
		const [head, claims, signature] = token.split('.');
		expect(
			createHmac('sha256', standin.sandbox.signatureSecret)
				.update(`${head}.${claims}`)
				.digest('base64url'),
		).toBe(signature);
		expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toMatchObject({
			application_id: standin.sandbox.applicationId,
			payload_hash: createHash('sha256').update(pressed.body).digest('hex'),
		});
	});

	test('the transcript is readable from the control API and /_standin/state', async () => {
		answer = ({ path }) => (path === '/answer' ? json(menu) : json({}));
		const rang = await control('POST', '/voice-answer', {
			applicationId: standin.sandbox.applicationId,
			caller: [{ press: '2' }],
		});
		expect(rang.body).toMatchObject({
			uuid: expect.any(String),
			transcriptUrl: `/_standin/calls/${rang.body.uuid}/transcript`,
			answeredBy: 'answer_url',
		});
		const waited = await control('POST', `/calls/${rang.body.uuid}/wait`, {});
		expect(waited.body.status).toBe('completed');
		const read = await control('GET', `/calls/${rang.body.uuid}/transcript`);
		expect(read.body).toMatchObject({
			uuid: rang.body.uuid,
			direction: 'inbound',
			status: 'completed',
			scriptLeft: 0,
		});
		const state = await control('GET', '/state');
		expect(state.body.callerCalls.map((c: { uuid: string }) => c.uuid)).toContain(rang.body.uuid);
		expect((await control('GET', '/calls/nope/transcript')).status).toBe(404);
	});

	test('a caller script that is not one is refused with a 400 that says why', async () => {
		for (const caller of [
			{ press: '1' },
			[{ press: 'x' }],
			[{ say: '' }],
			[{ press: '1', say: 'a' }],
		])
			expect((await control('POST', '/voice-answer', { caller })).body.error).toMatch(/caller/);
		expect((await control('POST', '/caller-scripts', { caller: [{ dance: true }] })).status).toBe(
			400,
		);
	});

	test('without a caller script voice-answer behaves as before: no run, no transcript', async () => {
		answer = ({ path }) => (path === '/answer' ? json(menu) : json({}));
		const { body } = await control('POST', '/voice-answer', {
			applicationId: standin.sandbox.applicationId,
		});
		expect(body.uuid).toBeUndefined();
		expect(events()).toEqual([]);
	});
});

describe('input results', () => {
	const inputOnce = async (input: object, step: object) => {
		await ring([{ action: 'input', ...input }], [step]);
		return events()[0].json;
	};

	test('DTMF: maxDigits, submitOnHash and the timeout', async () => {
		const dtmf = (settings: object) => ({ type: ['dtmf'], dtmf: settings });
		expect((await inputOnce(dtmf({ maxDigits: 4 }), { press: '123456' })).dtmf).toEqual({
			digits: '1234',
			timed_out: false,
		});
		received.length = 0;
		expect(
			(await inputOnce(dtmf({ maxDigits: 4, submitOnHash: true }), { press: '12#9' })).dtmf,
		).toEqual({ digits: '12', timed_out: false });
		received.length = 0;
		// Fewer keys than maxDigits and no submitting #: Vonage sends them after timeOut.
		expect((await inputOnce(dtmf({}), { press: '12' })).dtmf).toEqual({
			digits: '12',
			timed_out: true,
		});
	});

	test('speech: several results with falling confidences (strings), and another timeout reason', async () => {
		const event = await inputOnce(
			{ type: ['speech'] },
			{ say: 'sales', alternatives: ['sails', 'sale'], confidence: 0.94 },
		);
		expect(event.speech).toEqual({
			timeout_reason: 'end_on_silence_timeout',
			results: [
				{ text: 'sales', confidence: '0.94' },
				{ text: 'sails', confidence: '0.84' },
				{ text: 'sale', confidence: '0.74' },
			],
		});
		received.length = 0;
		const long = await inputOnce(
			{ type: ['speech'] },
			{ say: 'a long story', timeoutReason: 'max_duration' },
		);
		expect((long.speech as { timeout_reason: string }).timeout_reason).toBe('max_duration');
	});

	test('both types: keys override speech', async () => {
		const event = await inputOnce(
			{ type: ['dtmf', 'speech'], dtmf: { maxDigits: 1 } },
			{ press: '3' },
		);
		expect(event).toMatchObject({
			dtmf: { digits: '3', timed_out: false },
			speech: { error: 'Speech overridden by DTMF' },
		});
	});

	test('silence: no input, each type times out', async () => {
		const event = await inputOnce({ type: ['dtmf', 'speech'] }, { silence: true });
		expect(event).toMatchObject({
			dtmf: { digits: '', timed_out: true },
			speech: { timeout_reason: 'start_timeout', results: [] },
		});
		const call = standin.state.callerCalls.values().next().value;
		expect(call.transcript[0]).toMatchObject({ type: 'silence' });
	});

	test('keys at a speech-only input go unheard: the input times out', async () => {
		const event = await inputOnce({ type: ['speech'] }, { press: '1' });
		expect(event).toMatchObject({
			dtmf: { digits: null, timed_out: false },
			speech: { timeout_reason: 'start_timeout', results: [] },
		});
	});

	test('an error result: the recogniser makes nothing of what was said', async () => {
		const event = await inputOnce({ type: ['speech'] }, { mumble: true });
		expect(event.speech).toEqual({ results: [], error: 'ERR1: Failed to analyze audio' });
	});

	test("the input's eventUrl and eventMethod: GET carries the result in the query", async () => {
		await ring(
			[{ action: 'input', type: ['dtmf'], eventUrl: [`${base}/menu?step=2`], eventMethod: 'GET' }],
			[{ press: '9' }],
		);
		const [event] = events();
		expect(event).toMatchObject({ method: 'GET', path: '/menu', body: '' });
		expect(event.query.step).toBe('2');
		expect(JSON.parse(event.query.dtmf)).toEqual({ digits: '9', timed_out: true });
		expect(event.authorization).toMatch(/^Bearer /);
	});

	test('when the script runs out, the caller hangs up at the next input', async () => {
		const call = await ring([...menu, { action: 'talk', text: 'not reached' }], []);
		expect(call.lines).toEqual([
			'heard: Welcome. Press 1 for sales.',
			'hung up',
			'call ended: caller hung up',
		]);
		expect(events()).toEqual([]);
	});
});

describe('the other actions', () => {
	test('stream is heard, record makes a recording and sends its event, conversation ends the script', async () => {
		const call = await ring(
			[
				{ action: 'stream', streamUrl: ['https://example.com/hold.mp3'] },
				{ action: 'record', eventUrl: [`${base}/recordings`] },
				{ action: 'conversation', name: 'support-room' },
				{ action: 'talk', text: 'not reached' },
			],
			[],
		);
		expect(call.lines).toEqual([
			'heard audio: https://example.com/hold.mp3',
			`was recorded (${call.recordings[0].recording})`,
			'joined conversation support-room',
			'call ended: joined conversation support-room',
		]);
		await Promise.allSettled(standin.state.pendingDeliveries);
		expect(events().map((e) => [e.path, e.json.recording_uuid])).toEqual([
			['/recordings', call.recordings[0].recording],
		]);
	});

	test('notify posts its payload; an empty answer continues the NCCO, an NCCO replaces it', async () => {
		answer = ({ json: payload }) =>
			payload.step === 'two' ? json([{ action: 'talk', text: 'replaced' }]) : json({});
		const call = await ring(
			[
				{ action: 'notify', payload: { step: 'one' }, eventUrl: [`${base}/progress`] },
				{ action: 'talk', text: 'after one' },
				{ action: 'notify', payload: { step: 'two' }, eventUrl: [`${base}/progress`] },
				{ action: 'talk', text: 'not reached: replaced' },
			],
			[],
		);
		expect(events().map((e) => [e.path, e.json])).toEqual([
			['/progress', { step: 'one' }],
			['/progress', { step: 'two' }],
		]);
		expect(call.lines).toEqual([
			'heard: after one',
			'heard: replaced',
			'call ended: the NCCO ran out',
		]);
	});

	test('an NCCO that answers itself forever is ended after 200 actions', async () => {
		answer = () => json([{ action: 'notify', payload: {}, eventUrl: [`${base}/loop`] }]);
		const call = await ring([{ action: 'notify', payload: {}, eventUrl: [`${base}/loop`] }], []);
		expect(call.ended).toBe('sandbox: more than 200 actions');
		expect(events()).toHaveLength(200);
	});
});

describe("Vonage's timeouts, retries and fallback for input and notify events", () => {
	const attempts = (call: { webhooks: Array<Record<string, unknown>> }) =>
		call.webhooks.map((w) => [w.target, w.status ?? w.error]);

	test('503 is tried twice, then the fallback twice (504), then the flow continues', async () => {
		answer = ({ path }) => (path === '/event' ? json({}, 503) : json({}, 504));
		const call = await ring([...menu, { action: 'talk', text: 'still here' }], [{ press: '1' }]);
		expect(attempts(call)).toEqual([
			['eventUrl', 503],
			['eventUrl', 503],
			['fallback_answer_url', 504],
			['fallback_answer_url', 504],
		]);
		expect(call.lines.slice(-2)).toEqual(['heard: still here', 'call ended: the NCCO ran out']);
		// The fallback gets the same data, with why and what failed.
		const fallback = events().find((e) => e.path === '/fallback');
		expect(fallback?.json).toMatchObject({
			dtmf: { digits: '1', timed_out: false },
			uuid: call.uuid,
			reason: 'HTTP 503',
			original_request: { url: `${base}/event`, type: 'event' },
		});
		expect(fallback?.authorization).toMatch(/^Bearer /);
	});

	test('another HTTP error (the workflow failed: 500) goes to the fallback at once, whose NCCO is played', async () => {
		answer = ({ path }) =>
			path === '/event'
				? json({ message: 'Error in workflow' }, 500)
				: json([{ action: 'talk', text: 'Sorry.' }]);
		const call = await ring([...menu, { action: 'talk', text: 'replaced' }], [{ press: '1' }]);
		expect(attempts(call)).toEqual([
			['eventUrl', 500],
			['fallback_answer_url', 200],
		]);
		expect(call.lines.slice(-2)).toEqual(['heard: Sorry.', 'call ended: the NCCO ran out']);
	});

	test('an event URL that never answers: the socket timeout, twice, then the fallback', async () => {
		pointApplication({
			event_url: { address: `${base}/event`, http_method: 'POST', socket_timeout: 2000 },
		});
		answer = ({ path }) =>
			path === '/event' ? 'hang' : json([{ action: 'talk', text: 'fallback' }]);
		const started = Date.now();
		const call = await ring(menu, [{ press: '1' }]);
		expect(attempts(call)).toEqual([
			['eventUrl', 'socket timeout'],
			['eventUrl', 'socket timeout'],
			['fallback_answer_url', 200],
		]);
		// 2000 ms scaled by 0.1 for the test, twice.
		expect(call.webhooks[0].ms).toBeGreaterThanOrEqual(190);
		expect(call.webhooks[0].ms).toBeLessThan(1000);
		expect(Date.now() - started).toBeLessThan(3000);
		expect(call.lines).toContain('heard: fallback');
	});

	test('nobody listens: a connection error, twice, and no fallback: the flow continues', async () => {
		pointApplication({ event_url: { address: 'http://127.0.0.1:1/event', http_method: 'POST' } });
		const apps = standin.state.applications.get(standin.sandbox.applicationId);
		delete apps.capabilities.voice.webhooks.fallback_answer_url;
		const call = await ring([...menu, { action: 'talk', text: 'continued' }], [{ press: '1' }]);
		expect(attempts(call)).toEqual([
			['eventUrl', 'connection error'],
			['eventUrl', 'connection error'],
		]);
		expect(call.lines).toContain('heard: continued');
	});

	test('answers that are not an NCCO: an object, an array of non-actions, HTML: the flow continues', async () => {
		for (const raw of ['{"status":"accepted"}', '[{"foo":1}]', '<html>hi</html>', '']) {
			received.length = 0;
			answer = ({ path }) => (path === '/event' ? { raw } : json({}));
			const call = await ring([...menu, { action: 'talk', text: 'continued' }], [{ press: '1' }]);
			expect(attempts(call)).toEqual([['eventUrl', 200]]);
			expect(call.webhooks[0].answer).toBe(raw.startsWith('[') ? 'invalid NCCO' : 'not an NCCO');
			expect(call.lines).toContain('heard: continued');
		}
	});

	test('an empty NCCO replaces the rest with nothing: the call ends', async () => {
		answer = ({ path }) => (path === '/event' ? json([]) : json({}));
		const call = await ring([...menu, { action: 'talk', text: 'not reached' }], [{ press: '1' }]);
		expect(call.lines).toEqual([
			'heard: Welcome. Press 1 for sales.',
			'pressed 1',
			'call ended: the NCCO ran out',
		]);
	});

	test('a huge answer (over 1 MiB) fails at once and goes to the fallback', async () => {
		const huge = JSON.stringify([{ action: 'talk', text: 'x'.repeat(2 * 1024 * 1024) }]);
		answer = ({ path }) =>
			path === '/event' ? { raw: huge } : json([{ action: 'talk', text: 'small' }]);
		const call = await ring(menu, [{ press: '1' }]);
		expect(attempts(call)).toEqual([
			['eventUrl', 'answer too large'],
			['fallback_answer_url', 200],
		]);
		expect(call.lines).toContain('heard: small');
	});

	test('a redirect is not followed: an HTTP error, then the fallback', async () => {
		answer = ({ path }) =>
			path === '/event'
				? { status: 302, headers: { location: `${base}/elsewhere` }, raw: '' }
				: json([{ action: 'talk', text: 'fallback' }]);
		const call = await ring(menu, [{ press: '1' }]);
		expect(attempts(call)).toEqual([
			['eventUrl', 302],
			['fallback_answer_url', 200],
		]);
		expect(received.map((r) => r.path)).not.toContain('/elsewhere');
	});
});

describe('outbound v1 calls with a queued caller script', () => {
	/** An application JWT for the sandbox application, as the Voice node mints one. */
	function jwt() {
		const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
			application_id: standin.sandbox.applicationId,
			iat: Math.floor(Date.now() / 1000),
			jti: randomUUID(),
		})}`;
		const signature = createSign('RSA-SHA256').update(signed).sign(standin.sandbox.privateKey);
		return `${signed}.${signature.toString('base64url')}`;
	}
	const createCall = async (body: object) => {
		const response = await fetch(`${standin.url}/v1/calls`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt()}` },
			body: JSON.stringify({
				to: [{ type: 'phone', number: '14155550100' }],
				from: { type: 'phone', number: '14155550105' },
				...body,
			}),
		});
		expect(response.status).toBe(201);
		return (await response.json()) as { uuid: string };
	};

	test('an NCCO call runs with the script queued for its number, and completes when it ends', async () => {
		expect(
			(await control('POST', '/caller-scripts', { to: '14155550100', caller: [{ press: '1' }] }))
				.body,
		).toEqual({ queued: 1 });
		answer = ({ json: event }) =>
			event.dtmf ? json([{ action: 'talk', text: 'You pressed one.' }]) : json({});
		const { uuid } = await createCall({ ncco: menu, event_url: [`${base}/call-events`] });
		const call = (await control('POST', `/calls/${uuid}/wait`, {})).body;
		expect(call).toMatchObject({ direction: 'outbound', to: '14155550100' });
		expect(call.lines).toEqual([
			'heard: Welcome. Press 1 for sales.',
			'pressed 1',
			'heard: You pressed one.',
			'call ended: the NCCO ran out',
		]);
		// The input result went to the call's own event URL, as its status events do.
		await Promise.allSettled(standin.state.pendingDeliveries);
		const statuses = received
			.filter((r) => r.path === '/call-events' && r.json.status)
			.map((r) => r.json.status);
		expect(statuses).toEqual(['started', 'answered', 'completed']);
		expect(received.some((r) => r.path === '/call-events' && r.json.dtmf)).toBe(true);
		expect(standin.state.v1Calls.get(uuid).status).toBe('completed');
	});

	test("an answer_url call fetches its NCCO (GET, the call's parameters) and runs it", async () => {
		await control('POST', '/caller-scripts', { caller: [{ say: 'hello' }] });
		answer = ({ path }) =>
			path === '/outbound-answer'
				? json([
						{ action: 'talk', text: 'Say something.' },
						{ action: 'input', type: ['speech'] },
					])
				: json({});
		const { uuid } = await createCall({ answer_url: [`${base}/outbound-answer`] });
		const call = (await control('POST', `/calls/${uuid}/wait`, {})).body;
		expect(call.lines).toEqual([
			'heard: Say something.',
			'said: hello',
			'call ended: the NCCO ran out',
		]);
		const fetched = received.find((r) => r.path === '/outbound-answer');
		expect(fetched).toMatchObject({ method: 'GET', query: { uuid, to: '14155550100' } });
	});

	test('hung up through the API while an input waits for its answer: no retry, no fallback', async () => {
		await control('POST', '/caller-scripts', { caller: [{ press: '1' }] });
		answer = ({ json: event }) => (event.dtmf ? 'hang' : json({}));
		const { uuid } = await createCall({ ncco: menu, event_url: [`${base}/call-events`] });
		await new Promise<void>((resolve) => {
			const poll = () =>
				received.some((r) => r.json.dtmf) ? resolve() : void setTimeout(poll, 20);
			poll();
		});
		const hangup = await fetch(`${standin.url}/v1/calls/${uuid}`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt()}` },
			body: JSON.stringify({ action: 'hangup' }),
		});
		expect(hangup.status).toBe(204);
		const call = (await control('POST', `/calls/${uuid}/wait`, {})).body;
		expect(call.ended).toBe('hung up through the API');
		expect(call.webhooks.map((w: { target: string }) => w.target)).toEqual(['eventUrl']);
	});

	test('without a queued script, a v1 call runs as before', async () => {
		const { uuid } = await createCall({ ncco: menu });
		expect((await control('GET', `/calls/${uuid}/transcript`)).status).toBe(404);
	});
});
