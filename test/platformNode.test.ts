import type { IDataObject } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { runNode } from '../scripts/harness/n8n';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';

let standin: Standin;
beforeEach(async () => {
	standin = await startStandin();
});
afterEach(() => standin.close());

function platform(
	parameters: IDataObject,
	extra: { items?: IDataObject[]; continueOnFail?: boolean } = {},
) {
	const all = credentialsFor(standin);
	return runNode(new VonagePlatform(), {
		parameters,
		credentials: { vonageKeySecretApi: all.vonageKeySecretApi, vonageJwtApi: all.vonageJwtApi },
		...extra,
	});
}

const apiRequests = () => standin.requests({ path: /^\/v[12]\// });
const last = () => apiRequests()[apiRequests().length - 1];

describe('Applications (Basic auth)', () => {
	test('Create with capabilities field by field; the private key is output once', async () => {
		const [item] = await platform({
			resource: 'application',
			operation: 'create',
			name: 'My app',
			capability_voice: {
				answer_url: 'https://example.com/answer',
				answer_url__connect_timeout: 500,
				event_url: 'https://example.com/event',
				event_url__socket_timeout: 10000,
				region: 'eu-west',
				leg_persistence_time: 7,
			},
			capability_messages: { inbound_url: 'https://example.com/in', version: 'v1' },
			capability_video: {
				archive_status: 'https://example.com/v',
				archive_status__active: false,
				storage__cloud_storage: true,
			},
			additionalFields: { vbc: true, improveAi: false },
		});
		expect(last()).toMatchObject({ method: 'POST', path: '/v2/applications', auth: 'basic' });
		expect(last().body).toEqual({
			name: 'My app',
			capabilities: {
				voice: {
					webhooks: {
						answer_url: { address: 'https://example.com/answer', connect_timeout: 500 },
						event_url: { address: 'https://example.com/event', socket_timeout: 10000 },
					},
					region: 'eu-west',
					leg_persistence_time: 7,
				},
				messages: {
					webhooks: { inbound_url: { address: 'https://example.com/in', http_method: 'POST' } },
					version: 'v1',
				},
				video: {
					webhooks: { archive_status: { address: 'https://example.com/v', active: false } },
					storage: { cloud_storage: true },
				},
				vbc: {},
			},
			privacy: { improve_ai: false },
		});
		expect(item.json.id).toEqual(expect.any(String));
		expect(String((item.json.keys as IDataObject).private_key)).toContain('BEGIN PRIVATE KEY');
	});

	test('Create in JSON mode sends the object as given', async () => {
		const capabilities = {
			rtc: { webhooks: { event_url: { address: 'https://example.com/rtc', http_method: 'POST' } } },
		};
		await platform({
			resource: 'application',
			operation: 'create',
			name: 'json',
			capabilitiesInput: 'json',
			capabilitiesJson: JSON.stringify(capabilities),
		});
		expect(last().body).toEqual({ name: 'json', capabilities });
	});

	test('Update changes one webhook and every other capability survives', async () => {
		const [created] = await platform({
			resource: 'application',
			operation: 'create',
			name: 'keep me',
			capability_voice: {
				answer_url: 'https://example.com/answer',
				event_url: 'https://example.com/event',
				region: 'na-east',
			},
			capability_rtc: { event_url: 'https://example.com/rtc' },
			capability_messages: {
				inbound_url: 'https://example.com/in',
				status_url: 'https://example.com/status',
			},
			additionalFields: { vbc: true },
		});
		const before = standin.state.applications.get(created.json.id);
		const untouched = JSON.parse(JSON.stringify(before.capabilities));

		const [updated] = await platform({
			resource: 'application',
			operation: 'update',
			applicationId: created.json.id,
			capability_voice: { event_url: 'https://example.com/new-event' },
		});
		const requests = apiRequests().slice(-2);
		expect(requests.map((r) => [r.method, r.path])).toEqual([
			['GET', `/v2/applications/${created.json.id}`],
			['PUT', `/v2/applications/${created.json.id}`],
		]);
		const capabilities = updated.json.capabilities as IDataObject;
		expect(capabilities).toEqual({
			...untouched,
			voice: {
				...untouched.voice,
				webhooks: {
					...untouched.voice.webhooks,
					event_url: {
						...untouched.voice.webhooks.event_url,
						address: 'https://example.com/new-event',
					},
				},
			},
		});
		expect(updated.json.name).toBe('keep me');
	});

	test('List pages through page/page_size; Get and Delete', async () => {
		const seeded = standin.state.applications.size;
		for (let i = 0; i < 150; i++) {
			standin.state.applications.set(`app-${i}`, {
				id: `app-${i}`,
				name: `a${i}`,
				capabilities: {},
				keys: { public_key: 'x' },
			});
		}
		const all = await platform({ resource: 'application', operation: 'list', returnAll: true });
		expect(all).toHaveLength(seeded + 150);
		expect(new Set(all.map((i) => i.json.id)).size).toBe(seeded + 150);
		expect(apiRequests().map((r) => r.query)).toEqual([
			{ page: '1', page_size: '100' },
			{ page: '2', page_size: '100' },
		]);
		const limited = await platform({ resource: 'application', operation: 'list', limit: 5 });
		expect(limited).toHaveLength(5);
		expect(last().query).toEqual({ page: '1', page_size: '5' });

		const [got] = await platform({
			resource: 'application',
			operation: 'get',
			applicationId: 'app-3',
		});
		expect(got.json.name).toBe('a3');
		const [deleted] = await platform({
			resource: 'application',
			operation: 'delete',
			applicationId: 'app-3',
		});
		expect(deleted.json).toEqual({ deleted: true, id: 'app-3' });
		expect(last()).toMatchObject({
			method: 'DELETE',
			path: '/v2/applications/app-3',
			auth: 'basic',
		});
	});

	test.each([
		[
			{ capability_voice: { answer_url__connect_timeout: 200 } },
			/Voice → Answer URL: Connect Timeout: expected a whole number from 300 to 1000 ms, got 200/,
		],
		[
			{ capability_voice: { answer_url__socket_timeout: 6000 } },
			/Voice → Answer URL: Socket Timeout: expected a whole number from 1000 to 5000/,
		],
		[
			{ capability_voice: { event_url__socket_timeout: 10001 } },
			/Voice → Event URL: Socket Timeout: expected a whole number from 1000 to 10000/,
		],
		[
			{ capability_voice: { conversations_ttl: 9001 } },
			/Voice → Conversations TTL \(Hours\): expected a whole number from 1 to 9000/,
		],
		[
			{ capability_voice: { leg_persistence_time: 0 } },
			/Voice → Leg Persistence Time \(Days\): expected a whole number from 1 to 31/,
		],
		[{ capability_voice: { region: 'mars-1' } }, /Voice → Region: expected one of na-east/],
		[
			{ capability_rtc: { event_url: 'not a url' } },
			/RTC → Event URL: expected an address starting with http:\/\//,
		],
		[
			{ capabilitiesInput: 'json', capabilitiesJson: '{"voice": {"region": "moon"}}' },
			/capabilities.voice.region: expected one of/,
		],
		[
			{ capabilitiesInput: 'json', capabilitiesJson: '{"vbc": {"x": 1}}' },
			/capabilities.vbc: expected an empty object/,
		],
		[
			{ capabilitiesInput: 'json', capabilitiesJson: '{oops' },
			/Capabilities \(JSON\): not valid JSON/,
		],
		[
			{
				capabilitiesInput: 'json',
				capabilitiesJson:
					'{"messages": {"webhooks": {"inbound_url": {"address": "javascript:alert(1)"}}}}',
			},
			/capabilities.messages.webhooks.inbound_url.address: expected an address starting with http:\/\//,
		],
		[
			{ capabilitiesInput: 'json', capabilitiesJson: '{"voice": "on"}' },
			/capabilities.voice: expected an object, got "on"/,
		],
		[
			{
				capabilitiesInput: 'json',
				capabilitiesJson: '{"rtc": {"webhooks": {"event_url": {"address": "file:///etc/passwd"}}}}',
			},
			/capabilities.rtc.webhooks.event_url.address/,
		],
	])('bound violation %p is refused before any request', async (fields, message) => {
		await expect(
			platform({ resource: 'application', operation: 'create', name: 'x', ...fields }),
		).rejects.toThrow(message);
		expect(apiRequests()).toHaveLength(0);
	});

	test('the API’s own 400 names the invalid parameter', async () => {
		standin.failNext(1, 400, {
			body: {
				type: 'x',
				title: 'Bad Request',
				detail: 'The request failed due to validation errors',
				invalid_parameters: [{ name: 'name', reason: 'is required' }],
			},
		});
		await expect(
			platform({ resource: 'application', operation: 'get', applicationId: 'a' }),
		).rejects.toThrow(
			'Vonage: Bad Request — The request failed due to validation errors — name: is required',
		);
	});
});

test('Update Application never sends both connection_timeout (as read) and connect_timeout', async () => {
	const [created] = await platform({
		resource: 'application',
		operation: 'create',
		name: 'legacy',
		capability_voice: { event_url: 'https://example.com/e' },
	});
	const stored = standin.state.applications.get(created.json.id);
	stored.capabilities.voice.webhooks.event_url.connection_timeout = 700;
	await platform({
		resource: 'application',
		operation: 'update',
		applicationId: created.json.id,
		capability_voice: { event_url__connect_timeout: 900 },
	});
	await platform({
		resource: 'application',
		operation: 'update',
		applicationId: created.json.id,
		capability_voice: { event_url: 'https://example.com/e2' },
	});
	const puts = apiRequests().filter((r) => r.method === 'PUT');
	const sent = puts.map((r) => r.body.capabilities.voice.webhooks.event_url);
	expect(sent[0]).toMatchObject({ connect_timeout: 900 });
	expect(sent.every((hook) => hook.connection_timeout === undefined)).toBe(true);
});

describe('Users (JWT)', () => {
	test('Create, Get, Update (PATCH), Delete with a Bearer JWT', async () => {
		const [created] = await platform({
			resource: 'user',
			operation: 'create',
			name: 'alice',
			additionalFields: { displayName: 'Alice', customData: '{"team":"blue"}', ttl: 600 },
			channels: {
				pstn: [{ number: 14155550100 }],
				websocket: [
					{ uri: 'wss://example.com/s', contentType: 'audio/l16;rate=8000', headers: '{"a":"b"}' },
				],
			},
		});
		expect(last()).toMatchObject({ method: 'POST', path: '/v1/users', auth: 'jwt-bearer' });
		expect(last().body).toEqual({
			name: 'alice',
			display_name: 'Alice',
			properties: { custom_data: { team: 'blue' }, ttl: 600 },
			channels: {
				pstn: [{ number: 14155550100 }],
				websocket: [
					{
						uri: 'wss://example.com/s',
						'content-type': 'audio/l16;rate=8000',
						headers: { a: 'b' },
					},
				],
			},
		});
		const id = created.json.id as string;
		expect(id).toMatch(/^USR-/);

		const [got] = await platform({ resource: 'user', operation: 'get', userId: id });
		expect(got.json).toMatchObject({ id, name: 'alice', display_name: 'Alice' });

		// PATCH /v1/users does not declare properties: the panel offers only what it takes, and says so.
		const description = new VonagePlatform().description.properties;
		const updateFields = description.find((p) => p.name === 'updateFields');
		expect((updateFields?.options as unknown as IDataObject[]).map((o) => o.name).sort()).toEqual([
			'displayName',
			'imageUrl',
			'name',
		]);
		expect(description.find((p) => p.name === 'updateNotice')?.displayName).toMatch(
			/does not change them/,
		);
		const [patched] = await platform({
			resource: 'user',
			operation: 'update',
			userId: id,
			updateFields: { displayName: 'Alice B.' },
		});
		expect(last()).toMatchObject({
			method: 'PATCH',
			path: `/v1/users/${id}`,
			body: { display_name: 'Alice B.' },
		});
		expect(patched.json).toMatchObject({
			display_name: 'Alice B.',
			properties: { custom_data: { team: 'blue' }, ttl: 600 },
		});

		await platform({ resource: 'user', operation: 'delete', userId: id });
		expect(last()).toMatchObject({ method: 'DELETE', path: `/v1/users/${id}`, auth: 'jwt-bearer' });
		expect(standin.state.users.size).toBe(0);
	});

	test('Return All over 1,000 users follows _links.next to the end: none twice, none missing', async () => {
		for (let i = 0; i < 1000; i++) {
			const id = `USR-${String(i).padStart(4, '0')}`;
			standin.state.users.set(id, {
				id,
				name: `u${i}`,
				display_name: `u${i}`,
				properties: {},
				channels: {},
			});
		}
		const out = await platform({
			resource: 'user',
			operation: 'list',
			returnAll: true,
			filters: { order: 'desc' },
		});
		const ids = out.map((i) => i.json.id);
		expect(ids).toHaveLength(1000);
		expect(new Set(ids).size).toBe(1000);
		expect(ids[0]).toBe('USR-0999');
		expect(apiRequests()).toHaveLength(10);
		expect(apiRequests()[1].query.cursor).toEqual(expect.any(String));
	});

	test('Limit stops early', async () => {
		for (let i = 0; i < 30; i++)
			standin.state.users.set(`USR-${i}`, { id: `USR-${i}`, name: `u${i}` });
		const out = await platform({ resource: 'user', operation: 'list', limit: 7 });
		expect(out).toHaveLength(7);
		expect(apiRequests()).toHaveLength(1);
	});

	test('one JWT is signed for 100 items', async () => {
		const items = Array.from({ length: 100 }, (_, i) => ({ name: `bulk${i}` }));
		const out = await platform(
			{ resource: 'user', operation: 'create', name: '={{ $json.name }}' },
			{ items },
		);
		expect(out).toHaveLength(100);
		expect(standin.state.counters.jwtVerified).toBe(100);
		// Each JWT carries a random jti: one distinct token at the stand-in means one signature.
		expect(standin.state.counters.distinctJwts).toBe(1);
	});

	test('a name with spaces is refused before sending', async () => {
		await expect(
			platform({ resource: 'user', operation: 'create', name: 'two words' }),
		).rejects.toThrow(/Name: expected 1 to 255 characters without spaces/);
		expect(apiRequests()).toHaveLength(0);
	});
});

describe('Voice v2 (JWT)', () => {
	test('Create with an NCCO to a phone from a number', async () => {
		const [item] = await platform({
			resource: 'voiceCall',
			operation: 'create',
			toNumber: '+1 415 555 0100',
			fromNumber: '14155550111',
			ncco: '[{"action":"talk","text":"hi"}]',
			options: {
				eventUrl: 'https://example.com/e',
				lengthTimer: 60,
				ringingTimer: 20,
				machineDetection: 'hangup',
				dtmfAnswer: 'p*1#',
			},
		});
		expect(last()).toMatchObject({ method: 'POST', path: '/v2/calls', auth: 'jwt-bearer' });
		expect(last().body).toEqual({
			to: [{ type: 'phone', number: '14155550100', dtmfAnswer: 'p*1#' }],
			from: { type: 'phone', number: '14155550111' },
			ncco: [{ action: 'talk', text: 'hi' }],
			event_url: ['https://example.com/e'],
			machine_detection: 'hangup',
			length_timer: 60,
			ringing_timer: 20,
		});
		expect(item.json).toEqual({
			accepted: true,
			to: [{ type: 'phone', number: '14155550100', dtmfAnswer: 'p*1#' }],
			from: { type: 'phone', number: '14155550111' },
		});
	});

	test.each([
		[
			{ toType: 'sip', toUri: 'sip:bob@example.com' },
			{ type: 'sip', uri: 'sip:bob@example.com' },
		],
		[
			{ toType: 'websocket', toUri: 'wss://example.com/ws' },
			{ type: 'websocket', uri: 'wss://example.com/ws', 'content-type': 'audio/l16;rate=16000' },
		],
		[
			{ toType: 'vbc', toExtension: '403' },
			{ type: 'vbc', extension: '403' },
		],
		[
			{ toType: 'app', toUser: 'alice' },
			{ type: 'app', user: 'alice' },
		],
	])('Create with an answer URL to %p from a random number', async (to, expected) => {
		await platform({
			resource: 'voiceCall',
			operation: 'create',
			...to,
			fromType: 'random',
			callControl: 'answerUrl',
			answerUrl: 'https://example.com/answer',
			answerMethod: 'POST',
		});
		expect(last().body).toEqual({
			to: [expected],
			random_from_number: true,
			answer_url: ['https://example.com/answer'],
			answer_method: 'POST',
		});
	});

	test.each([
		['{not json', /NCCO \(JSON\): not valid JSON/],
		['{"action":"talk"}', /NCCO \(JSON\): expected a non-empty JSON array/],
		['[]', /NCCO \(JSON\): expected a non-empty JSON array/],
		['[{"text":"no action"}]', /NCCO \(JSON\): item 0 is not an object with an "action" string/],
		[
			JSON.stringify([{ action: 'talk', text: 'x'.repeat(200_000) }]),
			/NCCO \(JSON\): \d+ bytes; at most 102400 are accepted/,
		],
		[
			JSON.stringify(Array.from({ length: 101 }, () => ({ action: 'talk', text: 'hi' }))),
			/NCCO \(JSON\): 101 actions; at most 100/,
		],
	])('a bad NCCO %p is refused before any request', async (ncco, message) => {
		await expect(
			platform({
				resource: 'voiceCall',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
				ncco,
			}),
		).rejects.toThrow(message);
		expect(apiRequests()).toHaveLength(0);
	});

	test.each([
		[
			{ options: { lengthTimer: 7201 } },
			/Options → Length Timer: expected a whole number from 1 to 7200/,
		],
		[
			{ options: { ringingTimer: 0 } },
			/Options → Ringing Timer: expected a whole number from 1 to 120/,
		],
		[{ toNumber: '12' }, /To → Phone Number: expected a phone number/],
		[
			{ toType: 'sip', toUri: 'https://x' },
			/To → SIP URI: expected an address starting with sip: or sips:, got "https:\/\/x"/,
		],
	])('bound violation %p is refused before any request', async (fields, message) => {
		await expect(
			platform({
				resource: 'voiceCall',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
				...fields,
			}),
		).rejects.toThrow(message);
		expect(apiRequests()).toHaveLength(0);
	});

	test('a 500 on create is not retried: the call might have been placed', async () => {
		standin.failNext(1, 500, { pathPrefix: '/v2/calls' });
		await expect(
			platform({
				resource: 'voiceCall',
				operation: 'create',
				toNumber: '14155550100',
				fromNumber: '14155550111',
			}),
		).rejects.toThrow(/Internal Server Error/);
		expect(standin.requests({ path: '/v2/calls' })).toHaveLength(1);
	});
});
