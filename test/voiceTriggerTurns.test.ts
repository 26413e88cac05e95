/**
 * Vonage Voice Trigger 4: a caller's turn (an input result, a notify, a failed synchronous
 * connect) comes out of Caller Turn, and Vonage gets the workflow's next NCCO, or the Default NCCO
 * when the workflow fails, gives no NCCO or is too slow.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { buildNcco } from '../nodes/VonageVoice/ncco/builder';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { setTimeout } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';
import { hostTrigger, type TriggerHarness } from './helpers/trigger';

let standin: Standin;
let trigger: TriggerHarness | undefined;
let applicationId: string;

const DEFAULT_NCCO = [
	{ action: 'talk', text: 'Sorry, something went wrong.' },
	{ action: 'input', type: ['dtmf'] },
];
const NEXT = [
	{ action: 'talk', text: 'Sales. Say what you need.' },
	{ action: 'input', type: ['speech'] },
];

beforeEach(async () => {
	standin = await startStandin();
	applicationId = standin.sandbox.applicationId;
	standin.state.applications.get(applicationId).capabilities = {
		voice: {
			signed_callbacks: true,
			webhooks: {
				answer_url: { address: 'https://example.com/answer', http_method: 'GET' },
				event_url: { address: 'https://example.com/event', http_method: 'POST' },
			},
		},
	};
});
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
	await standin.close();
});

function keySecret(): ICredentialDataDecryptedObject {
	return {
		...credentialsFor(standin).vonageKeySecretApi,
		signatureSecret: standin.sandbox.signatureSecret,
	};
}

/** A published version-4 trigger answering calls; the "workflow" answers with `lastNode`. */
async function start(
	lastNode: TriggerHarness['lastNodeAnswer'] = () => ({ body: NEXT }),
	typeVersion = 4,
	parameters: IDataObject = {},
) {
	trigger = await hostTrigger(
		new VonageVoiceTrigger(),
		{
			applicationId,
			answerCalls: true,
			defaultNccoSource: 'json',
			defaultNcco: JSON.stringify(DEFAULT_NCCO),
			...parameters,
		},
		{ vonageKeySecretApi: keySecret() },
		typeVersion,
	);
	trigger.lastNodeAnswer = lastNode;
	await trigger.activate();
	return trigger;
}

const hooks = () => standin.state.applications.get(applicationId).capabilities.voice.webhooks;
const eventUrl = () => String(hooks().event_url.address);
/** Where the trigger has the results of the actions it serves sent (the event URL's sibling). */
const turnUrl = () => eventUrl().replace(/voice-events$/, 'voice-turns');

/** Sends `event` to the turn URL (with `query`), signed as Vonage signs it. */
async function send(event: IDataObject, query = '', options: IDataObject = {}) {
	const plain = eventUrl();
	hooks().event_url.address = query ? `${turnUrl()}?${query}` : turnUrl();
	try {
		const delivered = await standin.deliverVoiceEvent(applicationId, event, options);
		let body: unknown = delivered.body;
		try {
			body = JSON.parse(delivered.body);
		} catch {
			/* left as text */
		}
		return { status: delivered.status, body };
	} finally {
		hooks().event_url.address = plain;
	}
}

const call = { uuid: 'aaaaaaaa-0000-4000-8000-000000000001', conversation_uuid: 'CON-1' };
const turnItems = (t: TriggerHarness) =>
	t.runs.map((run) => (run[2] ?? []).map((item: INodeExecutionData) => item.json));

/** Every input result shape of Vonage's input webhook. */
const INPUT_RESULTS: Record<string, IDataObject> = {
	dtmf: { dtmf: { digits: '1', timed_out: false }, speech: {} },
	'dtmf timed out': { dtmf: { digits: '', timed_out: true }, speech: {} },
	'speech with several results': {
		speech: {
			results: [
				{ text: 'billing', confidence: '0.92' },
				{ text: 'building', confidence: '0.41' },
			],
			timeout_reason: 'end_on_silence_timeout',
		},
		dtmf: { digits: null, timed_out: false },
	},
	'speech, no input': { speech: { timeout_reason: 'start_timeout' }, dtmf: {} },
	'speech error': { speech: { error: 'ERR1: Failed to analyze audio' }, dtmf: {} },
};

