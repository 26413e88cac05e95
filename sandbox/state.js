'use strict';
/**
 * The one state object every part of the stand-in shares, with its clock, ids, the sandbox
 * account's credentials and the optional state file. The API modules receive what this returns.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');

const { DAY } = require('./util');

function createState(options = {}) {
	const clock = options.clock ?? (() => Date.now());
	// VIS registrations last about 10 days; the queue-mode suite makes them short.
	const webhookTtlMs = options.webhookTtlMs ?? 10 * DAY;
	const tokenTtlSeconds = options.tokenTtlSeconds ?? 86_400;
	const sandbox = {
		// Tests give each stand-in a key of its own, so that no token or quota pacing the nodes
		// keep in memory for one stand-in's credential is taken for another's.
		consumerKey: options.consumerKey ?? 'sandbox-consumer-key',
		consumerSecret: 'sandbox-consumer-secret',
		username: 'sandbox.user',
		password: 'sandbox-password',
		apiKey: 'sandboxkey',
		apiSecret: 'sandbox-api-secret',
		// The account's signature secret, which signs Voice callbacks (HS256) when an application asks.
		signatureSecret: 'sandbox-signature-secret-0123456789',
	};
	const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	sandbox.privateKey = privateKey.export({ type: 'pkcs8', format: 'pem' });
	const sandboxPublicKey = publicKey.export({ type: 'spki', format: 'pem' });

	const state = {
		accessTokens: new Map(),
		refreshTokens: new Map(),
		authorizationCodes: new Map(),
		calls: new Map(),
		events: [],
		webhooks: new Map(),
		applications: new Map(),
		users: new Map(),
		voiceCalls: [],
		requests: [],
		faults: [],
		counters: {
			passwordGrants: 0,
			codeGrants: 0,
			refreshGrants: 0,
			jwtVerified: 0,
			distinctJwts: 0,
			connections: 0,
		},
		jwtsSeen: new Set(),
		nextId: 1000,
		deliveries: [],
		quota: new Map(),
		v1Calls: new Map(),
		renewals: [],
		pendingDeliveries: [],
		quotaRefusedAt: [],
	};
	const visUser = {
		id: 522078,
		accountId: 257073,
		acountLabel: 'Sandbox',
		firstName: 'Sandy',
		lastName: 'Box',
		emailAddress: 'sandy@example.com',
		contactNumber: '14155550100',
		status: 'ACTIVE',
		ucis: [{ id: 1, ucpLabel: 'VBC', health: { status: 'OK', message: '' }, type: 'USER_UCI' }],
		roles: [{ code: 'AU', name: 'Account User' }],
	};
	const visAccount = {
		id: 257073,
		name: 'Sandbox',
		org: 'Sandbox Org',
		ucis: [
			{
				id: 1,
				ucpLabel: 'VBC',
				ucpAccountId: 'A-1',
				health: { status: 'OK', message: '' },
				type: 'ACCOUNT_UCI',
			},
		],
		status: 'ACTIVE',
	};

	// Fixed, so that example workflows can name them: one application per published Voice example.
	const voiceApplication = (id, name) =>
		state.applications.set(id, {
			id,
			name,
			capabilities: {
				voice: {
					webhooks: {
						answer_url: { address: 'https://example.com/answer', http_method: 'GET' },
						event_url: { address: 'https://example.com/event', http_method: 'POST' },
					},
				},
			},
			privacy: { improve_ai: false },
			keys: { public_key: sandboxPublicKey },
		});
	const sandboxApplicationId = 'a5e1b0c2-5a4d-4c2e-9f0e-00000000a991';
	voiceApplication(sandboxApplicationId, 'Sandbox application');
	voiceApplication('a5e1b0c2-5a4d-4c2e-9f0e-00000000a992', 'Voice menu application');
	voiceApplication('a5e1b0c2-5a4d-4c2e-9f0e-00000000a993', 'AI phone agent application');
	sandbox.applicationId = sandboxApplicationId;

	// With a state file, webhook registrations (with their statistics), call events and issued
	// tokens outlive the process, as they outlive n8n restarts at the real Vonage: an OAuth2
	// connection made in n8n stays connected, and a trigger catches up on the calls made while
	// n8n was stopped (the sandbox behind `npm start` uses this).
	if (options.stateFile && fs.existsSync(options.stateFile)) {
		const saved = JSON.parse(fs.readFileSync(options.stateFile, 'utf8'));
		for (const hook of saved.webhooks ?? []) state.webhooks.set(hook.id, hook);
		for (const [token, expiresAt] of saved.accessTokens ?? [])
			state.accessTokens.set(token, expiresAt);
		for (const [token, expiresAt] of saved.refreshTokens ?? [])
			state.refreshTokens.set(token, expiresAt);
		for (const call of saved.calls ?? []) state.calls.set(String(call.id), call);
		state.events.push(...(saved.events ?? []));
		state.nextId = Math.max(state.nextId, saved.nextId ?? 0);
		// Voice call records, listed by GET /v1/calls after a restart as Vonage keeps them.
		for (const call of saved.v1Calls ?? []) state.v1Calls.set(call.uuid, call);
		// Where each application's voice webhooks point (their keys are new each start); a state
		// file from before kept only the sandbox application's.
		const savedWebhooks = saved.applicationWebhooks ?? {
			[sandboxApplicationId]: saved.sandboxApplicationWebhooks,
		};
		for (const [id, webhooks] of Object.entries(savedWebhooks)) {
			const voice = state.applications.get(id)?.capabilities?.voice;
			if (voice && webhooks) voice.webhooks = webhooks;
		}
	}
	function saveState() {
		if (!options.stateFile) return;
		const live = (tokens) => [...tokens].filter(([, expiresAt]) => expiresAt > clock());
		fs.writeFileSync(
			options.stateFile,
			JSON.stringify({
				webhooks: [...state.webhooks.values()],
				accessTokens: live(state.accessTokens),
				refreshTokens: live(state.refreshTokens),
				calls: [...state.calls.values()],
				events: state.events,
				nextId: state.nextId,
				v1Calls: [...state.v1Calls.values()],
				applicationWebhooks: Object.fromEntries(
					[...state.applications.values()].map((app) => [
						app.id,
						app.capabilities?.voice?.webhooks,
					]),
				),
			}),
			{ mode: 0o600 },
		);
	}

	const newId = () => state.nextId++;

	return {
		options,
		clock,
		webhookTtlMs,
		tokenTtlSeconds,
		sandbox,
		state,
		visUser,
		visAccount,
		saveState,
		newId,
	};
}

module.exports = { createState };
