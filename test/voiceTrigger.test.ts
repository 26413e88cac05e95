/**
 * Vonage Voice Trigger against the stand-in: pointing an application's voice webhooks here and
 * back, signed-callback verification, filters, and answering calls (with the fallback NCCO).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

import { LoadOptionsContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IDataObject, NodeOperationError } from 'n8n-workflow';

import { signCallback, verifySignedCallback } from '../nodes/VonageVoice/trigger/signedCallback';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { additionalDataFor, workflowWith } from '../scripts/harness/n8n';
import { http, setTimeout, type AddressInfo } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';
import { hostTrigger, type RequestHandler, type TriggerHarness } from './helpers/trigger';

let standin: Standin;
let trigger: TriggerHarness | undefined;
let applicationId: string;

const ORIGINAL_EVENT_URL = {
	address: 'https://example.com/event',
	http_method: 'POST',
	connect_timeout: 500,
	socket_timeout: 3000,
};
const ORIGINAL_ANSWER_URL = { address: 'https://example.com/answer', http_method: 'GET' };
const MESSAGES = {
	webhooks: { inbound_url: { address: 'https://example.com/inbound', http_method: 'POST' } },
};

beforeEach(async () => {
	standin = await startStandin();
	applicationId = standin.sandbox.applicationId;
	const app = standin.state.applications.get(applicationId);
	app.capabilities = {
		voice: {
			webhooks: { answer_url: { ...ORIGINAL_ANSWER_URL }, event_url: { ...ORIGINAL_EVENT_URL } },
			conversations_ttl: 12,
			region: 'eu-west',
		},
		messages: structuredClone(MESSAGES),
	};
});
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
	await standin.close();
});

function keySecret(overrides: IDataObject = {}): ICredentialDataDecryptedObject {
	return {
		...credentialsFor(standin).vonageKeySecretApi,
		signatureSecret: standin.sandbox.signatureSecret,
		...overrides,
	};
}

async function start(parameters: IDataObject = {}, credential = keySecret()) {
	trigger = await hostTrigger(
		new VonageVoiceTrigger(),
		{ applicationId, ...parameters },
		{ vonageKeySecretApi: credential },
	);
	return trigger;
}

const app = () => standin.state.applications.get(applicationId);
const voiceHooks = () => app().capabilities.voice.webhooks;
const puts = () => standin.requests({ method: 'PUT', path: `/v2/applications/${applicationId}` });
const setSigned = (on: boolean) => (app().capabilities.voice.signed_callbacks = on);

describe('Voice trigger: activation points the application here, deactivation puts it back', () => {
	test('event_url only, keeping its timeouts and every other capability; checkExists then says yes', async () => {
		const t = await start();
		expect(await t.hook('checkExists')).toBe(false);
		await t.activate();
		expect(voiceHooks().event_url).toEqual({ ...ORIGINAL_EVENT_URL, address: t.url });
		expect(voiceHooks().answer_url).toEqual(ORIGINAL_ANSWER_URL);
		expect(app().capabilities.messages).toEqual(MESSAGES);
		expect(app().capabilities.voice).toMatchObject({ conversations_ttl: 12, region: 'eu-west' });
		expect(puts()).toHaveLength(1);
		expect(await t.hook('checkExists')).toBe(true);

		await t.hook('delete');
		expect(voiceHooks()).toEqual({
			answer_url: ORIGINAL_ANSWER_URL,
			event_url: ORIGINAL_EVENT_URL,
		});
		expect(app().capabilities.messages).toEqual(MESSAGES);
		expect(t.staticData()).toEqual({});
		// n8n calls delete for each of the node's webhooks: the later calls change nothing
		await t.hook('delete');
		expect(puts()).toHaveLength(2);
	});

	test('answer mode also points answer_url and fallback_answer_url here; a fallback that did not exist is removed again', async () => {
		const t = await start({ answerCalls: true });
		await t.activate();
		const base = t.url.replace(/voice-events$/, '');
		expect(voiceHooks()).toEqual({
			event_url: { ...ORIGINAL_EVENT_URL, address: `${base}voice-events` },
			answer_url: { address: `${base}voice-answer`, http_method: 'POST' },
			fallback_answer_url: { address: `${base}voice-fallback`, http_method: 'POST' },
		});
		await t.hook('delete');
		expect(voiceHooks()).toEqual({
			answer_url: ORIGINAL_ANSWER_URL,
			event_url: ORIGINAL_EVENT_URL,
		});
	});

	test('a webhook someone changed while active is left as they set it; ours is still restored', async () => {
		const t = await start({ answerCalls: true });
		await t.activate();
		voiceHooks().answer_url = { address: 'https://theirs.example/answer', http_method: 'GET' };
		await t.hook('delete');
		expect(voiceHooks().answer_url).toEqual({
			address: 'https://theirs.example/answer',
			http_method: 'GET',
		});
		expect(voiceHooks().event_url).toEqual(ORIGINAL_EVENT_URL);
		expect(voiceHooks().fallback_answer_url).toBeUndefined();
	});

	test('activating again without a deactivation in between (a crash) still remembers the original URLs', async () => {
		const t = await start();
		await t.activate();
		await t.hook('create');
		await t.hook('delete');
		expect(voiceHooks().event_url).toEqual(ORIGINAL_EVENT_URL);
	});

	test('a deleted application is nothing to restore', async () => {
		const t = await start();
		await t.activate();
		standin.state.applications.delete(applicationId);
		await expect(t.hook('delete')).resolves.toBe(true);
		expect(t.staticData()).toEqual({});
	});

	test.each([
		[
			'signed callbacks but no signature secret',
			() => setSigned(true),
			{ signatureSecret: '' },
			{},
			/Signature Secret: required, because this application signs its callbacks/,
		],
		[
			'a default NCCO that is not an NCCO',
			() => undefined,
			{},
			{ answerCalls: true, defaultNcco: '{"action":"talk"}' },
			/Default NCCO: expected a non-empty JSON array of actions/,
		],
		[
			'an application without Voice',
			() => delete app().capabilities.voice,
			{},
			{},
			/has no Voice capability/,
		],
	])(
		'refuses activation on %s, before changing anything',
		async (_case, arrange, credential, parameters, message) => {
			arrange();
			const before = JSON.stringify(app());
			const t = await start(parameters, keySecret(credential));
			await expect(t.activate()).rejects.toThrow(message);
			expect(puts()).toHaveLength(0);
			expect(JSON.stringify(app())).toBe(before);
		},
	);

	test('the Application dropdown labels every application by its name, with the id as its description', async () => {
		for (const id of [...standin.state.applications.keys()])
			if (id !== applicationId) standin.state.applications.delete(id);
		const second = randomUUID();
		standin.state.applications.set(second, {
			...structuredClone(app()),
			id: second,
			name: 'Sandbox application',
		});
		const unnamed = randomUUID();
		standin.state.applications.set(unnamed, { ...structuredClone(app()), id: unnamed, name: '' });
		const { workflow, node } = workflowWith(new VonageVoiceTrigger(), {}, ['vonageKeySecretApi']);
		const context = new LoadOptionsContext(
			workflow,
			node,
			additionalDataFor({ vonageKeySecretApi: keySecret() }),
			'applicationId',
		);
		const options = await new VonageVoiceTrigger().methods.loadOptions.getApplications.call(
			context,
		);
		// Two applications of one name stay apart by their descriptions, and sort by id.
		const sameName = [applicationId, second].sort();
		expect(options).toEqual([
			...sameName.map((id) => ({
				name: 'Sandbox application',
				value: id,
				description: `ID ${id}`,
			})),
			{ name: 'Unnamed application', value: unnamed, description: `ID ${unnamed}` },
		]);
	});
});

describe('Voice trigger: the application still points here', () => {
	async function firstCheck(t: TriggerHarness, failures = 1) {
		const keeper = await t.startTrigger('init');
		for (let waited = 0; t.failedExecutions.length < failures && waited < 3000; waited += 10)
			await new Promise((resolve) => setTimeout(resolve, 10));
		await new Promise((resolve) => setTimeout(resolve, 50));
		await keeper.closeFunction?.();
	}

	test('a URL changed behind its back is reported as a failed execution that names it, and left as it is', async () => {
		const t = await start();
		await t.activate();
		voiceHooks().event_url.address = 'https://elsewhere.example/events';
		await firstCheck(t);
		expect(t.failedExecutions.map((error) => error.message)).toEqual([
			expect.stringContaining(
				'were changed: event_url now points at https://elsewhere.example/events',
			),
		]);
		expect(voiceHooks().event_url.address).toBe('https://elsewhere.example/events');
		expect(puts()).toHaveLength(1);
	});

	test('with Point It Back, the changed URL is pointed here again and the report says so', async () => {
		const t = await start({ answerCalls: true, options: { whenApplicationChanges: 'pointBack' } });
		await t.activate();
		const ours = voiceHooks().answer_url.address;
		voiceHooks().answer_url = {
			address: 'https://elsewhere.example/answer',
			http_method: 'GET',
			socket_timeout: 3000,
		};
		await firstCheck(t);
		expect(voiceHooks().answer_url).toEqual({
			address: ours,
			http_method: 'POST',
			socket_timeout: 3000,
		});
		expect(t.failedExecutions[0].message).toMatch(
			/answer_url now points at https:\/\/elsewhere\.example\/answer\. They were pointed back/,
		);
		// What unpublishing restores is still what the application had before publication.
		await t.hook('delete');
		expect(voiceHooks().answer_url).toEqual(ORIGINAL_ANSWER_URL);
	});

	test('an application that still points here is not reported and not written', async () => {
		const t = await start();
		await t.activate();
		await firstCheck(t, 0);
		expect(t.failedExecutions).toHaveLength(0);
		expect(puts()).toHaveLength(1);
	});

	test('publishing for an application that another workflow of this n8n receives is refused, and changes nothing', async () => {
		const t = await start();
		const other = t.url.replace(
			/\/webhook\/[^/]+\/voice-events$/,
			'/webhook/another-workflows-id/voice-events',
		);
		voiceHooks().event_url.address = other;
		// No published workflow of this n8n has that URL (n8n answers 404): it cannot name one.
		await expect(t.activate()).rejects.toThrow(
			`already sends its calls to another published workflow of this n8n (its event_url is ${other}); that workflow could not be asked which it is: it answered HTTP 404`,
		);
		expect(puts()).toHaveLength(0);
		expect(voiceHooks().event_url.address).toBe(other);
	});

	test('with Take Over From Another Workflow, publishing moves the application here', async () => {
		const t = await start({ options: { takeOverApplication: true } });
		voiceHooks().event_url.address = t.url.replace(
			/\/webhook\/[^/]+\//,
			'/webhook/another-workflows-id/',
		);
		await t.activate();
		expect(voiceHooks().event_url.address).toBe(t.url);
	});
});

describe('Voice trigger: the refusal names the workflow that holds the application', () => {
	let holder: TriggerHarness | undefined;
	afterEach(async () => {
		// The newcomer first: the holder's listener is the n8n both are served by.
		await trigger?.close();
		trigger = undefined;
		await holder?.close();
		holder = undefined;
	});

	/** "Voice menu", published on the application, and a second trigger in the same n8n. */
	async function holderAndNewcomer(
		options: {
			holder?: IDataObject;
			holderCredential?: ICredentialDataDecryptedObject;
			newcomer?: IDataObject;
			newcomerCredential?: ICredentialDataDecryptedObject;
		} = {},
	) {
		holder = await hostTrigger(
			new VonageVoiceTrigger(),
			{ applicationId, ...options.holder },
			{ vonageKeySecretApi: options.holderCredential ?? keySecret() },
			4,
			{ webhookId: 'holder-webhook-id', workflowName: 'Voice menu' },
		);
		await holder.activate();
		trigger = await hostTrigger(
			new VonageVoiceTrigger(),
			{ applicationId, ...options.newcomer },
			{ vonageKeySecretApi: options.newcomerCredential ?? keySecret() },
			4,
			{ sameN8nAs: holder, webhookId: 'newcomer-webhook-id', workflowName: 'My menu' },
		);
		return { holder, newcomer: trigger };
	}

	const probeBody = (nonce = randomUUID()) =>
		JSON.stringify({ n8n_vonage_probe: 'which-workflow', nonce });

	async function sendProbe(url: string, body: string, authorization?: string) {
		const response = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				...(authorization ? { authorization } : {}),
			},
			body,
		});
		return { status: response.status, json: (await response.json()) as IDataObject };
	}

	async function signedBy(body: string, secret = standin.sandbox.signatureSecret) {
		const token = await signCallback(body, {
			signatureSecret: secret,
			apiKey: standin.sandbox.apiKey,
			applicationId,
		});
		return `Bearer ${token}`;
	}

	test('publishing is refused with the name and id of the published workflow, which runs nothing; the application still points there', async () => {
		const { holder, newcomer } = await holderAndNewcomer();
		const error = await newcomer.activate().then(
			() => undefined,
			(thrown: NodeOperationError) => thrown,
		);
		expect(error?.message).toBe(
			`Application: "Sandbox application" (${applicationId}) already sends its calls to the published workflow "Voice menu" (id ${holder.workflowId}) of this n8n (its event_url is ${holder.url})`,
		);
		expect(error?.description).toMatch(
			/^Unpublish "Voice menu", then publish this one; or turn on Options → Take Over From Another Workflow/,
		);
		expect(voiceHooks().event_url.address).toBe(holder.url);
		expect(puts()).toHaveLength(1);
		// One question, to the holder's event URL; no run, nothing emitted.
		expect(holder.heard).toEqual([{ method: 'POST', url: new URL(holder.url).pathname }]);
		expect(holder.executions).toHaveLength(0);
		expect(holder.emitted).toHaveLength(0);
	});

	test('a conflict on answer_url alone is asked at the same trigger’s event URL', async () => {
		const { holder, newcomer } = await holderAndNewcomer({
			holder: { answerCalls: true },
			newcomer: { answerCalls: true },
		});
		voiceHooks().event_url.address = 'https://elsewhere.example/events';
		await expect(newcomer.activate()).rejects.toThrow(
			`already sends its calls to the published workflow "Voice menu" (id ${holder.workflowId}) of this n8n (its answer_url is ${holder.url.replace(/voice-events$/, 'voice-answer')})`,
		);
		expect(holder.heard.map((r) => r.url)).toEqual([new URL(holder.url).pathname]);
		expect(holder.runs).toHaveLength(0);
	});

	test('with Take Over From Another Workflow, nothing is asked and the application moves', async () => {
		const { holder, newcomer } = await holderAndNewcomer({
			newcomer: { options: { takeOverApplication: true } },
		});
		await newcomer.activate();
		expect(voiceHooks().event_url.address).toBe(newcomer.url);
		expect(holder.heard).toEqual([]);
	});

	test('a question signed with the secret is answered with the workflow, signed and bound to its nonce; it runs nothing', async () => {
		const { holder } = await holderAndNewcomer();
		const nonce = randomUUID();
		const body = probeBody(nonce);
		const answer = await sendProbe(holder.url, body, await signedBy(body));
		expect(answer.status).toBe(200);
		const workflow = { id: holder.workflowId, name: 'Voice menu' };
		expect(answer.json).toEqual({ workflow, token: expect.any(String) });
		const verdict = await verifySignedCallback(`Bearer ${String(answer.json.token)}`, {
			signatureSecret: standin.sandbox.signatureSecret,
			signedPayload: JSON.stringify({ workflow, nonce }),
			apiKey: standin.sandbox.apiKey,
			applicationId,
		});
		expect(verdict).toHaveProperty('claims');
		expect(holder.executions).toHaveLength(0);
		expect(holder.emitted).toHaveLength(0);
	});

	test('unsigned, wrongly signed, tampered, replayed or huge questions are answered as such events are, naming nothing and running nothing', async () => {
		setSigned(true);
		const { holder } = await holderAndNewcomer();
		const body = probeBody();
		const authorization = await signedBy(body);
		const event = JSON.stringify(standin.sampleVoiceEvent({ status: 'answered' }));
		const pairs = [
			[await sendProbe(holder.url, body), await sendProbe(holder.url, event)],
			[
				await sendProbe(holder.url, body, await signedBy(body, 'not-the-secret')),
				await sendProbe(holder.url, event, await signedBy(event, 'not-the-secret')),
			],
			[
				await sendProbe(holder.url, probeBody(), authorization),
				await sendProbe(holder.url, event, authorization),
			],
		];
		for (const [probe, asEvent] of pairs) expect(probe).toEqual(asEvent);
		expect(pairs.map(([probe]) => probe.status)).toEqual([401, 401, 401]);
		// The first valid question is answered; the same one again is a repeated callback.
		expect((await sendProbe(holder.url, body, authorization)).json).toHaveProperty('workflow');
		expect(await sendProbe(holder.url, body, authorization)).toEqual({
			status: 200,
			json: { status: 'duplicate callback ignored' },
		});
		const huge = `{"n8n_vonage_probe":"which-workflow","pad":"${'x'.repeat(1_000_000)}"}`;
		const tooLarge = await sendProbe(holder.url, huge, await signedBy(huge));
		expect(tooLarge.status).toBe(413);
		expect(JSON.stringify(pairs)).not.toContain('Voice menu');
		expect(holder.executions).toHaveLength(0);
		expect(holder.emitted).toHaveLength(0);
	});

	test('a trigger without a Signature Secret answers a question as an accepted event and names nothing; the refusal says so', async () => {
		const { holder, newcomer } = await holderAndNewcomer({
			holderCredential: keySecret({ signatureSecret: '' }),
		});
		const body = probeBody();
		expect(await sendProbe(holder.url, body, await signedBy(body))).toEqual({
			status: 200,
			json: { status: 'accepted' },
		});
		await expect(newcomer.activate()).rejects.toThrow(
			`already sends its calls to another published workflow of this n8n (its event_url is ${holder.url}); that workflow could not be asked which it is: its answer names no workflow`,
		);
		expect(holder.executions).toHaveLength(0);
	});

	test.each([
		[
			'a holder whose credential has another secret',
			() => ({ holderCredential: keySecret({ signatureSecret: 'another-secret' }) }),
			'it answered HTTP 401',
		],
		[
			'a newcomer without a Signature Secret',
			() => ({ newcomerCredential: keySecret({ signatureSecret: '' }) }),
			'this credential has no Signature Secret to sign the question with',
		],
	])('%s: the refusal names the URL and why it could not ask', async (_case, options, why) => {
		const { holder, newcomer } = await holderAndNewcomer(options());
		await expect(newcomer.activate()).rejects.toThrow(
			`another published workflow of this n8n (its event_url is ${holder.url}); that workflow could not be asked which it is: ${why}`,
		);
		expect(voiceHooks().event_url.address).toBe(holder.url);
		expect(holder.executions).toHaveLength(0);
	});

	describe('another webhook of this n8n at a Voice Trigger’s URL', () => {
		let elsewhere: { heard: string[]; url: string; close: () => Promise<void> };
		beforeEach(async () => {
			const heard: string[] = [];
			const server = http.createServer((req, res) => {
				heard.push(String(req.url));
				res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			elsewhere = {
				heard,
				url,
				close: () => new Promise<void>((resolve) => server.close(() => resolve())),
			};
		});
		afterEach(async () => await elsewhere.close());

		async function refusalFor(handler: RequestHandler) {
			const { holder, newcomer } = await holderAndNewcomer();
			holder.serve('a-webhook-node', handler);
			const url = holder.url.replace('holder-webhook-id', 'a-webhook-node');
			voiceHooks().event_url.address = url;
			const started = Date.now();
			const error = await newcomer.activate().then(
				() => new Error('published'),
				(thrown: Error) => thrown,
			);
			expect(voiceHooks().event_url.address).toBe(url);
			return { message: error.message, tookMs: Date.now() - started };
		}

		test('a redirect is not followed', async () => {
			const { message } = await refusalFor((_req, res) =>
				res.writeHead(302, { location: `${elsewhere.url}/webhook/x/voice-events` }).end(),
			);
			expect(message).toMatch(
				/could not be asked which it is: it answered with a redirect \(HTTP 302\), not followed$/,
			);
			expect(elsewhere.heard).toEqual([]);
		});

		test('an answer that names a workflow without the secret’s signature names nothing', async () => {
			const { message } = await refusalFor((_req, res) =>
				res
					.writeHead(200, { 'content-type': 'application/json' })
					.end(JSON.stringify({ workflow: { id: 'x', name: 'Not me' }, token: 'a.b.c' })),
			);
			expect(message).toMatch(
				/could not be asked which it is: its answer is not signed with this credential/,
			);
			expect(message).not.toContain('Not me');
		});

		test('a 10 MB answer is read no further than 64 KB', async () => {
			let written = 0;
			const { message } = await refusalFor((_req, res) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.write('{"workflow":{"id":"x","name":"');
				// 16 KB a millisecond until the reader hangs up, or 10 MB were sent.
				const chunk = 'x'.repeat(16 * 1024);
				const more = () => {
					if (res.destroyed || written >= 10_000_000) return void res.end('"}}');
					written += chunk.length;
					res.write(chunk, () => setTimeout(more, 1));
				};
				more();
			});
			expect(message).toMatch(/could not be asked which it is: its answer names no workflow$/);
			expect(written).toBeLessThan(1_000_000);
		});

		test('no answer within 3 s: the refusal names the URL', async () => {
			const { message, tookMs } = await refusalFor(() => undefined);
			expect(message).toMatch(/could not be asked which it is: no answer within 3 s$/);
			expect(tookMs).toBeGreaterThanOrEqual(2900);
			expect(tookMs).toBeLessThan(6000);
		});

		test('a URL on another host, or not shaped like a trigger’s, is never asked', async () => {
			const t = await start();
			const base = t.url.slice(0, t.url.indexOf('/webhook/') + '/webhook/'.length);
			for (const path of ['../rest/x/voice-events', 'a/b/voice-events', 'a%2Fb/voice-events']) {
				voiceHooks().event_url.address = `${base}${path}`;
				await expect(t.activate()).rejects.toThrow(
					'could not be asked which it is: its URL is not one n8n gives a Vonage Voice Trigger',
				);
			}
			expect(t.heard).toEqual([]);
			// Another host is not this n8n: its URL is taken over as any other address would be.
			voiceHooks().event_url.address = `${elsewhere.url}/webhook/holder-webhook-id/voice-events`;
			await t.activate();
			expect(voiceHooks().event_url.address).toBe(t.url);
			expect(elsewhere.heard).toEqual([]);
		});
	});
});