describe('Voice Trigger 4: a caller’s turn runs on Caller Turn and is answered with the next NCCO', () => {
	test.each(Object.entries(INPUT_RESULTS))(
		'input result (%s): the event as Vonage sent it, on Caller Turn only',
		async (_shape, result) => {
			const t = await start();
			const event = {
				...call,
				from: '14155550100',
				to: '14155550105',
				timestamp: '2026-12-07T10:00:00.000Z',
				...result,
			};
			const answer = await send(event);
			expect(answer.status).toBe(200);
			expect(t.runs).toHaveLength(1);
			expect(t.runs[0][0]).toEqual([]);
			expect(t.runs[0][1]).toEqual([]);
			expect(turnItems(t)).toEqual([[event]]);
			// The next input's results come back here, marked, so nobody pastes a URL.
			expect(answer.body).toEqual([NEXT[0], { ...NEXT[1], eventUrl: [`${turnUrl()}?turn=input`] }]);
		},
	);

	test('a notify (its payload as the body) and a failed synchronous connect are turns; a connect that was answered is a call event', async () => {
		const t = await start();
		const notify = await send({ step: 'menu', caller: 'vip' }, 'turn=notify');
		expect(notify).toEqual({ status: 200, body: expect.any(Array) });
		const unanswered = await send({ ...call, status: 'unanswered' }, 'turn=connect');
		expect(unanswered.status).toBe(200);
		expect(turnItems(t)).toEqual([
			[{ step: 'menu', caller: 'vip' }],
			[{ ...call, status: 'unanswered' }],
		]);
		const answered = await send({ ...call, status: 'answered' }, 'turn=connect');
		expect(answered.body).toEqual({ status: 'accepted' });
		expect(t.runs[2][0].map((item) => item.json)).toEqual([
			{ ...call, status: 'answered', source: 'webhook', eventKey: `${call.uuid}:answered` },
		]);
	});

	test('at the event URL, a status event and an input result from an NCCO it did not serve are call events, answered at once', async () => {
		const t = await start(() => {
			throw new Error('a call event must not wait for the workflow');
		});
		const completed = { ...call, status: 'completed', direction: 'inbound' };
		const answer = await standin.deliverVoiceEvent(applicationId, completed);
		expect(JSON.parse(answer.body)).toEqual({ status: 'accepted' });
		const input = { ...call, uuid: 'other-leg', ...INPUT_RESULTS.dtmf };
		const inputAnswer = await standin.deliverVoiceEvent(applicationId, input);
		expect(JSON.parse(inputAnswer.body)).toEqual({ status: 'accepted' });
		expect(t.runs.map((run) => run.map((output) => output.length))).toEqual([
			[1, 0, 0],
			[1, 0, 0],
		]);
	});

	test('the NCCO of an incoming call also gets the trigger’s URL in its input and notify actions', async () => {
		await start(() => ({
			body: [
				{ action: 'talk', text: 'Press 1 for sales' },
				{ action: 'notify', payload: { step: 'menu' } },
				{ action: 'input', type: ['dtmf'], eventUrl: ['https://example.com/mine'] },
				{ action: 'connect', eventType: 'synchronous', endpoint: [{ type: 'phone', number: '1' }] },
			],
		}));
		const answered = await standin.answerCall(applicationId);
		expect(answered.answeredBy).toBe('answer_url');
		expect(answered.ncco).toEqual([
			{ action: 'talk', text: 'Press 1 for sales' },
			{ action: 'notify', payload: { step: 'menu' }, eventUrl: [`${turnUrl()}?turn=notify`] },
			// An Event URL the user set is theirs.
			{ action: 'input', type: ['dtmf'], eventUrl: ['https://example.com/mine'] },
			{
				action: 'connect',
				eventType: 'synchronous',
				endpoint: [{ type: 'phone', number: '1' }],
				eventUrl: [`${turnUrl()}?turn=connect`],
			},
		]);
	});
});

describe('Voice Trigger 4: an input’s Step Name tells the workflow which question was answered', () => {
	const menu = (step: unknown, options: IDataObject = {}) => ({
		action: [
			{ type: 'talk', text: 'Press 1 for new orders' },
			{ type: 'input', inputTypes: ['dtmf'], inputOptions: { step, ...options } },
		],
	});

	test('NCCO → Build keeps the step for the trigger, which puts it in the URL, and the turn carries it', async () => {
		const built = buildNcco(menu('sales-menu'), 'Actions', { servedByTrigger: true });
		expect(built[1]).toEqual({ action: 'input', type: ['dtmf'], step: 'sales-menu' });
		const t = await start(() => ({ body: built }));
		const answered = await standin.answerCall(applicationId);
		// Vonage gets no "step" field, only the URL.
		expect((answered.ncco as IDataObject[])[1]).toEqual({
			action: 'input',
			type: ['dtmf'],
			eventUrl: [`${turnUrl()}?turn=input&step=sales-menu`],
		});
		await send({ ...call, ...INPUT_RESULTS.dtmf }, 'turn=input&step=sales-menu');
		const other = { ...call, uuid: 'other-leg' };
		await send({ ...other, ...INPUT_RESULTS.dtmf }, 'turn=input&step=%3Cscript%3E');
		expect(turnItems(t)).toEqual([
			[],
			[{ ...call, ...INPUT_RESULTS.dtmf, step: 'sales-menu' }],
			// A step that NCCO → Build could not have written is not passed on.
			[{ ...other, ...INPUT_RESULTS.dtmf }],
		]);
	});

	test.each([
		['where no trigger serves the NCCO', menu('main'), false, 'only NCCO → Build'],
		[
			'with an Event URL',
			menu('main', { eventUrl: 'https://example.com/x' }),
			true,
			'leave Event URL empty',
		],
		['with other characters', menu('main menu?'), true, 'expected letters, digits'],
	])('a Step Name %s is refused by name', (_case, value, servedByTrigger, message) => {
		expect(() => buildNcco(value, 'Actions', { servedByTrigger })).toThrow(
			expect.objectContaining({
				message: expect.stringContaining(
					`Actions → 2 (Input) → Input Options → Step Name: ${message}`,
				),
			}),
		);
	});
});

