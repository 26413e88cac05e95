'use strict';
/**
 * A stateful local stand-in for the three Vonage hosts the package talks to:
 *   - api.vonage.com: /authorize (sign-in page, code grant), POST /token and the 20 VIS endpoints under /t/vbc.prod/vis/v1
 *   - api.nexmo.com:  Applications v2 (Basic auth), Users v1 and Voice v2 (RS256 application JWT)
 * It checks auth and request shapes the way the real APIs answer them, keeps state in memory,
 * records every request, can be told to fail the next N requests, can deliver signed VIS
 * webhook events, and plays Voice's side of an application's webhooks (signed call events,
 * answer_url with fallback_answer_url). Test code drives it directly; other processes use the /_standin API.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');

const VIS = '/t/vbc.prod/vis/v1';
const CALL_STATES = ['INITIALIZING', 'RINGING', 'ACTIVE', 'HELD', 'REMOTE_HELD', 'DETACHED', 'REJECTED', 'CANCELLED', 'ANSWERED', 'MISSED'];
const ACTIVE_STATES = ['INITIALIZING', 'RINGING', 'ACTIVE', 'HELD', 'REMOTE_HELD'];
const DAY = 86_400_000;

class HttpError extends Error {
	constructor(status, body, headers = {}) {
		super(`HTTP ${status}`);
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}

const visError = (status, errorCode, errorMessage, errors) =>
	new HttpError(status, { errorCode, errorMessage, ...(errors ? { errors } : {}) });
const visInvalid = (errors) => visError(422, 'VALIDATION_ERROR', 'Request validation failed', errors);
const problem = (status, title, detail, extra = {}) =>
	new HttpError(status, { type: `https://developer.vonage.com/api-errors#${title.toLowerCase().replace(/\s+/g, '-')}`, title, detail, instance: crypto.randomUUID(), ...extra }, { 'content-type': 'application/problem+json' });
const invalidParameters = (invalid) =>
	problem(400, 'Bad Request', 'The request failed due to validation errors', { invalid_parameters: invalid });

/** Keys sorted alphabetically at every depth, no whitespace: what VIS signs. */
function canonicalJson(value) {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

const isPhone = (v) => typeof v === 'string' && /^\+?\d{7,15}$/.test(v);
const b64url = (buf) => Buffer.from(buf).toString('base64url');

function createStandin(options = {}) {
	const clock = options.clock ?? (() => Date.now());
	// VIS registrations last about 10 days; the queue-mode suite makes them short.
	const webhookTtlMs = options.webhookTtlMs ?? 10 * DAY;
	const tokenTtlSeconds = options.tokenTtlSeconds ?? 86_400;
	const sandbox = {
		consumerKey: 'sandbox-consumer-key',
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
		counters: { passwordGrants: 0, codeGrants: 0, refreshGrants: 0, jwtVerified: 0, distinctJwts: 0, connections: 0 },
		jwtsSeen: new Set(),
		nextId: 1000,
		deliveries: [],
		quota: new Map(),
		v1Calls: new Map(),
		renewals: [],
		pendingDeliveries: [],
		quotaRefusedAt: [],
	};
	const visUser = { id: 522078, accountId: 257073, acountLabel: 'Sandbox', firstName: 'Sandy', lastName: 'Box', emailAddress: 'sandy@example.com', contactNumber: '14155550100', status: 'ACTIVE', ucis: [{ id: 1, ucpLabel: 'VBC', health: { status: 'OK', message: '' }, type: 'USER_UCI' }], roles: [{ code: 'AU', name: 'Account User' }] };
	const visAccount = { id: 257073, name: 'Sandbox', org: 'Sandbox Org', ucis: [{ id: 1, ucpLabel: 'VBC', ucpAccountId: 'A-1', health: { status: 'OK', message: '' }, type: 'ACCOUNT_UCI' }], status: 'ACTIVE' };

	// Fixed, so that example workflows can name it.
	const sandboxApplicationId = 'a5e1b0c2-5a4d-4c2e-9f0e-00000000a991';
	state.applications.set(sandboxApplicationId, {
		id: sandboxApplicationId,
		name: 'Sandbox application',
		capabilities: { voice: { webhooks: { answer_url: { address: 'https://example.com/answer', http_method: 'GET' }, event_url: { address: 'https://example.com/event', http_method: 'POST' } } } },
		privacy: { improve_ai: false },
		keys: { public_key: sandboxPublicKey },
	});
	sandbox.applicationId = sandboxApplicationId;

	// With a state file, webhook registrations and issued tokens outlive the process, as they
	// outlive n8n restarts at the real Vonage: an OAuth2 connection made in n8n stays connected
	// (the sandbox behind `npm start` uses this).
	if (options.stateFile && fs.existsSync(options.stateFile)) {
		const saved = JSON.parse(fs.readFileSync(options.stateFile, 'utf8'));
		for (const hook of saved.webhooks ?? []) state.webhooks.set(hook.id, hook);
		for (const [token, expiresAt] of saved.accessTokens ?? []) state.accessTokens.set(token, expiresAt);
		for (const [token, expiresAt] of saved.refreshTokens ?? []) state.refreshTokens.set(token, expiresAt);
	}
	function saveState() {
		if (!options.stateFile) return;
		const live = (tokens) => [...tokens].filter(([, expiresAt]) => expiresAt > clock());
		fs.writeFileSync(
			options.stateFile,
			JSON.stringify({ webhooks: [...state.webhooks.values()], accessTokens: live(state.accessTokens), refreshTokens: live(state.refreshTokens) }),
			{ mode: 0o600 },
		);
	}

	const newId = () => state.nextId++;
	const iso = (ms) => new Date(ms).toISOString();

	// ---------- auth ----------
	function issueTokens() {
		const accessToken = crypto.randomBytes(24).toString('hex');
		const refreshToken = crypto.randomUUID();
		state.accessTokens.set(accessToken, clock() + tokenTtlSeconds * 1000);
		state.refreshTokens.set(refreshToken, clock() + 7 * DAY);
		saveState();
		return { access_token: accessToken, refresh_token: refreshToken, scope: 'openid', token_type: 'Bearer', expires_in: tokenTtlSeconds };
	}

	/**
	 * Client authentication at /token: HTTP Basic with consumer key:secret (what the docs show for
	 * the code and what n8n's OAuth2 sends) or client_id/client_secret in the form (the password
	 * and refresh examples). Returns which one was used, for the request record.
	 */
	function clientAuthOf(req, form) {
		const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		if (basic) {
			const decoded = Buffer.from(basic, 'base64').toString();
			const colon = decoded.indexOf(':');
			const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)].map((v) => decodeURIComponent(v.replace(/\+/g, ' ')));
			return { id, secret, kind: 'basic' };
		}
		return { id: form.client_id, secret: form.client_secret, kind: 'body' };
	}

	function tokenEndpoint(form, client) {
		const bad = (error, description, status = 400) => new HttpError(status, { error, error_description: description });
		if (client.id !== sandbox.consumerKey || client.secret !== sandbox.consumerSecret) throw bad('invalid_client', 'Client authentication failed', 401);
		if (form.grant_type === 'password') {
			if (form.scope !== 'openid') throw bad('invalid_scope', 'scope must be openid');
			if (form.username !== `${sandbox.username}@vbc.prod` || form.password !== sandbox.password) throw bad('invalid_grant', 'Authentication failed for user');
			state.counters.passwordGrants++;
			return issueTokens();
		}
		if (form.grant_type === 'authorization_code') {
			const grant = state.authorizationCodes.get(form.code);
			state.authorizationCodes.delete(form.code); // single use
			if (!grant || grant.expiresAt < clock()) throw bad('invalid_grant', 'Provided Authorization Grant is invalid');
			if (grant.clientId !== client.id) throw bad('invalid_grant', 'The code was issued to another client');
			if (grant.redirectUri !== form.redirect_uri) throw bad('invalid_grant', 'redirect_uri does not match the authorization request');
			state.counters.codeGrants++;
			return issueTokens();
		}
		if (form.grant_type === 'refresh_token') {
			const expires = state.refreshTokens.get(form.refresh_token);
			state.refreshTokens.delete(form.refresh_token); // single use
			if (!expires || expires < clock()) throw bad('invalid_grant', 'Provided Authorization Grant is invalid');
			state.counters.refreshGrants++;
			return issueTokens();
		}
		throw bad('unsupported_grant_type', `grant_type ${form.grant_type} is not supported`);
	}

	const escapeHtml = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

	/** Vonage's sign-in page for the authorization-code grant, reduced to its form. */
	function loginPage(params, error) {
		const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'response_type']
			.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params[name])}">`)
			.join('');
		const html = `<!doctype html><title>Vonage sign in</title>${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}<h1>Vonage sandbox: sign in</h1><p>The local stand-in for Vonage's sign-in page. Sign in as the sandbox VBC user <b>${escapeHtml(sandbox.username)}</b> with the password <b>${escapeHtml(sandbox.password)}</b>.</p><form method="post" action="/authorize">${hidden}<p><label for="username">VBC username</label><br><input id="username" name="username" autocomplete="username" value="${escapeHtml(sandbox.username)}"></p><p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p><button>Sign in</button></form>`;
		return [200, html, { 'content-type': 'text/html; charset=utf-8' }];
	}

	/** GET shows the sign-in form; POST signs the VBC user in and redirects back with a code. */
	function authorizeEndpoint(method, params) {
		const refuse = (description) => [400, `<!doctype html><p class="error">${escapeHtml(description)}</p>`, { 'content-type': 'text/html; charset=utf-8' }];
		if (params.client_id !== sandbox.consumerKey) return refuse('invalid_client: unknown client_id');
		if (params.response_type !== 'code') return refuse('unsupported_response_type: response_type must be code');
		if (!String(params.scope ?? '').split(/[ ,]+/).includes('openid')) return refuse('invalid_scope: scope must include openid');
		let redirect;
		try { redirect = new URL(params.redirect_uri); } catch { return refuse('invalid_request: redirect_uri is missing or not a URL'); }
		if (method === 'GET') return loginPage(params);
		const login = String(params.username ?? '').replace(/@vbc\.prod$/, '');
		if (login !== sandbox.username || params.password !== sandbox.password) return loginPage(params, 'Invalid username or password');
		const code = crypto.randomBytes(16).toString('hex');
		state.authorizationCodes.set(code, { clientId: params.client_id, redirectUri: params.redirect_uri, expiresAt: clock() + 10 * 60_000 });
		redirect.searchParams.set('code', code);
		if (params.state !== undefined) redirect.searchParams.set('state', params.state);
		return [302, undefined, { location: redirect.toString() }];
	}

	function requireVisToken(req) {
		const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		const expires = token && state.accessTokens.get(token);
		if (!expires) throw visError(401, 'UNAUTHORIZED', 'Invalid Credentials');
		if (expires < clock()) throw visError(401, 'UNAUTHORIZED', 'Access token expired');
		enforceVisQuota(token);
		return 'vis-bearer';
	}

	/** VIS's per-token quota, when options.visQuotaPerMinute is set: a sliding minute, then 429 with Retry-After. */
	function enforceVisQuota(token) {
		const limit = options.visQuotaPerMinute;
		if (!limit) return;
		const now = clock();
		const times = (state.quota.get(token) ?? []).filter((at) => at > now - 60_000);
		state.quota.set(token, times);
		if (times.length >= limit) {
			state.counters.quotaRefusals = (state.counters.quotaRefusals ?? 0) + 1;
			state.quotaRefusedAt.push(now);
			throw new HttpError(429, { errorCode: 'TOO_MANY_REQUESTS', errorMessage: 'Quota exceeded' }, { 'retry-after': String(Math.ceil((times[0] + 60_000 - now) / 1000)) });
		}
		times.push(now);
	}

	function requireBasic(req) {
		const encoded = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		const [key, secret] = encoded ? Buffer.from(encoded, 'base64').toString().split(':') : [];
		if (key !== sandbox.apiKey || secret !== sandbox.apiSecret) throw problem(401, 'Unauthorized', 'You did not provide correct credentials.');
		return 'basic';
	}

	function requireJwt(req) {
		const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		const unauthorized = (detail) => problem(401, 'Unauthorized', detail);
		if (!token) throw unauthorized('Missing bearer JWT');
		const [h, p, s] = token.split('.');
		let header, claims;
		try {
			header = JSON.parse(Buffer.from(h, 'base64url'));
			claims = JSON.parse(Buffer.from(p, 'base64url'));
		} catch {
			throw unauthorized('Malformed JWT');
		}
		if (header.alg !== 'RS256') throw unauthorized('JWT must be RS256');
		const app = state.applications.get(claims.application_id);
		if (!app?.keys?.public_key) throw unauthorized('Unknown application_id');
		const ok = crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), app.keys.public_key, Buffer.from(s ?? '', 'base64url'));
		if (!ok) throw unauthorized('Invalid JWT signature');
		const now = Math.floor(clock() / 1000);
		if (typeof claims.iat !== 'number' || typeof claims.jti !== 'string') throw unauthorized('JWT needs iat and jti');
		if (claims.exp !== undefined && claims.exp < now) throw unauthorized('JWT expired');
		state.counters.jwtVerified++;
		if (!state.jwtsSeen.has(token)) {
			state.jwtsSeen.add(token);
			state.counters.distinctJwts++;
		}
		return 'jwt-bearer';
	}

	/** The application a (verified) application JWT was signed for. */
	function jwtApplicationId(req) {
		const payload = (req.headers.authorization ?? '').split('.')[1];
		return JSON.parse(Buffer.from(payload, 'base64url')).application_id;
	}

	// ---------- VIS ----------
	function recordEvent(call) {
		state.events.push({ ...call, id: newId(), type: 'CALL' });
	}

	function makeCall(phoneNumber, direction = 'OUTBOUND', callState = 'RINGING') {
		const call = { id: newId(), externalId: crypto.randomUUID(), type: 'CALL', accountId: visUser.accountId, userId: visUser.id, uciId: 1, direction, callerId: '', phoneNumber, duration: 0, state: callState, startTime: iso(clock()), answerTime: null, endTime: null };
		state.calls.set(String(call.id), call);
		recordEvent(call);
		return call;
	}

	function seedEvents(count, template = {}) {
		const start = clock() - count * 1000;
		for (let i = 0; i < count; i++) {
			state.events.push({ id: newId(), externalId: `ext-${i}`, type: 'CALL', accountId: visUser.accountId, userId: visUser.id, uciId: 1, direction: i % 2 ? 'INBOUND' : 'OUTBOUND', callerId: '', phoneNumber: `1415555${String(i).padStart(4, '0')}`, duration: 0, state: CALL_STATES[i % CALL_STATES.length], startTime: iso(start + i * 1000), answerTime: null, endTime: null, ...template });
		}
	}

	function findCall(id) {
		const call = state.calls.get(String(id));
		if (!call) throw visError(404, 'NOT_FOUND', `Call ${id} not found`);
		return call;
	}

	function setCallState(call, next) {
		call.state = next;
		if (['ACTIVE'].includes(next) && !call.answerTime) call.answerTime = iso(clock());
		if (['ANSWERED', 'CANCELLED', 'REJECTED', 'MISSED'].includes(next)) {
			call.endTime = iso(clock());
			call.duration = call.answerTime ? clock() - Date.parse(call.answerTime) : 0;
		}
		recordEvent(call);
		return call;
	}

	function listFilter(query, allowedStates) {
		const errors = [];
		const split = (v) => (v ? String(v).split(',').map((s) => s.trim()).filter(Boolean) : undefined);
		const directions = split(query.direction);
		const states = split(query.states);
		for (const d of directions ?? []) if (!['INBOUND', 'OUTBOUND'].includes(d)) errors.push({ field: 'direction', message: `must be INBOUND or OUTBOUND, got ${d}` });
		for (const s of states ?? []) if (!allowedStates.includes(s)) errors.push({ field: 'states', message: `unknown state ${s}` });
		for (const f of ['fromDate', 'toDate', 'offset', 'size']) if (query[f] !== undefined && !/^\d+$/.test(query[f])) errors.push({ field: f, message: 'must be an integer' });
		if (query.order !== undefined && !['ASC', 'DESC'].includes(query.order)) errors.push({ field: 'order', message: 'must be ASC or DESC' });
		if (query.types !== undefined && query.types !== 'CALL') errors.push({ field: 'types', message: 'must be CALL' });
		if (query.size !== undefined && (Number(query.size) < 1 || Number(query.size) > 1000)) errors.push({ field: 'size', message: 'must be between 1 and 1000' });
		if (errors.length) throw visInvalid(errors);
		return (record) =>
			(!directions || directions.includes(record.direction)) &&
			(!states || states.includes(record.state)) &&
			(query.fromDate === undefined || Date.parse(record.startTime) >= Number(query.fromDate)) &&
			(query.toDate === undefined || Date.parse(record.startTime) <= Number(query.toDate));
	}

	/** `offset` is a page number from 1 (the docs: "Page number of events to return"). */
	function page(records, query) {
		const sorted = [...records].sort((a, b) => (a.id - b.id) * (query.order === 'DESC' ? -1 : 1));
		const size = Number(query.size ?? 20);
		const pageNumber = Math.max(1, Number(query.offset ?? 1));
		return sorted.slice((pageNumber - 1) * size, pageNumber * size);
	}

	function validateWebhook(body) {
		const errors = [];
		if (typeof body.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(body.url)) errors.push({ field: 'url', message: 'must be an http(s) URL' });
		if (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((e) => e !== 'CALL')) errors.push({ field: 'events', message: 'must be a non-empty array of CALL' });
		if (body.signingAlgo !== undefined && !['HMAC_SHA256', 'NONE'].includes(body.signingAlgo)) errors.push({ field: 'signingAlgo', message: 'must be HMAC_SHA256' });
		if (body.metadataPolicy !== undefined && !['NONE', 'HEADER', 'BODY'].includes(body.metadataPolicy)) errors.push({ field: 'metadataPolicy', message: 'must be NONE, HEADER or BODY' });
		if (errors.length) throw visInvalid(errors);
	}

	function findWebhook(id) {
		const hook = state.webhooks.get(String(id));
		if (!hook) throw visError(404, 'NOT_FOUND', `Webhook ${id} not found`);
		return hook;
	}

	function vis(method, path, query, body) {
		const seg = path.split('/').slice(1).map(decodeURIComponent); // ['self', ...]
		if (seg[0] !== 'self') throw visError(404, 'NOT_FOUND', 'No such resource');
		const [, collection, id, action] = seg;
		const route = `${method} ${[collection, id === undefined ? undefined : id === 'count' ? 'count' : ':id', action].filter((x) => x !== undefined).join('/')}`;
		switch (route) {
			case 'GET ': return [200, visUser];
			case 'GET account': return [200, visAccount];
			case 'POST calls': {
				if (!body || typeof body.phoneNumber !== 'string' || body.phoneNumber === '') throw visInvalid([{ field: 'phoneNumber', message: 'must not be empty' }]);
				if (!isPhone(body.phoneNumber)) throw visInvalid([{ field: 'phoneNumber', message: 'must be a phone number' }]);
				return [201, [makeCall(body.phoneNumber)]];
			}
			case 'GET calls': {
				const match = listFilter({ states: 'ACTIVE', ...query }, ACTIVE_STATES);
				return [200, page([...state.calls.values()].filter(match), query)];
			}
			case 'GET calls/count': {
				const match = listFilter({ states: 'ACTIVE', ...query }, ACTIVE_STATES);
				return [200, { count: [...state.calls.values()].filter(match).length }];
			}
			case 'GET calls/:id': return [200, [findCall(id)]];
			case 'DELETE calls/:id': {
				const call = findCall(id);
				return [200, [setCallState(call, call.answerTime ? 'ANSWERED' : 'CANCELLED')]];
			}
			case 'PUT calls/:id/answer': return [200, setCallState(findCall(id), 'ACTIVE')];
			case 'PUT calls/:id/hold': return [200, setCallState(findCall(id), 'HELD')];
			case 'DELETE calls/:id/hold': return [200, setCallState(findCall(id), 'ACTIVE')];
			case 'PUT calls/:id/vmtransfer': return [200, setCallState(findCall(id), 'REJECTED')];
			case 'POST calls/:id/transfer': {
				const call = findCall(id);
				if (!body || !isPhone(body.phoneNumber)) throw visInvalid([{ field: 'phoneNumber', message: 'must be a phone number' }]);
				return [200, setCallState(call, 'DETACHED')];
			}
			case 'GET events': return [200, page(state.events.filter(listFilter(query, CALL_STATES)), query)];
			case 'GET events/count': return [200, { count: state.events.filter(listFilter(query, CALL_STATES)).length }];
			case 'GET events/:id': {
				const event = state.events.find((e) => String(e.id) === id);
				if (!event) throw visError(404, 'NOT_FOUND', `Event ${id} not found`);
				return [200, [event]];
			}
			case 'GET webhooks': return [200, [...state.webhooks.values()]];
			case 'POST webhooks': {
				validateWebhook(body ?? {});
				const now = clock();
				const hook = { id: crypto.randomUUID(), accountId: String(visUser.accountId), userId: String(visUser.id), url: body.url, events: body.events, signingAlgo: body.signingAlgo ?? 'NONE', signingKey: body.signingKey ?? '', metadataPolicy: body.metadataPolicy ?? 'NONE', status: 'ACTIVE', createdAt: iso(now), renewedAt: null, expireAt: iso(now + webhookTtlMs), purgeAt: iso(now + 40 * DAY), statistics: { failed: false, totalAttempts: 0, totalSuccesses: 0, totalFailures: 0 } };
				state.webhooks.set(hook.id, hook);
				saveState();
				return [201, hook];
			}
			case 'GET webhooks/:id': return [200, findWebhook(id)];
			case 'DELETE webhooks/:id': findWebhook(id); state.webhooks.delete(id); saveState(); return [204, undefined];
			case 'PUT webhooks/:id/renew': {
				const hook = findWebhook(id);
				const now = clock();
				Object.assign(hook, { renewedAt: iso(now), renewedBy: String(visUser.id), expireAt: iso(now + webhookTtlMs), purgeAt: iso(now + 40 * DAY) });
				state.renewals.push({ webhookId: hook.id, at: now });
				hook.statistics.failed = false;
				saveState();
				return [200, hook];
			}
			default: throw visError(404, 'NOT_FOUND', `No route ${method} ${path}`);
		}
	}

	// ---------- Applications v2 ----------
	const VOICE_REGIONS = ['na-east', 'na-west', 'eu-west', 'eu-east', 'apac-sng', 'apac-australia'];
	function validateApplication(body) {
		const invalid = [];
		if (typeof body.name !== 'string' || body.name.trim() === '') invalid.push({ name: 'name', reason: 'is required' });
		const voice = body.capabilities?.voice;
		if (voice) {
			const hooks = voice.webhooks ?? {};
			for (const [key, hook] of Object.entries(hooks)) {
				if (hook.address !== undefined && !/^https?:\/\//.test(hook.address)) invalid.push({ name: `capabilities.voice.webhooks.${key}.address`, reason: 'must be a URL' });
				if (hook.connect_timeout !== undefined && (hook.connect_timeout < 300 || hook.connect_timeout > 1000)) invalid.push({ name: `capabilities.voice.webhooks.${key}.connect_timeout`, reason: 'must be between 300 and 1000' });
				const socketMax = key === 'event_url' ? 10000 : 5000;
				if (hook.socket_timeout !== undefined && (hook.socket_timeout < 1000 || hook.socket_timeout > socketMax)) invalid.push({ name: `capabilities.voice.webhooks.${key}.socket_timeout`, reason: `must be between 1000 and ${socketMax}` });
			}
			if (voice.region !== undefined && !VOICE_REGIONS.includes(voice.region)) invalid.push({ name: 'capabilities.voice.region', reason: `must be one of ${VOICE_REGIONS.join(', ')}` });
			if (voice.conversations_ttl !== undefined && (voice.conversations_ttl < 1 || voice.conversations_ttl > 9000)) invalid.push({ name: 'capabilities.voice.conversations_ttl', reason: 'must be between 1 and 9000' });
			if (voice.leg_persistence_time !== undefined && (voice.leg_persistence_time < 1 || voice.leg_persistence_time > 31)) invalid.push({ name: 'capabilities.voice.leg_persistence_time', reason: 'must be between 1 and 31' });
		}
		if (body.capabilities?.vbc !== undefined && Object.keys(body.capabilities.vbc).length) invalid.push({ name: 'capabilities.vbc', reason: 'must be an empty object' });
		if (invalid.length) throw invalidParameters(invalid);
	}
	const appView = (app) => ({ ...app, keys: { public_key: app.keys.public_key }, _links: { self: { href: `/v2/applications/${app.id}` } } });
	function findApp(id) {
		const app = state.applications.get(id);
		if (!app) throw problem(404, 'Not Found', `Application ${id} does not exist, or you do not have access`);
		return app;
	}

	function applications(method, id, query, body) {
		if (!id && method === 'GET') {
			const pageSize = Number(query.page_size ?? 10);
			const pageNumber = Number(query.page ?? 1);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw invalidParameters([{ name: 'page_size', reason: 'must be between 1 and 100' }]);
			if (!Number.isInteger(pageNumber) || pageNumber < 1) throw invalidParameters([{ name: 'page', reason: 'must be 1 or more' }]);
			const all = [...state.applications.values()];
			const totalPages = Math.max(1, Math.ceil(all.length / pageSize));
			return [200, { page_size: pageSize, page: pageNumber, total_items: all.length, total_pages: totalPages, _embedded: { applications: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(appView) }, _links: { self: { href: `/v2/applications?page_size=${pageSize}&page=${pageNumber}` } } }];
		}
		if (!id && method === 'POST') {
			validateApplication(body ?? {});
			const app = { id: crypto.randomUUID(), name: body.name, capabilities: body.capabilities ?? {}, privacy: body.privacy ?? { improve_ai: false }, keys: {} };
			let privatePem;
			if (body.keys?.public_key) app.keys.public_key = body.keys.public_key;
			else {
				const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
				app.keys.public_key = pair.publicKey.export({ type: 'spki', format: 'pem' });
				privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
			}
			state.applications.set(app.id, app);
			const view = appView(app);
			if (privatePem) view.keys.private_key = privatePem;
			return [201, view];
		}
		const app = findApp(id);
		if (method === 'GET') return [200, appView(app)];
		if (method === 'PUT') {
			validateApplication(body ?? {});
			// PUT replaces: whatever the body leaves out is gone, as with the real API.
			Object.assign(app, { name: body.name, capabilities: body.capabilities ?? {}, privacy: body.privacy ?? app.privacy });
			if (body.keys?.public_key) app.keys.public_key = body.keys.public_key;
			return [200, appView(app)];
		}
		if (method === 'DELETE') { state.applications.delete(id); return [204, undefined]; }
		throw problem(405, 'Method Not Allowed', `${method} is not supported here`);
	}

	// ---------- Users v1 ----------
	const CHANNELS = ['pstn', 'sip', 'vbc', 'websocket', 'sms', 'mms', 'whatsapp', 'viber', 'messenger'];
	const userView = (u) => ({ ...u, _links: { self: { href: `${options.publicHost ?? 'https://api.nexmo.com'}/v1/users/${u.id}` } } });
	function validateUser(body) {
		const invalid = [];
		if (body.name !== undefined && (typeof body.name !== 'string' || !/^[^\s]{1,255}$/.test(body.name))) invalid.push({ name: 'name', reason: 'must be 1 to 255 characters without spaces' });
		for (const key of Object.keys(body.channels ?? {})) if (!CHANNELS.includes(key)) invalid.push({ name: `channels.${key}`, reason: 'unknown channel' });
		if (body.properties?.ttl !== undefined && !(Number.isInteger(body.properties.ttl) && body.properties.ttl > 0)) invalid.push({ name: 'properties.ttl', reason: 'must be a positive integer' });
		if (invalid.length) throw invalidParameters(invalid);
	}
	function findUser(id) {
		const user = state.users.get(id);
		if (!user) throw problem(404, 'Not found.', `User ${id} does not exist, or you do not have access.`);
		return user;
	}
	function users(method, id, query, body) {
		if (!id && method === 'GET') {
			const pageSize = Number(query.page_size ?? 10);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw invalidParameters([{ name: 'page_size', reason: 'must be between 1 and 100' }]);
			const order = String(query.order ?? 'asc').toLowerCase();
			if (!['asc', 'desc'].includes(order)) throw invalidParameters([{ name: 'order', reason: 'must be asc or desc' }]);
			let all = [...state.users.values()].filter((u) => !query.name || u.name === query.name);
			if (order === 'desc') all = all.reverse();
			let start = 0;
			if (query.cursor) {
				const decoded = Number(Buffer.from(String(query.cursor), 'base64url').toString());
				if (!Number.isInteger(decoded) || decoded < 0) throw invalidParameters([{ name: 'cursor', reason: 'is invalid' }]);
				start = decoded;
			}
			const pageItems = all.slice(start, start + pageSize);
			const base = `${options.publicHost ?? 'https://api.nexmo.com'}/v1/users?order=${order}&page_size=${pageSize}`;
			const links = { first: { href: base }, self: { href: query.cursor ? `${base}&cursor=${encodeURIComponent(query.cursor)}` : base } };
			if (start + pageSize < all.length) links.next = { href: `${base}&cursor=${encodeURIComponent(b64url(String(start + pageSize)))}` };
			if (start > 0) links.prev = { href: `${base}&cursor=${encodeURIComponent(b64url(String(Math.max(0, start - pageSize))))}` };
			return [200, { page_size: pageSize, _embedded: { users: pageItems.map((u) => ({ id: u.id, name: u.name, display_name: u.display_name, _links: userView(u)._links })) }, _links: links }];
		}
		if (!id && method === 'POST') {
			body = body ?? {};
			validateUser(body);
			const name = body.name ?? `NAM-${crypto.randomUUID()}`;
			if ([...state.users.values()].some((u) => u.name === name)) throw problem(409, 'User already exists', `User with name ${name} already exists`, { code: 'user:error:duplicate-name' });
			const user = { id: `USR-${crypto.randomUUID()}`, name, display_name: body.display_name ?? name, image_url: body.image_url, properties: body.properties ?? {}, channels: body.channels ?? {} };
			state.users.set(user.id, user);
			return [201, userView(user)];
		}
		const user = findUser(id);
		if (method === 'GET') return [200, userView(user)];
		if (method === 'PATCH') {
			validateUser(body ?? {});
			for (const key of ['name', 'display_name', 'image_url', 'properties', 'channels']) if (body[key] !== undefined) user[key] = body[key];
			return [200, userView(user)];
		}
		if (method === 'DELETE') { state.users.delete(id); return [204, undefined]; }
		throw problem(405, 'Method Not Allowed', `${method} is not supported here`);
	}

	// ---------- Voice v2 ----------
	function voice(body) {
		body = body ?? {};
		const invalid = validateCall(body);
		if (invalid.length) throw invalidParameters(invalid);
		state.voiceCalls.push(body);
		return [202, {}];
	}

	// ---------- Voice API v1: calls and their control ----------
	/** The body checks Create Call v1 shares with v2, plus advanced machine detection. */
	function validateCall(body) {
		const invalid = [];
		const hasNcco = body.ncco !== undefined;
		const hasAnswer = body.answer_url !== undefined;
		if (hasNcco === hasAnswer) invalid.push({ name: 'ncco', reason: 'exactly one of ncco or answer_url is required' });
		if (hasNcco && (!Array.isArray(body.ncco) || body.ncco.some((a) => typeof a?.action !== 'string'))) invalid.push({ name: 'ncco', reason: 'must be an array of actions' });
		if (hasAnswer && (!Array.isArray(body.answer_url) || body.answer_url.length !== 1)) invalid.push({ name: 'answer_url', reason: 'must be an array with one URL' });
		if (!Array.isArray(body.to) || body.to.length !== 1 || typeof body.to[0]?.type !== 'string') invalid.push({ name: 'to', reason: 'must be an array with one endpoint' });
		else if (body.to[0].type === 'phone' && !isPhone(body.to[0].number)) invalid.push({ name: 'to[0].number', reason: 'must be a phone number of 7 to 15 digits' });
		if ((body.from === undefined) === (body.random_from_number !== true)) invalid.push({ name: 'from', reason: 'give either from or random_from_number: true' });
		if (body.length_timer !== undefined && (body.length_timer < 1 || body.length_timer > 7200)) invalid.push({ name: 'length_timer', reason: 'must be between 1 and 7200' });
		if (body.ringing_timer !== undefined && (body.ringing_timer < 1 || body.ringing_timer > 120)) invalid.push({ name: 'ringing_timer', reason: 'must be between 1 and 120' });
		const amd = body.advanced_machine_detection;
		if (amd !== undefined) {
			if (!['continue', 'hangup'].includes(amd.behavior)) invalid.push({ name: 'advanced_machine_detection.behavior', reason: 'must be continue or hangup' });
			if (!['default', 'detect', 'detect_beep'].includes(amd.mode)) invalid.push({ name: 'advanced_machine_detection.mode', reason: 'must be default, detect or detect_beep' });
			if (amd.beep_timeout !== undefined && (amd.beep_timeout < 45 || amd.beep_timeout > 120)) invalid.push({ name: 'advanced_machine_detection.beep_timeout', reason: 'must be between 45 and 120' });
		}
		return invalid;
	}

	/** The event URL of a v1 call: the one it was created with, or its application's. */
	function eventTargetOf(call) {
		const fromBody = call.request.event_url?.[0];
		if (fromBody) return { address: fromBody, http_method: call.request.event_method ?? 'POST' };
		return findApp(call.applicationId).capabilities.voice?.webhooks?.event_url;
	}

	/** Sends a call status event as Voice does (signed when the application signs), without awaiting. */
	function callEvent(call, status, extra = {}) {
		const target = eventTargetOf(call);
		if (!target?.address) return;
		const event = { uuid: call.uuid, conversation_uuid: call.conversation_uuid, status, direction: call.direction, from: call.from.number ?? '', to: call.to.number ?? call.to.uri ?? '', timestamp: iso(clock()), ...extra };
		const voice = findApp(call.applicationId).capabilities.voice ?? {};
		const payload = JSON.stringify(event);
		const headers = { 'content-type': 'application/json', ...signedCallbackHeader(call.applicationId, voice, payload) };
		const delivery = fetch(target.address, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(10_000) })
			.then(async (response) => state.deliveries.push({ applicationId: call.applicationId, kind: 'event', status: response.status, body: await response.text(), event }))
			.catch((error) => state.deliveries.push({ applicationId: call.applicationId, kind: 'event', error: error.message, event }));
		state.pendingDeliveries.push(delivery);
	}

	const callView = (call) => {
		const { request: _request, applicationId: _app, ...view } = call;
		return { ...view, _links: { self: { href: `/v1/calls/${call.uuid}` } } };
	};

	function findVoiceCall(uuid) {
		const call = state.v1Calls.get(uuid);
		if (!call) throw problem(404, 'Not Found', `Call ${uuid} was not found`);
		return call;
	}

	function requireLive(call) {
		if (['completed', 'busy', 'cancelled', 'failed', 'rejected', 'timeout', 'unanswered'].includes(call.status)) {
			throw problem(400, 'Bad Request', `Call ${call.uuid} has ended (${call.status})`);
		}
	}

	function voiceV1(method, path, query, body, applicationId) {
		if (path === '' && method === 'POST') {
			const invalid = validateCall(body ?? {});
			if (invalid.length) throw invalidParameters(invalid);
			const uuid = crypto.randomUUID();
			const call = {
				uuid,
				conversation_uuid: `CON-${crypto.randomUUID()}`,
				status: 'started',
				direction: 'outbound',
				to: body.to[0],
				from: body.from ?? { type: 'phone', number: '14155550105' },
				start_time: iso(clock()),
				end_time: null,
				duration: '0',
				rate: '0.00',
				price: '0.00',
				network: '65512',
				talks: [],
				streams: [],
				dtmf: [],
				request: body,
				applicationId,
			};
			state.v1Calls.set(uuid, call);
			callEvent(call, 'started');
			// The callee picks up at once in the sandbox.
			call.status = 'answered';
			callEvent(call, 'answered');
			return [201, { uuid, status: 'started', direction: 'outbound', conversation_uuid: call.conversation_uuid }];
		}
		if (path === '' && method === 'GET') {
			const size = Number(query.page_size ?? 10);
			const index = Number(query.record_index ?? 0);
			if (!Number.isInteger(size) || size < 1 || size > 100) throw invalidParameters([{ name: 'page_size', reason: 'must be between 1 and 100' }]);
			let calls = [...state.v1Calls.values()];
			if (query.status) calls = calls.filter((c) => c.status === query.status);
			if (query.conversation_uuid) calls = calls.filter((c) => c.conversation_uuid === query.conversation_uuid);
			if (query.date_start) calls = calls.filter((c) => c.start_time >= query.date_start.replace('Z', '.000Z'));
			if (query.date_end) calls = calls.filter((c) => c.start_time <= query.date_end.replace('Z', '.999Z'));
			if (query.order === 'desc') calls.reverse();
			const pageCalls = calls.slice(index, index + size);
			const links = { self: { href: `/v1/calls?page_size=${size}&record_index=${index}` } };
			if (index + size < calls.length) links.next = { href: `/v1/calls?page_size=${size}&record_index=${index + size}` };
			return [200, { count: calls.length, page_size: size, record_index: index, _links: links, _embedded: { calls: pageCalls.map(callView) } }];
		}
		const m = /^\/([^/]+)(?:\/(stream|talk|dtmf))?$/.exec(path);
		if (!m) throw problem(404, 'Not Found', `No route ${method} /v1/calls${path}`);
		const call = findVoiceCall(decodeURIComponent(m[1]));
		const sub = m[2];
		if (!sub && method === 'GET') return [200, callView(call)];
		if (!sub && method === 'PUT') {
			requireLive(call);
			const actions = ['hangup', 'mute', 'unmute', 'earmuff', 'unearmuff', 'transfer'];
			if (!actions.includes(body?.action)) throw invalidParameters([{ name: 'action', reason: `must be one of ${actions.join(', ')}` }]);
			if (body.action === 'transfer') {
				const destination = body.destination;
				const valid = destination?.type === 'ncco' && (Array.isArray(destination.ncco) ? destination.ncco.every((a) => typeof a?.action === 'string') : Array.isArray(destination.url) && destination.url.length === 1);
				if (!valid) throw invalidParameters([{ name: 'destination', reason: 'must be {type: "ncco", ncco: [...]} or {type: "ncco", url: [url]}' }]);
				call.transfers = [...(call.transfers ?? []), destination];
			}
			if (body.action === 'hangup') {
				call.status = 'completed';
				call.end_time = iso(clock());
				callEvent(call, 'completed', { duration: '1' });
			} else call[body.action === 'transfer' ? 'lastAction' : 'state'] = body.action;
			return [204, undefined];
		}
		requireLive(call);
		if (sub === 'stream' && method === 'PUT') {
			if (!Array.isArray(body?.stream_url) || body.stream_url.length !== 1) throw invalidParameters([{ name: 'stream_url', reason: 'must be an array with one URL' }]);
			if (body.level !== undefined && (Number(body.level) < -1 || Number(body.level) > 1)) throw invalidParameters([{ name: 'level', reason: 'must be between -1 and 1' }]);
			call.streams.push(body);
			return [200, { message: 'Stream started', uuid: call.uuid }];
		}
		if (sub === 'talk' && method === 'PUT') {
			if (typeof body?.text !== 'string' || !body.text || body.text.length > 1500) throw invalidParameters([{ name: 'text', reason: 'must be 1 to 1500 characters' }]);
			call.talks.push(body);
			return [200, { message: 'Talk started', uuid: call.uuid }];
		}
		if (sub === 'dtmf' && method === 'PUT') {
			if (!/^[0-9*#p]+$/.test(String(body?.digits ?? ''))) throw invalidParameters([{ name: 'digits', reason: 'must be 0-9, *, # or p' }]);
			call.dtmf.push(body.digits);
			return [200, { message: 'DTMF sent', uuid: call.uuid }];
		}
		if ((sub === 'stream' || sub === 'talk') && method === 'DELETE') {
			return [200, { message: sub === 'stream' ? 'Stream stopped' : 'Talk stopped', uuid: call.uuid }];
		}
		throw problem(404, 'Not Found', `No route ${method} /v1/calls${path}`);
	}

	// ---------- delivery of signed VIS events ----------
	/**
	 * Posts an event to a registered webhook the way VIS does. Options can tamper with the
	 * delivery after signing, sign with another key, drop a header or resend a deliveryId.
	 */
	async function deliverEvent(webhookId, event, opts = {}) {
		const hook = findWebhook(webhookId);
		const deliveryId = opts.deliveryId ?? crypto.randomUUID();
		const attempt = opts.attempt ?? 1;
		const key = opts.signingKey ?? hook.signingKey;
		const signature = crypto.createHmac('sha256', key).update(canonicalJson(event)).digest('hex');
		const metadata = { attempt, deliveryId, signature, webhookId: opts.webhookIdHeader ?? hook.id };
		const sentEvent = opts.tamper ? opts.tamper(structuredClone(event)) : event;
		const headers = { 'content-type': 'application/json' };
		if (hook.metadataPolicy === 'HEADER') {
			Object.assign(headers, { 'x-von-signature': signature, 'x-von-webhook-id': metadata.webhookId, 'x-von-delivery-id': deliveryId, 'x-von-attempt': String(attempt) });
			for (const name of opts.omitHeaders ?? []) delete headers[name.toLowerCase()];
		}
		const payload = opts.rawBody ?? JSON.stringify(hook.metadataPolicy === 'BODY' ? { event: sentEvent, metadata } : { event: sentEvent });
		const response = await fetch(hook.url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
		const text = await response.text();
		hook.statistics.totalAttempts++;
		hook.statistics[response.ok ? 'totalSuccesses' : 'totalFailures']++;
		const record = { webhookId, deliveryId, attempt, status: response.status, body: text };
		state.deliveries.push(record);
		return record;
	}

	function sampleEvent(overrides = {}) {
		return { accountId: String(visUser.accountId), direction: 'INBOUND', duration: 0, externalId: crypto.randomUUID(), id: String(newId()), internal: false, phoneNumber: '14155550123', startTime: iso(clock()), state: 'RINGING', type: 'CALL', ucpType: 'VBS', userId: String(visUser.id), ...overrides };
	}

	// ---------- Voice callbacks to an application's webhooks ----------
	const hs256 = (claims, secret) => {
		const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const body = b64url(JSON.stringify(claims));
		return `${head}.${body}.${b64url(crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest())}`;
	};

	function sampleVoiceEvent(overrides = {}) {
		return { from: '14155550100', to: '14155550105', uuid: crypto.randomUUID(), conversation_uuid: `CON-${crypto.randomUUID()}`, status: 'started', direction: 'outbound', timestamp: iso(clock()), ...overrides };
	}

	/**
	 * Sends a call event to the application's event_url as Voice does; when the application has
	 * signed_callbacks, with a signed-callback JWT (HS256, account signature secret, payload_hash).
	 * opts: secret (sign with another), iatOffsetSeconds, tamper (change the body after signing),
	 * via (another base URL for the same path: one queue-mode webhook processor).
	 */
	async function deliverVoiceEvent(applicationId, event, opts = {}) {
		const voice = findApp(applicationId).capabilities.voice ?? {};
		const target = voice.webhooks?.event_url;
		if (!target?.address) throw problem(409, 'Conflict', 'The application has no voice event_url');
		const payload = JSON.stringify(event);
		const headers = { 'content-type': 'application/json', ...signedCallbackHeader(applicationId, voice, payload, opts) };
		const sent = opts.tamper ? JSON.stringify({ ...event, ...opts.tamper }) : payload;
		const address = opts.via ? new URL(new URL(target.address).pathname, opts.via).href : target.address;
		const response = await fetch(address, { method: target.http_method ?? 'POST', headers, body: sent, signal: AbortSignal.timeout(10_000) });
		const record = { applicationId, kind: 'event', status: response.status, body: await response.text(), authorization: headers.authorization };
		state.deliveries.push(record);
		return record;
	}

	/**
	 * When the application has signed_callbacks, Voice sends a JWT (HS256, account signature
	 * secret) whose payload_hash is the SHA-256 of the body, or of the query as JSON for a GET.
	 * opts: secret (sign with another), iatOffsetSeconds.
	 */
	function signedCallbackHeader(applicationId, voice, payload, opts = {}) {
		if (voice.signed_callbacks !== true) return {};
		const iat = Math.floor(clock() / 1000) + (opts.iatOffsetSeconds ?? 0);
		const claims = { iat, exp: iat + 300, jti: crypto.randomUUID(), iss: 'Vonage', api_key: sandbox.apiKey, application_id: applicationId, payload_hash: crypto.createHash('sha256').update(payload).digest('hex') };
		return { authorization: `Bearer ${hs256(claims, opts.secret ?? sandbox.signatureSecret)}` };
	}

	/**
	 * An inbound call as Voice handles it: fetch the NCCO from answer_url; on an HTTP error or no
	 * answer, from fallback_answer_url. Returns which one answered and the NCCO it gave.
	 */
	async function answerCall(applicationId, call = {}) {
		const voice = findApp(applicationId).capabilities.voice ?? {};
		const hooks = voice.webhooks ?? {};
		const params = { from: '14155550100', to: '14155550105', uuid: crypto.randomUUID(), conversation_uuid: `CON-${crypto.randomUUID()}`, region_url: 'https://api-us-3.vonage.com', ...call };
		const attempts = [];
		for (const name of ['answer_url', 'fallback_answer_url']) {
			const target = hooks[name];
			if (!target?.address) continue;
			const get = (target.http_method ?? 'GET') === 'GET';
			const url = new URL(target.address);
			if (get) for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
			try {
				const payload = JSON.stringify(params);
				const headers = { ...(get ? {} : { 'content-type': 'application/json' }), ...signedCallbackHeader(applicationId, voice, payload) };
				const response = await fetch(url, { method: get ? 'GET' : 'POST', headers, body: get ? undefined : payload, signal: AbortSignal.timeout(10_000) });
				const text = await response.text();
				attempts.push({ webhook: name, status: response.status, body: text.slice(0, 300) });
				let ncco;
				try { ncco = JSON.parse(text); } catch {}
				if (response.ok && Array.isArray(ncco)) {
					const record = { applicationId, kind: 'answer', answeredBy: name, status: response.status, ncco, attempts };
					state.deliveries.push(record);
					return record;
				}
			} catch (error) {
				attempts.push({ webhook: name, error: error.message });
			}
		}
		const record = { applicationId, kind: 'answer', answeredBy: null, ncco: null, attempts };
		state.deliveries.push(record);
		return record;
	}

	// ---------- control API for other processes ----------
	async function control(method, path, body) {
		if (method === 'GET' && path === '/state') {
			return [200, { requests: state.requests, webhooks: [...state.webhooks.values()], applications: [...state.applications.values()].map(appView), users: [...state.users.values()], voiceCalls: state.voiceCalls, v1Calls: [...state.v1Calls.values()].map(callView), calls: [...state.calls.values()], eventCount: state.events.length, counters: state.counters, deliveries: state.deliveries }];
		}
		if (method === 'GET' && path === '/sandbox') return [200, sandbox];
		if (method === 'GET' && path === '/counters') return [200, { ...state.counters, requests: state.requests.length }];
		if (method === 'POST' && path === '/clear-requests') { state.requests.length = 0; return [200, {}]; }
		if (method === 'POST' && path === '/clear-users') { state.users.clear(); return [200, {}]; }
		if (method === 'POST' && path === '/seed-users') {
			for (let i = 0; i < (body.count ?? 10); i++) {
				const id = `USR-${crypto.randomUUID()}`;
				state.users.set(id, { id, name: `seeded-${state.users.size}-${i}`, display_name: `Seeded ${i}`, properties: {}, channels: {} });
			}
			return [200, { userCount: state.users.size }];
		}
		if (method === 'POST' && path === '/seed-calls') {
			const ids = Array.from({ length: body.count ?? 1 }, () => makeCall('14155550100', 'INBOUND', 'RINGING').id);
			return [200, { ids }];
		}
		if (method === 'POST' && path === '/faults') { failNext(body.count ?? 1, body.status ?? 500, body); return [200, { queued: state.faults.length }]; }
		if (method === 'POST' && path === '/seed-events') { seedEvents(body.count ?? 10); return [200, { eventCount: state.events.length }]; }
		if (method === 'POST' && path === '/deliver') {
			const event = sampleEvent(body.event);
			const tamper = body.tamper ? (e) => ({ ...e, ...body.tamper }) : undefined;
			return [200, { event, ...(await deliverEvent(body.webhookId, event, { ...body, tamper })) }];
		}
		if (method === 'POST' && path === '/voice-event') return [200, await deliverVoiceEvent(body.applicationId, sampleVoiceEvent(body.event), body)];
		if (method === 'POST' && path === '/voice-answer') return [200, await answerCall(body.applicationId, body.call)];
		if (method === 'POST' && path === '/expire-webhook') { const hook = findWebhook(body.webhookId); hook.expireAt = iso(clock() - 1000); return [200, hook]; }
		if (method === 'POST' && path === '/expire-tokens') { for (const k of state.accessTokens.keys()) state.accessTokens.set(k, 0); return [200, {}]; }
		throw new HttpError(404, { error: 'no such control route' });
	}

	function failNext(count, status, opts = {}) {
		for (let i = 0; i < count; i++) state.faults.push({ status, retryAfter: opts.retryAfter, pathPrefix: opts.pathPrefix, body: opts.body });
	}

	// ---------- HTTP plumbing ----------
	async function route(req, url, rawBody) {
		const query = Object.fromEntries(url.searchParams);
		const path = url.pathname;
		const isJson = (req.headers['content-type'] ?? '').includes('json');
		let body;
		if (rawBody.length && isJson) {
			try { body = JSON.parse(rawBody); } catch { throw path.startsWith(VIS) ? visError(400, 'BAD_REQUEST', 'Malformed JSON') : problem(400, 'Bad Request', 'Malformed JSON'); }
		}
		if (path.startsWith('/_standin/')) return control(req.method, path.slice('/_standin'.length), body ?? {});

		const record = { method: req.method, path, query, body, auth: undefined, at: clock() };
		if (path === '/token' && req.method === 'POST') {
			const form = Object.fromEntries(new URLSearchParams(rawBody));
			const client = clientAuthOf(req, form);
			record.body = { ...form, password: form.password ? '***' : undefined, client_secret: form.client_secret ? '***' : undefined };
			record.auth = client.kind;
			state.requests.push(record);
			return [200, tokenEndpoint(form, client)];
		}
		if (path === '/authorize' && (req.method === 'GET' || req.method === 'POST')) {
			const params = req.method === 'GET' ? query : Object.fromEntries(new URLSearchParams(rawBody));
			record.query = { ...params, password: params.password ? '***' : undefined };
			state.requests.push(record);
			return authorizeEndpoint(req.method, params);
		}
		state.requests.push(record);
		const fault = state.faults.findIndex((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
		if (fault >= 0) {
			const f = state.faults.splice(fault, 1)[0];
			const headers = f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {};
			const faultBody = f.body ?? (path.startsWith(VIS) ? { errorCode: f.status === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_ERROR', errorMessage: f.status === 429 ? 'Rate limit exceeded' : 'Internal server error' } : { type: 'about:blank', title: f.status === 429 ? 'Too Many Requests' : 'Internal Server Error', detail: 'Injected by the stand-in' });
			throw new HttpError(f.status, faultBody, headers);
		}
		if (path.startsWith(VIS)) {
			record.auth = requireVisToken(req);
			return vis(req.method, path.slice(VIS.length), query, body);
		}
		let m;
		if ((m = /^\/v2\/applications\/?([^/]*)$/.exec(path))) {
			record.auth = requireBasic(req);
			return applications(req.method, m[1] ? decodeURIComponent(m[1]) : undefined, query, body);
		}
		if ((m = /^\/v1\/users\/?([^/]*)$/.exec(path))) {
			record.auth = requireJwt(req);
			return users(req.method, m[1] ? decodeURIComponent(m[1]) : undefined, query, body);
		}
		if (/^\/v2\/calls\/?$/.test(path) && req.method === 'POST') {
			record.auth = requireJwt(req);
			return voice(body);
		}
		if ((m = /^\/v1\/calls(\/.*)?$/.exec(path))) {
			record.auth = requireJwt(req);
			return voiceV1(req.method, (m[1] ?? '').replace(/\/$/, ''), query, body, jwtApplicationId(req));
		}
		throw problem(404, 'Not Found', `No route ${req.method} ${path}`);
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const url = new URL(req.url, 'http://127.0.0.1');
			let status, payload, headers = {};
			try {
				[status, payload, headers = {}] = await route(req, url, Buffer.concat(chunks).toString());
			} catch (error) {
				if (!(error instanceof HttpError)) { console.error(error); error = new HttpError(500, { errorMessage: String(error.message) }); }
				({ status, body: payload, headers } = error);
			}
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end(payload === undefined || typeof payload === 'string' ? payload : JSON.stringify(payload));
		});
	});
	// TCP connections opened by clients: shows which of them keep connections alive (bench/).
	server.on('connection', () => state.counters.connections++);

	return {
		state,
		sandbox,
		failNext,
		seedEvents,
		makeCall,
		deliverEvent,
		sampleEvent,
		deliverVoiceEvent,
		sampleVoiceEvent,
		answerCall,
		canonicalJson,
		url: undefined,
		/** Requests made to the Vonage routes (not the control API), optionally filtered. */
		requests(filter = {}) {
			return state.requests.filter((r) => (!filter.method || r.method === filter.method) && (!filter.path || r.path === filter.path || (filter.path instanceof RegExp && filter.path.test(r.path))));
		},
		async listen(port = 0, host = '127.0.0.1') {
			await new Promise((resolve) => server.listen(port, host, resolve));
			this.url = `http://${host}:${server.address().port}`;
			return this.url;
		},
		close() {
			server.closeAllConnections?.();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { createStandin, canonicalJson, VIS_PATH: VIS };
