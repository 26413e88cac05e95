import type { IDataObject, INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { runNode, workflowWith } from '../scripts/harness/n8n';
import { credentialsFor, slept, startStandin, type Standin } from './helpers/standin';

const VIS = '/t/vbc.prod/vis/v1';
let standin: Standin;

beforeEach(async () => {
	standin = await startStandin();
});
afterEach(async () => {
	await standin.close();
});

function vis(
	parameters: IDataObject,
	extra: { items?: IDataObject[]; continueOnFail?: boolean } = {},
) {
	return runNode(new VonageVis(), {
		parameters,
		credentials: { vonageVisPasswordApi: credentialsFor(standin).vonageVisPasswordApi },
		...extra,
	});
}

/** The requests the node made to VIS (the token endpoint excluded). */
function visRequests() {
	return standin.requests({ path: /^\/t\/vbc\.prod/ });
}

function lastRequest() {
	const all = visRequests();
	return all[all.length - 1];
}

describe('VIS node: every operation against the stand-in', () => {
	test('User → Get reads /self with the password-grant token', async () => {
		const [item] = await vis({ resource: 'user', operation: 'get' });
		expect(item.json).toMatchObject({ id: 522078, accountId: 257073 });
		expect(lastRequest()).toMatchObject({ method: 'GET', path: `${VIS}/self`, auth: 'vis-bearer' });
		const [tokenRequest] = standin.requests({ path: '/token' });
		expect(tokenRequest.body).toMatchObject({
			grant_type: 'password',
			scope: 'openid',
			username: 'sandbox.user@vbc.prod',
		});
	});

	test('Account → Get', async () => {
		const [item] = await vis({ resource: 'account', operation: 'get' });
		expect(item.json).toMatchObject({ id: 257073, name: 'Sandbox' });
		expect(lastRequest()).toMatchObject({ method: 'GET', path: `${VIS}/self/account` });
	});

	test('Call → Place strips formatting from the number and outputs the call, not an array', async () => {
		const out = await vis({ resource: 'call', operation: 'place', phoneNumber: '+1 415-555-0100' });
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({
			phoneNumber: '+14155550100',
			state: 'RINGING',
			direction: 'OUTBOUND',
		});
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(lastRequest()).toMatchObject({
			method: 'POST',
			path: `${VIS}/self/calls`,
			body: { phoneNumber: '+14155550100' },
		});
	});

	test('Call → List sends filters comma-separated with dates as epoch ms', async () => {
		standin.makeCall('14155550101', 'INBOUND', 'RINGING');
		standin.makeCall('14155550102', 'OUTBOUND', 'ACTIVE');
		standin.makeCall('14155550103', 'OUTBOUND', 'HELD');
		const out = await vis({
			resource: 'call',
			operation: 'list',
			returnAll: true,
			filters: {
				direction: ['OUTBOUND'],
				states: ['ACTIVE', 'HELD'],
				fromDate: '2020-01-01T00:00:00.000Z',
				toDate: '2100-01-01T00:00:00.000Z',
				order: 'DESC',
			},
		});
		expect(out.map((i) => i.json.phoneNumber)).toEqual(['14155550103', '14155550102']);
		expect(lastRequest().query).toEqual({
			direction: 'OUTBOUND',
			states: 'ACTIVE,HELD',
			fromDate: String(Date.parse('2020-01-01T00:00:00.000Z')),
			toDate: String(Date.parse('2100-01-01T00:00:00.000Z')),
			order: 'DESC',
			offset: '1',
			size: '100',
		});
	});

	test('Call → Count', async () => {
		standin.makeCall('14155550101', 'INBOUND', 'RINGING');
		const [item] = await vis({
			resource: 'call',
			operation: 'count',
			filters: { states: ['RINGING'] },
		});
		expect(item.json).toEqual({ count: 1 });
		expect(lastRequest()).toMatchObject({
			method: 'GET',
			path: `${VIS}/self/calls/count`,
			query: { states: 'RINGING' },
		});
	});

	test.each([
		['get', 'GET', '', 'RINGING'],
		['end', 'DELETE', '', 'CANCELLED'],
		['answer', 'PUT', '/answer', 'ACTIVE'],
		['hold', 'PUT', '/hold', 'HELD'],
		['unhold', 'DELETE', '/hold', 'ACTIVE'],
		['voicemail', 'PUT', '/vmtransfer', 'REJECTED'],
	])(
		'Call → %s sends %s /self/calls/{id}%s and outputs one call',
		async (operation, method, suffix, state) => {
			const call = standin.makeCall('14155550101', 'INBOUND', 'RINGING');
			const out = await vis({ resource: 'call', operation, callId: String(call.id) });
			expect(out).toHaveLength(1);
			expect(out[0].json).toMatchObject({ id: call.id, state });
			expect(lastRequest()).toMatchObject({
				method,
				path: `${VIS}/self/calls/${call.id}${suffix}`,
				body: undefined,
			});
		},
	);

	test('Call → Transfer posts the validated number', async () => {
		const call = standin.makeCall('14155550101', 'INBOUND', 'ACTIVE');
		const [item] = await vis({
			resource: 'call',
			operation: 'transfer',
			callId: String(call.id),
			phoneNumber: '(415) 555 0199',
		});
		expect(item.json).toMatchObject({ id: call.id, state: 'DETACHED' });
		expect(lastRequest()).toMatchObject({
			method: 'POST',
			path: `${VIS}/self/calls/${call.id}/transfer`,
			body: { phoneNumber: '4155550199' },
		});
	});

	test('Event → List, Count and Get', async () => {
		standin.seedEvents(30);
		const listed = await vis({
			resource: 'event',
			operation: 'list',
			limit: 5,
			filters: { states: ['ANSWERED', 'MISSED'] },
		});
		expect(listed).toHaveLength(5);
		expect(listed.every((i) => ['ANSWERED', 'MISSED'].includes(i.json.state as string))).toBe(true);
		expect(lastRequest().query).toMatchObject({
			types: 'CALL',
			states: 'ANSWERED,MISSED',
			offset: '1',
			size: '5',
		});

		const [counted] = await vis({
			resource: 'event',
			operation: 'count',
			filters: { direction: ['INBOUND'] },
		});
		expect(counted.json).toEqual({ count: 15 });
		expect(lastRequest()).toMatchObject({
			path: `${VIS}/self/events/count`,
			query: { direction: 'INBOUND' },
		});

		const id = String(listed[0].json.id);
		const got = await vis({ resource: 'event', operation: 'get', eventId: id });
		expect(got).toHaveLength(1);
		expect(got[0].json.id).toBe(listed[0].json.id);
		expect(lastRequest()).toMatchObject({ method: 'GET', path: `${VIS}/self/events/${id}` });
	});

	test('Webhook → Create, List, Get, Renew, Delete; the signing key is masked unless asked for', async () => {
		const [created] = await vis({
			resource: 'webhook',
			operation: 'create',
			url: 'https://example.com/hook',
			signingAlgo: 'HMAC_SHA256',
			signingKey: 'dummy-signing-key-0123',
			metadataPolicy: 'HEADER',
		});
		expect(lastRequest()).toMatchObject({
			method: 'POST',
			path: `${VIS}/self/webhooks`,
			body: {
				url: 'https://example.com/hook',
				events: ['CALL'],
				signingAlgo: 'HMAC_SHA256',
				signingKey: 'dummy-signing-key-0123',
				metadataPolicy: 'HEADER',
			},
		});
		expect(created.json.signingKey).toBe('**hidden**');
		expect(JSON.stringify(created.json)).not.toContain('dummy-signing-key-0123');
		const id = created.json.id as string;

		const listed = await vis({ resource: 'webhook', operation: 'list' });
		expect(listed.map((i) => i.json.id)).toEqual([id]);
		expect(listed[0].json.signingKey).toBe('**hidden**');

		const [shown] = await vis({
			resource: 'webhook',
			operation: 'get',
			webhookId: id,
			showSigningKey: true,
		});
		expect(shown.json.signingKey).toBe('dummy-signing-key-0123');
		expect(lastRequest()).toMatchObject({ method: 'GET', path: `${VIS}/self/webhooks/${id}` });

		const [renewed] = await vis({ resource: 'webhook', operation: 'renew', webhookId: id });
		expect(renewed.json.renewedAt).toEqual(expect.any(String));
		expect(lastRequest()).toMatchObject({
			method: 'PUT',
			path: `${VIS}/self/webhooks/${id}/renew`,
		});

		const [deleted] = await vis({ resource: 'webhook', operation: 'delete', webhookId: id });
		expect(deleted.json).toEqual({ deleted: true, id });
		expect(lastRequest()).toMatchObject({ method: 'DELETE', path: `${VIS}/self/webhooks/${id}` });
		expect(standin.state.webhooks.size).toBe(0);
	});
});

describe('VIS node: input is checked before anything is sent', () => {
	test.each([['12345'], ['+1 415 555 0100 999 999'], ['call me'], ['']])(
		'Place refuses phone number %p',
		async (phoneNumber) => {
			await expect(vis({ resource: 'call', operation: 'place', phoneNumber })).rejects.toThrow(
				/Phone Number: expected a phone number of 7 to 15 digits/,
			);
			expect(standin.requests({ method: 'POST' })).toHaveLength(0);
		},
	);

	test('bad input reaches n8n as a NodeOperationError on its item, with the field and its hint', async () => {
		const items = [{ phoneNumber: '14155550100' }, { phoneNumber: '12345' }];
		const error = await vis(
			{ resource: 'call', operation: 'place', phoneNumber: '={{ $json.phoneNumber }}' },
			{ items },
		).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Phone Number: expected a phone number of 7 to 15 digits with an optional leading +, got "12345"',
		);
		expect(error.description).toBe('Spaces, dashes, dots and brackets are allowed and removed.');
		expect(error.context.itemIndex).toBe(1);
	});

	test('an id that tries to climb the path is refused or escaped', async () => {
		await expect(vis({ resource: 'call', operation: 'get', callId: '..' })).rejects.toThrow(
			/Call ID: expected a non-empty ID, got "\.\."/,
		);
		await expect(vis({ resource: 'call', operation: 'get', callId: '../account' })).rejects.toThrow(
			/Call \.\.\/account not found/,
		);
		expect(lastRequest().path).toBe(`${VIS}/self/calls/..%2Faccount`);
	});

	test('a date that is not a date names the filter', async () => {
		await expect(
			vis({ resource: 'event', operation: 'list', filters: { fromDate: 'yesterday-ish' } }),
		).rejects.toThrow(/Filters → Started After: expected a date and time/);
		expect(visRequests()).toHaveLength(0);
	});

	test('webhook create refuses a non-http URL and a missing signing key', async () => {
		await expect(
			vis({ resource: 'webhook', operation: 'create', url: 'ftp://x', signingKey: 'k' }),
		).rejects.toThrow(/URL: expected an address starting with http:\/\/ or https:\/\//);
		await expect(
			vis({ resource: 'webhook', operation: 'create', url: 'https://x.example' }),
		).rejects.toThrow(/Signing Key: expected at least 16 characters/);
		await expect(
			vis({ resource: 'webhook', operation: 'create', url: 'https://x.example', signingKey: 'a' }),
		).rejects.toThrow(/Signing Key: expected at least 16 characters .*got 1$/);
		expect(visRequests()).toHaveLength(0);
	});

	test('with Continue On Fail the bad item carries its error and the others are placed', async () => {
		const out = await vis(
			{ resource: 'call', operation: 'place', phoneNumber: '={{ $json.number }}' },
			{
				items: [{ number: '14155550100' }, { number: 'nope' }, { number: '14155550102' }],
				continueOnFail: true,
			},
		);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.phoneNumber).toBe('14155550100');
		expect(out[1].json.error).toMatch(/Phone Number: expected a phone number/);
		expect(out[2].json.phoneNumber).toBe('14155550102');
		expect(standin.requests({ method: 'POST', path: `${VIS}/self/calls` })).toHaveLength(2);
	});
});