describe('Voice Trigger 4: the caller is never left in silence', () => {
	const input = { ...call, ...INPUT_RESULTS.dtmf };
	const served = [
		DEFAULT_NCCO[0],
		{ ...DEFAULT_NCCO[1], eventUrl: [expect.stringMatching(/voice-turns\?turn=input$/)] },
	];

	test('the workflow fails (n8n answers 500 "Error in workflow"): the Default NCCO, 200', async () => {
		await start(() => ({ code: 500, body: { message: 'Error in workflow' } }));
		expect(await send(input)).toEqual({ status: 200, body: served });
	});

	test.each([
		['an empty output', []],
		[
			'n8n’s "no data" message',
			{ message: 'Workflow executed successfully but no data was returned' },
		],
		['items that are not actions', [{ text: 'hello' }]],
		['text', 'not json'],
	])('the last node gives %s: the Default NCCO', async (_what, body) => {
		await start(() => ({ body }));
		expect(await send(input)).toEqual({ status: 200, body: served });
	});

	test('the workflow is slower than the event socket timeout: the Default NCCO a second before it, and the late answer goes nowhere', async () => {
		hooks().event_url.socket_timeout = 1800;
		const t = await start(() => ({ body: NEXT, afterMs: 2500 }));
		const started = Date.now();
		const answer = await send(input);
		const took = Date.now() - started;
		expect(answer).toEqual({ status: 200, body: served });
		expect(took).toBeGreaterThanOrEqual(750);
		expect(took).toBeLessThan(1500);
		// The late answer arrives after the response ended; the harness would record a thrown error.
		await new Promise((resolve) => setTimeout(resolve, 1900));
		expect(t.runs).toHaveLength(1);
	});

	test('a trigger tested alone (its own output is the last node’s) answers with the Default NCCO, not []', async () => {
		await start((run) => ({ body: run[0].map((item) => item.json) }));
		const answered = await standin.answerCall(applicationId);
		expect(answered).toMatchObject({
			answeredBy: 'answer_url',
			ncco: [DEFAULT_NCCO[0], expect.anything()],
		});
	});

	test('the fallback answer URL serves the Default NCCO with the trigger’s URL for its input', async () => {
		await start();
		const fallback = await fetch(String(hooks().fallback_answer_url.address), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(input),
		});
		expect(await fallback.json()).toEqual(served);
	});
});

describe('Voice Trigger 4: turns are checked like every other callback', () => {
	const input = { ...call, ...INPUT_RESULTS['speech with several results'] };

	test('unsigned, forged or tampered turns get 401 and run nothing', async () => {
		const t = await start();
		const refused = [
			await send(input, '', { tamper: { speech: { results: [{ text: 'transfer me' }] } } }),
			await send(input, '', { secret: 'not-the-secret' }),
			await fetch(eventUrl(), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(input),
			}).then((r) => ({ status: r.status })),
		];
		expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);
		expect(t.runs).toHaveLength(0);
	});

	test('a replayed turn is refused 409 (Vonage then asks the fallback) and runs once', async () => {
		const t = await start();
		hooks().event_url.address = `${turnUrl()}?turn=input`;
		const first = await standin.deliverVoiceEvent(applicationId, input);
		const replay = await fetch(`${turnUrl()}?turn=input`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: String(first.authorization) },
			body: JSON.stringify(input),
		});
		expect([first.status, replay.status]).toEqual([200, 409]);
		expect(t.runs).toHaveLength(1);
	});

	test('an oversized turn body is refused before anything runs', async () => {
		const t = await start();
		const huge = {
			...input,
			speech: { results: [{ text: 'x'.repeat(2_000_000), confidence: '1' }] },
		};
		const answer = await send(huge);
		expect(answer.status).toBe(413);
		expect(t.runs).toHaveLength(0);
	});

	test('a caller’s words cannot become NCCO actions or URLs: NCCO → Build keeps them as talk text', () => {
		const words =
			'[{"action":"connect","endpoint":[{"type":"phone","number":"19005550100"}]}] https://evil.example/x';
		const ncco = buildNcco(
			{
				action: [
					{ type: 'talk', text: words },
					{ type: 'input', inputTypes: ['speech'] },
				],
			},
			'Actions',
			{ servedByTrigger: true },
		);
		expect(ncco).toHaveLength(2);
		expect(ncco[0]).toEqual({ action: 'talk', text: words });
		expect(ncco[1].eventUrl).toBeUndefined();
	});
});

describe('Voice Trigger 3 keeps what its saved workflows expect', () => {
	test('an input result is a call event, answered at once', async () => {
		const t = await start(() => ({ body: NEXT }), 3);
		const answer = await send({ ...call, ...INPUT_RESULTS.dtmf });
		expect(answer.body).toEqual({ status: 'accepted' });
		// Call Event, Incoming Call.
		expect(t.runs[0].map((output) => output.length)).toEqual([1, 0]);
	});
});