describe('Voice trigger: call events', () => {
	test('without a Signature Secret, events of an unsigned application start the workflow as sent', async () => {
		const t = await start({}, keySecret({ signatureSecret: '' }));
		await t.activate();
		const event = standin.sampleVoiceEvent({ status: 'answered' });
		const delivery = await standin.deliverVoiceEvent(applicationId, event);
		expect(delivery.status).toBe(200);
		// As sent, plus where it came from and the key a catch-up of it would have.
		expect(t.executions.map((items) => items.map((i) => i.json))).toEqual([
			[{ ...event, source: 'webhook', eventKey: `${String(event.uuid)}:answered` }],
		]);
	});

	test('a signed application: valid token runs; tampered body, wrong secret, expired or missing token get 401 and no run', async () => {
		setSigned(true);
		const t = await start();
		await t.activate();
		const event = standin.sampleVoiceEvent({ status: 'ringing' });
		expect((await standin.deliverVoiceEvent(applicationId, event)).status).toBe(200);
		expect(t.executions).toHaveLength(1);

		const refused = [
			await standin.deliverVoiceEvent(applicationId, event, { tamper: { to: '19005550100' } }),
			await standin.deliverVoiceEvent(applicationId, event, { secret: 'not-the-account-secret' }),
			await standin.deliverVoiceEvent(applicationId, event, { iatOffsetSeconds: -3600 }),
			await fetch(t.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(event),
			}).then(async (r) => ({ status: r.status, body: await r.text() })),
		];
		expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
		expect(refused.map((r) => JSON.parse(r.body).error)).toEqual([
			'payload_hash does not match the body',
			'signature does not match the signature secret',
			'the token has expired',
			'missing signed-callback token (Authorization: Bearer)',
		]);
		expect(t.executions).toHaveLength(1);
		expect(refused.map((r) => r.body).join()).not.toContain(standin.sandbox.signatureSecret);
	});

	test('with a Signature Secret, a callback without a valid token is refused even if the application does not say it signs', async () => {
		setSigned(false);
		const t = await start();
		await t.activate();
		const event = standin.sampleVoiceEvent({ status: 'answered' });
		const unsigned = await standin.deliverVoiceEvent(applicationId, event);
		expect(unsigned.status).toBe(401);
		expect(JSON.parse(unsigned.body).error).toMatch(/missing signed-callback token/);
		expect(t.executions).toHaveLength(0);
	});

	test('a signed event, or its token, sent again while valid runs once', async () => {
		setSigned(true);
		const t = await start();
		await t.activate();
		const event = standin.sampleVoiceEvent({ status: 'completed' });
		const first = await standin.deliverVoiceEvent(applicationId, event);
		expect(first.status).toBe(200);
		const payload = JSON.stringify(event);
		const replays = [];
		for (let i = 0; i < 4; i++) {
			const response = await fetch(t.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: String(first.authorization) },
				body: payload,
			});
			replays.push(response.status);
		}
		// The same payload freshly signed again (a new token) is the same event: not run twice either.
		const resigned = await standin.deliverVoiceEvent(applicationId, event);
		expect(replays).toEqual([200, 200, 200, 200]);
		expect(resigned.status).toBe(200);
		expect(t.executions).toHaveLength(1);
	});

	test.each([
		[
			'a declared latin1 charset',
			{ 'content-type': 'application/json; charset=latin1' },
			'{"status":"answered"}',
			415,
		],
		['a non-JSON content type', { 'content-type': 'text/plain' }, '{"status":"answered"}', 415],
		[
			'invalid UTF-8 in a string',
			{ 'content-type': 'application/json' },
			Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]),
			400,
		],
		[
			'nesting 10,000 deep',
			{ 'content-type': 'application/json' },
			`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
			400,
		],
		[
			'a 1 MB string',
			{ 'content-type': 'application/json' },
			`{"a":"${'x'.repeat(1_000_000)}"}`,
			413,
		],
		['a JSON array', { 'content-type': 'application/json' }, '[1,2]', 400],
	])('%s is refused before anything runs', async (_case, headers, body, status) => {
		setSigned(true);
		const t = await start();
		await t.activate();
		const response = await fetch(t.url, {
			method: 'POST',
			headers: { ...headers, authorization: 'Bearer x.y.z' },
			body,
		});
		expect(response.status).toBe(status);
		expect(t.executions).toHaveLength(0);
	});

	test('status and direction filters answer 200 without a run', async () => {
		setSigned(true);
		const t = await start({
			options: { statuses: ['completed', 'answered'], direction: 'inbound' },
		});
		await t.activate();
		for (const [status, direction] of [
			['ringing', 'inbound'],
			['completed', 'outbound'],
			['completed', 'inbound'],
		]) {
			expect(
				(
					await standin.deliverVoiceEvent(
						applicationId,
						standin.sampleVoiceEvent({ status, direction }),
					)
				).status,
			).toBe(200);
		}
		expect(t.executions.map((items) => [items[0].json.status, items[0].json.direction])).toEqual([
			['completed', 'inbound'],
		]);
	});

	test('a test run ("Execute step") shows the first event even when the filters would drop it', async () => {
		setSigned(true);
		const t = await start({ options: { statuses: ['completed'] } });
		await t.activate();
		t.webhookMode = 'manual';
		const ringing = standin.sampleVoiceEvent({ status: 'ringing' });
		const answer = await standin.deliverVoiceEvent(applicationId, ringing);
		expect(JSON.parse(answer.body)).toEqual({ status: 'accepted' });
		expect(t.executions.map((items) => items[0].json)).toEqual([
			{ ...ringing, source: 'webhook', eventKey: `${String(ringing.uuid)}:ringing` },
		]);
	});

	// As Vonage sends them after a record action: no status, no direction. A new recording per test,
	// since the trigger runs a signed payload once (its replay window outlives a test).
	let recording = '';
	beforeEach(() => (recording = randomUUID()));
	const recordEvent = () => ({
		start_time: '2026-01-01T10:00:00Z',
		recording_url: `https://api.nexmo.com/v1/files/${recording}`,
		size: 16507,
		recording_uuid: recording,
		end_time: '2026-01-01T10:00:05Z',
		conversation_uuid: 'CON-1',
		timestamp: '2026-01-01T10:00:05Z',
	});
	const transcriptionEvent = () => ({
		conversation_uuid: 'CON-1',
		type: 'transcription',
		recording_uuid: recording,
		status: 'transcribed',
		transcription_url: `https://api.nexmo.com/v1/files/${recording}-transcript`,
	});
	const kinds = (t: TriggerHarness) =>
		t.executions.map((items) =>
			String(items[0].json.recording_url ? 'record' : (items[0].json.type ?? items[0].json.status)),
		);
	const deliverAll = async (events: IDataObject[]) => {
		for (const event of events)
			expect((await standin.deliverVoiceEvent(applicationId, event)).status).toBe(200);
	};

	test.each([
		['no filter: every event, as before', {}, ['answered', 'record', 'transcription']],
		[
			'a status filter without them drops them, as before',
			{ statuses: ['answered'] },
			['answered'],
		],
		['Recording Ready only', { statuses: ['record'] }, ['record']],
		['Transcript Ready only', { statuses: ['transcription'] }, ['transcription']],
		[
			'statuses and both kinds',
			{ statuses: ['answered', 'record', 'transcription'] },
			['answered', 'record', 'transcription'],
		],
		[
			'a direction with no statuses drops them (they have none), as before',
			{ direction: 'inbound' },
			['answered'],
		],
		[
			'a direction does not apply to a chosen kind',
			{ statuses: ['answered', 'record', 'transcription'], direction: 'outbound' },
			['record', 'transcription'],
		],
	])('record and transcription events: %s', async (_case, options, expected) => {
		setSigned(true);
		const t = await start({ options });
		await t.activate();
		await deliverAll([
			standin.sampleVoiceEvent({ status: 'answered', direction: 'inbound' }),
			recordEvent(),
			transcriptionEvent(),
		]);
		expect(kinds(t)).toEqual(expected);
	});

	test('a chosen kind starts the workflow with the event as Vonage sent it', async () => {
		setSigned(true);
		const t = await start({ options: { statuses: ['record', 'transcription'] } });
		await t.activate();
		await deliverAll([
			recordEvent(),
			transcriptionEvent(),
			standin.sampleVoiceEvent({ status: 'completed' }),
		]);
		expect(t.executions.map((items) => items.map((i) => i.json))).toEqual([
			[{ ...recordEvent(), source: 'webhook', eventKey: `CON-1:record:${recording}` }],
			[
				{
					...transcriptionEvent(),
					source: 'webhook',
					eventKey: `CON-1:transcription:${recording}`,
				},
			],
		]);
	});

	test('the Statuses option lists both kinds, so the editor offers them', () => {
		const options = new VonageVoiceTrigger().description.properties.find(
			(p) => p.name === 'options',
		)!.options as unknown as IDataObject[];
		const statuses = options.find((o) => o.name === 'statuses')!.options as IDataObject[];
		expect(statuses.map((o) => o.value)).toEqual(
			expect.arrayContaining(['answered', 'completed', 'record', 'transcription']),
		);
	});
});