describe('VIS node: errors and retries', () => {
	test('401 with a wrong password is a clear sign-in error without the password', async () => {
		const credentials = {
			...credentialsFor(standin).vonageVisPasswordApi,
			password: 'dummy-wrong-password-123',
		};
		const error = await runNode(new VonageVis(), {
			parameters: { resource: 'user', operation: 'get' },
			credentials: { vonageVisPasswordApi: credentials },
		}).catch((e) => e);
		expect(error.message).toMatch(
			/VIS sign-in failed \(password grant\): Authentication failed for user/,
		);
		expect(
			JSON.stringify({ ...error, message: error.message, description: error.description }),
		).not.toContain('dummy-wrong-password-123');
		expect(visRequests()).toHaveLength(0);
	});

	test('a token VIS rejects (401) is replaced once and the request succeeds', async () => {
		await vis({ resource: 'user', operation: 'get' });
		for (const key of standin.state.accessTokens.keys()) standin.state.accessTokens.set(key, 0);
		const [item] = await vis({ resource: 'account', operation: 'get' });
		expect(item.json.id).toBe(257073);
		expect(standin.state.counters.refreshGrants).toBe(1);
	});

	test('404 carries the VIS message', async () => {
		await expect(vis({ resource: 'call', operation: 'get', callId: '999' })).rejects.toThrow(
			'Vonage: Call 999 not found',
		);
	});

	test('422 names the fields from errors[]', async () => {
		standin.failNext(1, 422, {
			body: {
				errorCode: 'VALIDATION_ERROR',
				errorMessage: 'Request validation failed',
				errors: [{ field: 'states', message: 'unknown state' }],
			},
		});
		const error = await vis({ resource: 'call', operation: 'count' }).catch((e) => e);
		expect(error.message).toBe('Vonage: Request validation failed — states: unknown state');
		expect(error.httpCode).toBe('422');
	});

	test('429 on a read is retried after Retry-After, then succeeds', async () => {
		slept.length = 0;
		standin.failNext(1, 429, { retryAfter: 2, pathPrefix: VIS });
		const [item] = await vis({ resource: 'account', operation: 'get' });
		expect(item.json.id).toBe(257073);
		expect(slept).toEqual([2000]);
		expect(standin.requests({ path: `${VIS}/self/account` })).toHaveLength(2);
	});

	test('500 on Place Call is not retried: the call might have been placed', async () => {
		standin.failNext(1, 500, { pathPrefix: VIS });
		await expect(
			vis({ resource: 'call', operation: 'place', phoneNumber: '14155550100' }),
		).rejects.toThrow(/Internal server error/);
		expect(standin.requests({ method: 'POST', path: `${VIS}/self/calls` })).toHaveLength(1);
	});

	test('retries stop after three tries', async () => {
		standin.failNext(5, 503, { pathPrefix: VIS });
		await expect(vis({ resource: 'account', operation: 'get' })).rejects.toThrow(
			/Internal server error/,
		);
		expect(standin.requests({ path: `${VIS}/self/account` })).toHaveLength(3);
	});
});

