/**
 * Vonage Voice (Voice API v1) against the stand-in: every operation's method, path, query, body
 * and output; input refused before sending; retries that never act twice on a call.
 */
import type { IDataObject } from 'n8n-workflow';

import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { runNode } from '../scripts/harness/n8n';
import { credentialsFor, slept, startStandin, type Standin } from './helpers/standin';
import { hostTrigger } from './helpers/trigger';

let standin: Standin;

beforeEach(async () => {
	standin = await startStandin();
});
afterEach(async () => {
	await Promise.allSettled(standin.state.pendingDeliveries);
	await standin.close();
});

function voice(
	parameters: IDataObject,
	extra: { items?: IDataObject[]; continueOnFail?: boolean } = {},
) {
	return runNode(new VonageVoice(), {
		parameters,
		credentials: { vonageJwtApi: credentialsFor(standin).vonageJwtApi },
		...extra,
	});
}
const calls = () => standin.requests({ path: /^\/v1\/calls/ });
const last = () => calls()[calls().length - 1];

async function createCall(extra: IDataObject = {}): Promise<string> {
	const [item] = await voice({
		resource: 'call',
		operation: 'create',
		toNumber: '+1 415 555 0100',
		fromNumber: '14155550111',
		...extra,
	});
	return String(item.json.uuid);
}