describe('Voice trigger: answering calls', () => {
	test('an incoming call comes out of the Incoming Call output', async () => {
		setSigned(true);
		const t = await start({ answerCalls: true });
		await t.activate();
		await standin.answerCall(applicationId, { from: '14155550111', to: '14155550105' });
		expect(t.runs).toHaveLength(1);
		expect(t.runs[0][0]).toEqual([]);
		expect(t.runs[0][1][0].json).toMatchObject({
			from: '14155550111',
			to: '14155550105',
			uuid: expect.any(String),
		});
	});

	test('a test ring shows the answer’s run: the call’s status events that follow start none', async () => {
		setSigned(true);
		const t = await start({ answerCalls: true });
		await t.activate();
		t.webhookMode = 'manual';
		const answered = await standin.answerCall(applicationId, { from: '14155550111' });
		const event = standin.sampleVoiceEvent({ status: 'started', uuid: answered.uuid });
		const eventAnswer = await standin.deliverVoiceEvent(applicationId, event);
		expect(JSON.parse(eventAnswer.body)).toEqual({ status: 'accepted' });
		expect(t.runs.map((run) => run.map((output) => output.length))).toEqual([[0, 1]]);
	});

	test('with a Signature Secret, an unsigned request to the answer URL is refused and runs nothing', async () => {
		setSigned(true);
		const t = await start({ answerCalls: true });
		await t.activate();
		const answerUrl = String(voiceHooks().answer_url.address);
		const forged = await fetch(answerUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ from: '14155550111', to: '14155550105', uuid: 'u-1' }),
		});
		expect(forged.status).toBe(401);
		expect(t.runs).toHaveLength(0);
	});

	test('when the answer is not an NCCO, Vonage asks the fallback, which answers with the default NCCO and runs nothing', async () => {
		const ncco = [{ action: 'talk', text: 'We are closed.' }];
		setSigned(true);
		const t = await start({ answerCalls: true, defaultNcco: JSON.stringify(ncco) });
		await t.activate();
		// This harness answers "Workflow was started" instead of running a workflow: not an NCCO,
		// like n8n's 500 "Error in workflow". The real-n8n suite checks the workflow's own NCCO.
		const answered = await standin.answerCall(applicationId);
		expect(answered).toMatchObject({ answeredBy: 'fallback_answer_url', ncco });
		expect(t.runs).toHaveLength(1);
	});
});