describe('VIS node: tokens and pagination', () => {
	test('one token serves every item of an execution and the next execution', async () => {
		await vis(
			{ resource: 'user', operation: 'get' },
			{ items: Array.from({ length: 20 }, () => ({})) },
		);
		await vis({ resource: 'account', operation: 'get' });
		expect(standin.requests({ path: '/token' })).toHaveLength(1);
		expect(standin.state.counters.passwordGrants).toBe(1);
	});

	test('Return All over 1,000 events: every event once, in order', async () => {
		standin.seedEvents(1000);
		const out = await vis({ resource: 'event', operation: 'list', returnAll: true });
		const ids = out.map((i) => i.json.id as number);
		expect(ids).toHaveLength(1000);
		expect(new Set(ids).size).toBe(1000);
		expect(ids).toEqual(standin.state.events.map((e: IDataObject) => e.id));
		expect(visRequests().map((r) => r.query.offset)).toEqual([
			'1',
			'2',
			'3',
			'4',
			'5',
			'6',
			'7',
			'8',
			'9',
			'10',
			'11',
		]);
	});

	test('Limit stops without fetching extra pages and keeps the page size constant', async () => {
		standin.seedEvents(1000);
		const out = await vis({ resource: 'event', operation: 'list', limit: 250 });
		expect(out).toHaveLength(250);
		expect(out.map((i) => i.json.id)).toEqual(
			standin.state.events.slice(0, 250).map((e: IDataObject) => e.id),
		);
		expect(visRequests().map((r) => [r.query.offset, r.query.size])).toEqual([
			['1', '100'],
			['2', '100'],
			['3', '100'],
		]);
	});
});