describe('Call', () => {
	test('Create posts /v1/calls with the JWT and outputs the new call', async () => {
		const [item] = await voice({
			resource: 'call',
			operation: 'create',
			toNumber: '+1 415 555 0100',
			fromNumber: '14155550111',
			ncco: '[{"action":"talk","text":"Hi"}]',
			options: {
				eventUrl: 'https://example.com/events',
				eventMethod: 'POST',
				lengthTimer: 300,
				ringingTimer: 30,
				advancedMachineDetection: { behavior: 'hangup', mode: 'detect_beep', beepTimeout: 60 },
			},
		});
		expect(item.json).toMatchObject({
			uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
			status: 'started',
			direction: 'outbound',
			conversation_uuid: expect.stringMatching(/^CON-/),
		});
		expect(last()).toMatchObject({ method: 'POST', path: '/v1/calls', auth: 'jwt-bearer' });
		expect(last().body).toEqual({
			to: [{ type: 'phone', number: '14155550100' }],
			from: { type: 'phone', number: '14155550111' },
			ncco: [{ action: 'talk', text: 'Hi' }],
			event_url: ['https://example.com/events'],
			event_method: 'POST',
			advanced_machine_detection: { behavior: 'hangup', mode: 'detect_beep', beep_timeout: 60 },
			length_timer: 300,
			ringing_timer: 30,
		});
	});

	test.each([
		[
			{ toType: 'sip', toUri: 'sip:alice@example.com' },
			{ type: 'sip', uri: 'sip:alice@example.com' },
		],
		[
			{ toType: 'websocket', toUri: 'wss://example.com/socket' },
			{
				type: 'websocket',
				uri: 'wss://example.com/socket',
				'content-type': 'audio/l16;rate=16000',
			},
		],
		[
			{ toType: 'vbc', toExtension: '403' },
			{ type: 'vbc', extension: '403' },
		],
		[
			{ toType: 'app', toUser: 'alice' },
			{ type: 'app', user: 'alice' },
		],
	])(
		'Create to %p with an answer URL, from a random number, with plain machine detection',
		async (to, expected) => {
			await voice({
				resource: 'call',
				operation: 'create',
				...to,
				fromType: 'random',
				callControl: 'answerUrl',
				answerUrl: 'https://example.com/answer',
				answerMethod: 'POST',
				options: { machineDetection: 'hangup' },
			});
			expect(last().body).toEqual({
				to: [expected],
				random_from_number: true,
				answer_url: ['https://example.com/answer'],
				answer_method: 'POST',
				machine_detection: 'hangup',
			});
		},
	);

	test('Get reads /v1/calls/{uuid}', async () => {
		const uuid = await createCall();
		const [item] = await voice({ resource: 'call', operation: 'get', callUuid: uuid });
		expect(last()).toMatchObject({ method: 'GET', path: `/v1/calls/${uuid}` });
		expect(item.json).toMatchObject({
			uuid,
			status: 'answered',
			to: { type: 'phone', number: '14155550100' },
		});
	});

	test('List sends its filters and follows _links.next for Return All; Limit stops early', async () => {
		const uuids = [];
		for (let i = 0; i < 5; i++) uuids.push(await createCall());
		standin.state.requests.length = 0;
		const all = await voice({
			resource: 'call',
			operation: 'list',
			returnAll: true,
			filters: {
				status: 'answered',
				order: 'asc',
				dateStart: '2020-01-01T00:00:00.000Z',
				dateEnd: '2100-01-01T00:00:00.000Z',
			},
		});
		expect(all.map((i) => i.json.uuid)).toEqual(uuids);
		expect(calls()[0].query).toEqual({
			status: 'answered',
			order: 'asc',
			date_start: '2020-01-01T00:00:00Z',
			date_end: '2100-01-01T00:00:00Z',
			page_size: '100',
			record_index: '0',
		});
		const conversation = standin.state.v1Calls.get(uuids[2]).conversation_uuid;
		const one = await voice({
			resource: 'call',
			operation: 'list',
			returnAll: true,
			filters: { conversationUuid: conversation },
		});
		expect(one.map((i) => i.json.uuid)).toEqual([uuids[2]]);
		standin.state.requests.length = 0;
		const two = await voice({ resource: 'call', operation: 'list', returnAll: false, limit: 2 });
		expect(two).toHaveLength(2);
		expect(calls()).toHaveLength(1);
	});

	test('Return All pages through _links.next with record_index', async () => {
		const template = standin.state.v1Calls.get(await createCall());
		for (let i = 0; i < 229; i++) {
			const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
			standin.state.v1Calls.set(uuid, { ...template, uuid });
		}
		standin.state.requests.length = 0;
		const all = await voice({ resource: 'call', operation: 'list', returnAll: true });
		expect(all).toHaveLength(230);
		expect(new Set(all.map((item) => item.json.uuid)).size).toBe(230);
		expect(calls().map((request) => request.query.record_index)).toEqual(['0', '100', '200']);
	});

	test.each([
		['hangup', {}, 'completed'],
		['mute', {}, 'answered'],
		['unmute', {}, 'answered'],
		['earmuff', {}, 'answered'],
		['unearmuff', {}, 'answered'],
	])('Update %s sends {action} and outputs what was done', async (action, extra, status) => {
		const uuid = await createCall();
		const [item] = await voice({
			resource: 'call',
			operation: 'update',
			callUuid: uuid,
			action,
			...extra,
		});
		expect(last()).toMatchObject({ method: 'PUT', path: `/v1/calls/${uuid}`, body: { action } });
		expect(item.json).toEqual({ uuid, action });
		expect(standin.state.v1Calls.get(uuid).status).toBe(status);
	});

	test.each([
		[
			{ transferTo: 'ncco', transferNcco: '[{"action":"talk","text":"Bye"}]' },
			{ type: 'ncco', ncco: [{ action: 'talk', text: 'Bye' }] },
		],
		[
			{ transferTo: 'url', transferUrl: 'https://example.com/ncco' },
			{ type: 'ncco', url: ['https://example.com/ncco'] },
		],
	])('Update transfer %p sends the destination', async (fields, destination) => {
		const uuid = await createCall();
		const [item] = await voice({
			resource: 'call',
			operation: 'update',
			callUuid: uuid,
			action: 'transfer',
			...fields,
		});
		expect(last().body).toEqual({ action: 'transfer', destination });
		expect(item.json).toEqual({ uuid, action: 'transfer', destination });
	});
});