describe('signed-callback token checks', () => {
	const secret = 'unit-secret';
	const body = Buffer.from('{"status":"started"}');
	const token = (header: object, claims: object, key = secret) => {
		const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
		const signed = `${part(header)}.${part(claims)}`;
		return `Bearer ${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
	};
	const now = 1_800_000_000;
	const hash = '2a4b6b8d3c1b4d0e5b02d4fbb08ed88b4f4b7b2f6f4d7b2d5c6e1f0a9b8c7d6e';
	const goodClaims = () => ({
		iat: now,
		payload_hash: createHash('sha256').update(body).digest('hex'),
		api_key: 'k1',
	});
	const verify = (authorization: string) =>
		verifySignedCallback(authorization, {
			signatureSecret: secret,
			signedPayload: body,
			apiKey: 'k1',
			nowSeconds: now,
		});

	test('accepts a good token and refuses other algorithms, keys, ages and payloads', async () => {
		await expect(verify(token({ alg: 'HS256' }, goodClaims()))).resolves.toMatchObject({
			claims: { api_key: 'k1' },
		});
		const refusals: Array<[string, RegExp]> = [
			[token({ alg: 'none' }, goodClaims()), /not HS256/],
			[token({ alg: 'HS512' }, goodClaims()), /not HS256/],
			[token({ alg: 'HS256' }, goodClaims(), 'other-secret'), /signature does not match/],
			[token({ alg: 'HS256' }, { ...goodClaims(), api_key: 'k2' }), /another API key/],
			[token({ alg: 'HS256' }, { ...goodClaims(), iat: now + 3600 }), /iat/],
			[token({ alg: 'HS256' }, { ...goodClaims(), iat: now - 3600 }), /iat|expired/],
			[token({ alg: 'HS256' }, { ...goodClaims(), exp: now - 120 }), /expired/],
			[token({ alg: 'HS256' }, { payload_hash: goodClaims().payload_hash }), /iat/],
			[token({ alg: 'HS256' }, { ...goodClaims(), payload_hash: hash }), /payload_hash/],
			[token({ alg: 'HS256' }, { ...goodClaims(), payload_hash: 'zz' }), /payload_hash/],
			['Bearer abc', /not a valid JWT/],
			['Basic abc', /missing signed-callback token/],
		];
		for (const [authorization, reason] of refusals) {
			const verdict = await verify(authorization);
			expect(verdict).toEqual({ refused: expect.stringMatching(reason) });
		}
	});

	test('payload_hash must be exactly the 64 hex digits of the SHA-256 of the body', async () => {
		const right = goodClaims().payload_hash;
		await expect(
			verify(token({ alg: 'HS256' }, { ...goodClaims(), payload_hash: right.toUpperCase() })),
		).resolves.toMatchObject({ claims: { api_key: 'k1' } });
		// Hex decoding stops at the first non-hex character: each of these decodes to the right hash.
		for (const junk of [`${right}zz`, `${right}z`, `${right} `, `${right}\n`]) {
			const verdict = await verify(
				token({ alg: 'HS256' }, { ...goodClaims(), payload_hash: junk }),
			);
			expect(verdict).toEqual({ refused: 'payload_hash does not match the body' });
		}
		for (const short of [right.slice(0, 63), `${right}0`, `${right}00`, '']) {
			const verdict = await verify(
				token({ alg: 'HS256' }, { ...goodClaims(), payload_hash: short }),
			);
			expect(verdict).toEqual({ refused: 'payload_hash does not match the body' });
		}
	});
});