describe('VIS node: contract details', () => {
	test('Call → List and Count without States ask for every state of a call still going on, not the API default', async () => {
		await vis({ resource: 'call', operation: 'list' });
		expect(lastRequest().query).toMatchObject({
			states: 'INITIALIZING,RINGING,ACTIVE,HELD,REMOTE_HELD',
		});
		await vis({ resource: 'call', operation: 'count' });
		expect(lastRequest().query).toMatchObject({
			states: 'INITIALIZING,RINGING,ACTIVE,HELD,REMOTE_HELD',
		});
		await vis({ resource: 'call', operation: 'list', filters: { states: ['HELD'] } });
		expect(lastRequest().query).toMatchObject({ states: 'HELD' });
	});

	test('Event → Count offers only the states its endpoint accepts', () => {
		const filters = new VonageVis().description.properties.find(
			(p) =>
				p.name === 'filters' &&
				p.displayOptions?.show?.resource?.includes('event') &&
				p.displayOptions?.show?.operation?.includes('count'),
		);
		const states = (filters?.options as INodeProperties[]).find((o) => o.name === 'states');
		expect((states?.options as INodePropertyOptions[]).map((o) => o.value)).toEqual([
			'INITIALIZING',
			'RINGING',
			'ACTIVE',
			'HELD',
			'REMOTE_HELD',
		]);
	});

	test('the Signing Key never reaches an error n8n reports', async () => {
		const error = await vis({
			resource: 'webhook',
			operation: 'create',
			url: 'ftp://x',
			signingKey: 'super-secret-signing-key',
		}).catch((e) => e);
		expect(error.message).toMatch(/URL: expected/);
		expect(JSON.stringify(error.node)).not.toContain('super-secret-signing-key');
	});
});