describe('Stream, Talk and DTMF', () => {
	test('Play audio and stop it', async () => {
		const uuid = await createCall();
		const [played] = await voice({
			resource: 'stream',
			operation: 'play',
			callUuid: uuid,
			streamUrl: 'https://example.com/music.mp3',
			options: { loop: 0, level: 0.4 },
		});
		expect(last()).toMatchObject({
			method: 'PUT',
			path: `/v1/calls/${uuid}/stream`,
			body: { stream_url: ['https://example.com/music.mp3'], loop: 0, level: 0.4 },
		});
		expect(played.json).toEqual({ message: 'Stream started', uuid });
		const [stopped] = await voice({ resource: 'stream', operation: 'stop', callUuid: uuid });
		expect(last()).toMatchObject({ method: 'DELETE', path: `/v1/calls/${uuid}/stream` });
		expect(stopped.json).toEqual({ message: 'Stream stopped', uuid });
	});

	test('Speak text and stop speaking', async () => {
		const uuid = await createCall();
		const [spoken] = await voice({
			resource: 'talk',
			operation: 'speak',
			callUuid: uuid,
			text: 'Hello there',
			options: { language: 'en-GB', style: 2, premium: true, loop: 2, level: -0.5 },
		});
		expect(last()).toMatchObject({
			method: 'PUT',
			path: `/v1/calls/${uuid}/talk`,
			body: {
				text: 'Hello there',
				language: 'en-GB',
				style: 2,
				premium: true,
				loop: 2,
				level: -0.5,
			},
		});
		expect(spoken.json).toEqual({ message: 'Talk started', uuid });
		const [stopped] = await voice({ resource: 'talk', operation: 'stop', callUuid: uuid });
		expect(last()).toMatchObject({ method: 'DELETE', path: `/v1/calls/${uuid}/talk` });
		expect(stopped.json).toEqual({ message: 'Talk stopped', uuid });
	});

	test('Send DTMF digits', async () => {
		const uuid = await createCall();
		const [sent] = await voice({
			resource: 'dtmf',
			operation: 'send',
			callUuid: uuid,
			digits: '12p34#*',
		});
		expect(last()).toMatchObject({
			method: 'PUT',
			path: `/v1/calls/${uuid}/dtmf`,
			body: { digits: '12p34#*' },
		});
		expect(sent.json).toEqual({ message: 'DTMF sent', uuid });
	});
});

describe('input is refused before anything is sent', () => {
	const uuid = '63f61863-4a51-4f6b-86e1-46edebcf9356';
	test.each([
		[
			{ resource: 'call', operation: 'get', callUuid: '../calls' },
			/Call UUID: expected a call UUID/,
		],
		[
			{
				resource: 'call',
				operation: 'update',
				callUuid: 'CON-63f61863-4a51-4f6b-86e1-46edebcf9356',
				action: 'hangup',
			},
			/Call UUID: expected a call UUID/,
		],
		[
			{ resource: 'call', operation: 'update', callUuid: uuid, action: 'explode' },
			/Action: expected one of earmuff, hangup/,
		],
		[
			{
				resource: 'call',
				operation: 'update',
				callUuid: uuid,
				action: 'transfer',
				transferTo: 'url',
				transferUrl: 'javascript:alert(1)',
			},
			/NCCO URL: expected an address starting with http:\/\//,
		],
		[
			{
				resource: 'call',
				operation: 'update',
				callUuid: uuid,
				action: 'transfer',
				transferTo: 'ncco',
				transferNcco: '{"action":"talk"}',
			},
			/NCCO \(JSON\): expected a non-empty JSON array/,
		],
		[
			{ resource: 'dtmf', operation: 'send', callUuid: uuid, digits: '12a' },
			/Digits: expected 1 to 100 of 0-9, \*, # and p/,
		],
		[{ resource: 'dtmf', operation: 'send', callUuid: uuid, digits: '' }, /Digits: expected/],
		[
			{ resource: 'stream', operation: 'play', callUuid: uuid, streamUrl: 'file:///etc/passwd' },
			/Audio URL: expected an address starting with http:\/\//,
		],
		[
			{
				resource: 'stream',
				operation: 'play',
				callUuid: uuid,
				streamUrl: 'https://x.example/a.mp3',
				options: { level: 2 },
			},
			/Options → Level: expected a number from -1 to 1, got 2/,
		],
		[
			{
				resource: 'stream',
				operation: 'play',
				callUuid: uuid,
				streamUrl: 'https://x.example/a.mp3',
				options: { loop: -1 },
			},
			/Options → Loop: expected a whole number from 0 to 1000/,
		],
		[
			{ resource: 'talk', operation: 'speak', callUuid: uuid, text: '' },
			/Text: expected 1 to 1500 characters, got none/,
		],
		[
			{ resource: 'talk', operation: 'speak', callUuid: uuid, text: 'x'.repeat(1501) },
			/Text: expected 1 to 1500 characters, got 1501/,
		],
		[
			{
				resource: 'talk',
				operation: 'speak',
				callUuid: uuid,
				text: 'hi',
				options: { language: 'english please' },
			},
			/Options → Language: expected a BCP-47 code/,
		],
		[
			{ resource: 'call', operation: 'create', toNumber: '12', fromNumber: '14155550111' },
			/To → Phone Number: expected a phone number/,
		],
		[
			{
				resource: 'call',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
				options: { advancedMachineDetection: { beepTimeout: 200 } },
			},
			/Beep Timeout: expected a whole number from 45 to 120/,
		],
	])('%p', async (parameters, message) => {
		await expect(voice(parameters)).rejects.toThrow(message);
		expect(calls()).toHaveLength(0);
	});

	test('with Continue On Fail the bad item carries its error and the others go on', async () => {
		const good = await createCall();
		standin.state.requests.length = 0;
		const out = await voice(
			{ resource: 'dtmf', operation: 'send', callUuid: '={{ $json.uuid }}', digits: '1' },
			{ items: [{ uuid: 'nope' }, { uuid: good }], continueOnFail: true },
		);
		expect(out.map((item) => item.json.error ?? item.json.message)).toEqual([
			expect.stringMatching(/Call UUID: expected/),
			'DTMF sent',
		]);
		expect(calls()).toHaveLength(1);
	});
});

