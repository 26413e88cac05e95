/**
 * The sandbox's test-event endpoints as a user meets them after adding their own trigger: without
 * an id, /_standin/deliver goes to the newest VIS registration and /_standin/voice-event (and
 * voice-answer) to the application a trigger pointed at n8n, a trigger being tested first. With an
 * id, as the curl lines npm start prints, they go where they always went.
 */
import { http, type AddressInfo, type IncomingHttpHeaders, type Server } from './helpers/node';
import { connectedOAuth2Credential, startStandin, type Standin } from './helpers/standin';

let standin: Standin;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeEach(async () => {
	standin = await startStandin();
	received.length = 0;
	receiver = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push({ path: req.url ?? '', headers: req.headers, body });
			res.setHeader('content-type', 'application/json');
			res.end(req.url?.includes('answer') ? '[{"action":"talk","text":"hi"}]' : '{}');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterEach(async () => {
	await Promise.allSettled(standin.state.pendingDeliveries ?? []);
	await standin.close();
	await new Promise((resolve) => receiver.close(resolve));
});

async function control(path: string, body?: object) {
	const response = await fetch(`${standin.url}/_standin${path}`, {
		method: 'POST',
		...(body
			? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
			: {}),
	});
	return { status: response.status, body: await response.json() };
}

/** Registers a VIS webhook as a trigger does, with the OAuth2 token of the sandbox user. */
async function register(path: string): Promise<string> {
	const { oauthTokenData } = await connectedOAuth2Credential(standin);
	const response = await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/webhooks`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			authorization: `Bearer ${(oauthTokenData as { access_token: string }).access_token}`,
		},
		body: JSON.stringify({
			url: `${receiverUrl}${path}`,
			events: ['CALL'],
			signingAlgo: 'HMAC_SHA256',
			signingKey: 'k'.repeat(32),
			metadataPolicy: 'HEADER',
		}),
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { id: string }).id;
}

/** Points an application's voice webhooks somewhere, as the Voice Trigger does (PUT, logged by the sandbox). */
async function pointApplication(id: string, base: string) {
	const auth = `Basic ${Buffer.from(`${standin.sandbox.apiKey}:${standin.sandbox.apiSecret}`).toString('base64')}`;
	const current = (await (
		await fetch(`${standin.url}/v2/applications/${id}`, { headers: { authorization: auth } })
	).json()) as { name: string };
	const response = await fetch(`${standin.url}/v2/applications/${id}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json', authorization: auth },
		body: JSON.stringify({
			name: current.name,
			capabilities: {
				voice: {
					webhooks: {
						event_url: { address: `${base}/voice-events`, http_method: 'POST' },
						answer_url: { address: `${base}/voice-answer`, http_method: 'POST' },
					},
				},
			},
		}),
	});
	expect(response.status).toBe(200);
}

async function createApplication(name: string): Promise<string> {
	const auth = `Basic ${Buffer.from(`${standin.sandbox.apiKey}:${standin.sandbox.apiSecret}`).toString('base64')}`;
	const response = await fetch(`${standin.url}/v2/applications`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: auth },
		body: JSON.stringify({ name, capabilities: {} }),
	});
	return ((await response.json()) as { id: string }).id;
}

describe('/_standin/deliver', () => {
	test('without a webhookId, to the newest live registration: a trigger being tested registered last', async () => {
		const published = await register('/webhook/published/vis-events');
		const testing = await register('/webhook-test/mine/vis-events');
		const { status, body } = await control('/deliver');
		expect(status).toBe(200);
		expect(body.webhookId).toBe(testing);
		expect(received.map((r) => [r.path, r.headers['x-von-webhook-id']])).toEqual([
			['/webhook-test/mine/vis-events', testing],
		]);

		// The test registration expired (or was removed when the test stopped): the published one gets it.
		await control('/expire-webhook', { webhookId: testing });
		expect((await control('/deliver', {})).body.webhookId).toBe(published);
	});

	test('with a webhookId, as the printed curl line sends it, to that registration', async () => {
		const published = await register('/webhook/published/vis-events');
		await register('/webhook-test/mine/vis-events');
		const { body } = await control('/deliver', { webhookId: published });
		expect(body.webhookId).toBe(published);
		expect(received.map((r) => r.path)).toEqual(['/webhook/published/vis-events']);
	});

	test('with no registration at all, a 409 that says what to do', async () => {
		const { status, body } = await control('/deliver');
		expect(status).toBe(409);
		expect(body.error).toMatch(
			/no VIS registration yet: publish a workflow with a Vonage VIS Trigger, or click "Execute step"/,
		);
	});
});

describe('/_standin/voice-event and /_standin/voice-answer', () => {
	test('without an applicationId, to the application a trigger being tested points at, else the one pointed at n8n last', async () => {
		const sandboxApp = standin.sandbox.applicationId;
		const other = await createApplication('Another application');
		await pointApplication(sandboxApp, `${receiverUrl}/webhook/published`);
		await pointApplication(other, `${receiverUrl}/webhook-test/mine`);

		expect(
			(await control('/voice-event', { event: { status: 'answered' } })).body.applicationId,
		).toBe(other);
		expect((await control('/voice-answer', {})).body.applicationId).toBe(other);
		expect(received.map((r) => r.path)).toEqual([
			'/webhook-test/mine/voice-events',
			'/webhook-test/mine/voice-answer',
		]);

		// The test ended and the trigger put the other application back where it was: the published one.
		await pointApplication(other, 'https://example.com');
		expect((await control('/voice-event', {})).body.applicationId).toBe(sandboxApp);
	});

	test('with an applicationId, as the printed curl lines send it, to that application', async () => {
		const other = await createApplication('Another application');
		await pointApplication(standin.sandbox.applicationId, `${receiverUrl}/webhook/published`);
		await pointApplication(other, `${receiverUrl}/webhook-test/mine`);
		const { body } = await control('/voice-event', {
			applicationId: standin.sandbox.applicationId,
		});
		expect(body.applicationId).toBe(standin.sandbox.applicationId);
		expect(received.map((r) => r.path)).toEqual(['/webhook/published/voice-events']);
	});
});