/** The node's subtitle for exactly these parameter values (no defaults), by n8n's expression engine. */
function subtitleFor(nodeType: INodeType, parameter: IDataObject): unknown {
	const expression = String(nodeType.description.subtitle);
	expect(expression).toMatch(/^=\{\{ .* \}\}$/);
	const { workflow, node } = workflowWith(nodeType, parameter, []);
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', {
		$parameter: parameter,
	});
}

describe('node picker and panels', () => {
	test.each([[new VonageVis()], [new VonagePlatform()], [new VonageVoice()]])(
		'%s: the subtitle names the action ("Place a call"), and every operation has a description',
		(node) => {
			let operations = 0;
			for (const selector of node.description.properties.filter((p) => p.name === 'operation')) {
				const [resource] = selector.displayOptions?.show?.resource as string[];
				for (const option of selector.options as Array<{
					name: string;
					value: string;
					description?: string;
					action?: string;
				}>) {
					operations++;
					expect(option.description).toBeTruthy();
					expect(subtitleFor(node, { resource, operation: option.value })).toBe(option.action);
				}
			}
			expect(operations).toBeGreaterThanOrEqual(9);
		},
	);

	test("the Voice node's subtitle names an Update's action, and the operation when none is chosen", () => {
		expect(
			subtitleFor(new VonageVoice(), { resource: 'call', operation: 'update', action: 'hangup' }),
		).toBe('Hang up a call');
		expect(
			subtitleFor(new VonageVoice(), { resource: 'call', operation: 'update', action: '' }),
		).toBe('Update a call');
		expect(
			subtitleFor(new VonageVoice(), { resource: 'talk', operation: 'speak', action: 'hangup' }),
		).toBe('Speak text into a call');
	});

	test('each picker entry describes itself', () => {
		expect(new VonageVis().description.description).not.toMatch(/^Starts/);
		expect(new VonagePlatform().description.description).not.toMatch(/^Starts/);
		// n8n merges each pair into one picker entry with the trigger's description: it names both, and
		// whose calls they are, so that a user can tell which pair fits.
		expect(new VonageVisTrigger().description.description).toMatch(
			/^Control the calls of a VBC user’s own line .* and start workflows on that line’s call events/,
		);
		expect(new VonageVoiceTrigger().description.description).toMatch(
			/^Place and control the calls of a Vonage API application .* and start workflows on its call events/,
		);
		expect(new VonageVis().description.description).toMatch(
			/^Control the calls of a VBC user’s own line/,
		);
		expect(new VonageVoice().description.description).toMatch(
			/^Place and control the calls of a Vonage API application/,
		);
		expect(new VonagePlatform().description.description).toMatch(
			/place calls for an application .* For a VBC user’s own line, use Vonage VIS/,
		);
	});
});