describe('retries never act twice on a call', () => {
	test.each([
		[{ resource: 'call', operation: 'update', action: 'hangup' }],
		[
			{
				resource: 'call',
				operation: 'update',
				action: 'transfer',
				transferTo: 'url',
				transferUrl: 'https://example.com/ncco',
			},
		],
		[{ resource: 'talk', operation: 'speak', text: 'hi' }],
		[{ resource: 'talk', operation: 'stop' }],
		[{ resource: 'stream', operation: 'play', streamUrl: 'https://example.com/a.mp3' }],
		[{ resource: 'dtmf', operation: 'send', digits: '1' }],
	])('%p: a 503 is not retried; a 429 is, after Retry-After', async (parameters) => {
		const uuid = await createCall();
		standin.state.requests.length = 0;
		standin.failNext(1, 503, { pathPrefix: '/v1/calls/' });
		await expect(voice({ ...parameters, callUuid: uuid })).rejects.toThrow(
			/Service Unavailable|Internal Server Error|503/,
		);
		expect(calls()).toHaveLength(1);
		standin.failNext(1, 429, { pathPrefix: '/v1/calls/', retryAfter: 2 });
		await voice({ ...parameters, callUuid: uuid });
		expect(calls()).toHaveLength(3);
		expect(slept).toContain(2000);
	});

	test('Create (POST) is not retried after a 500; Get is', async () => {
		standin.failNext(1, 500, { pathPrefix: '/v1/calls' });
		await expect(createCall()).rejects.toThrow(/Internal Server Error/);
		expect(calls()).toHaveLength(1);
		const uuid = await createCall();
		standin.state.requests.length = 0;
		standin.failNext(1, 503, { pathPrefix: '/v1/calls/' });
		const [item] = await voice({ resource: 'call', operation: 'get', callUuid: uuid });
		expect(item.json.uuid).toBe(uuid);
		expect(calls()).toHaveLength(2);
	});

	test('a call that does not exist is a 404 naming it', async () => {
		await expect(
			voice({
				resource: 'call',
				operation: 'get',
				callUuid: '63f61863-4a51-4f6b-86e1-46edebcf9356',
			}),
		).rejects.toThrow(/Call 63f61863-4a51-4f6b-86e1-46edebcf9356 was not found/);
	});
});

test('the Voice trigger receives the events of a call the Voice node created', async () => {
	const app = standin.state.applications.get(standin.sandbox.applicationId);
	app.capabilities.voice.signed_callbacks = true;
	const trigger = await hostTrigger(
		new VonageVoiceTrigger(),
		{ applicationId: standin.sandbox.applicationId },
		{
			vonageKeySecretApi: {
				...credentialsFor(standin).vonageKeySecretApi,
				signatureSecret: standin.sandbox.signatureSecret,
			},
		},
	);
	try {
		await trigger.activate();
		const uuid = await createCall();
		await voice({ resource: 'call', operation: 'update', callUuid: uuid, action: 'hangup' });
		await Promise.all(standin.state.pendingDeliveries);
		expect(trigger.executions.map((items) => [items[0].json.uuid, items[0].json.status])).toEqual([
			[uuid, 'started'],
			[uuid, 'answered'],
			[uuid, 'completed'],
		]);
	} finally {
		await trigger.close();
	}
});
