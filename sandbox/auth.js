'use strict';
/** Vonage's sign-in: /token grants, the /authorize page, and the checks each API makes of a request's credentials. */
const crypto = require('node:crypto');

const { HttpError, visError, problem } = require('./errors');
const { DAY } = require('./util');

function createAuth({ options, clock, tokenTtlSeconds, sandbox, state, saveState }) {
	function issueTokens() {
		const accessToken = crypto.randomBytes(24).toString('hex');
		const refreshToken = crypto.randomUUID();
		state.accessTokens.set(accessToken, clock() + tokenTtlSeconds * 1000);
		state.refreshTokens.set(refreshToken, clock() + 7 * DAY);
		saveState();
		return {
			access_token: accessToken,
			refresh_token: refreshToken,
			scope: 'openid',
			token_type: 'Bearer',
			expires_in: tokenTtlSeconds,
		};
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
			const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)].map((v) =>
				decodeURIComponent(v.replace(/\+/g, ' ')),
			);
			return { id, secret, kind: 'basic' };
		}
		return { id: form.client_id, secret: form.client_secret, kind: 'body' };
	}

	function tokenEndpoint(form, client) {
		const bad = (error, description, status = 400) =>
			new HttpError(status, { error, error_description: description });
		if (client.id !== sandbox.consumerKey || client.secret !== sandbox.consumerSecret)
			throw bad('invalid_client', 'Client authentication failed', 401);
		if (form.grant_type === 'password') {
			if (form.scope !== 'openid') throw bad('invalid_scope', 'scope must be openid');
			if (form.username !== `${sandbox.username}@vbc.prod` || form.password !== sandbox.password)
				throw bad('invalid_grant', 'Authentication failed for user');
			state.counters.passwordGrants++;
			return issueTokens();
		}
		if (form.grant_type === 'authorization_code') {
			const grant = state.authorizationCodes.get(form.code);
			state.authorizationCodes.delete(form.code); // single use
			if (!grant || grant.expiresAt < clock())
				throw bad('invalid_grant', 'Provided Authorization Grant is invalid');
			if (grant.clientId !== client.id)
				throw bad('invalid_grant', 'The code was issued to another client');
			if (grant.redirectUri !== form.redirect_uri)
				throw bad('invalid_grant', 'redirect_uri does not match the authorization request');
			state.counters.codeGrants++;
			return issueTokens();
		}
		if (form.grant_type === 'refresh_token') {
			const expires = state.refreshTokens.get(form.refresh_token);
			state.refreshTokens.delete(form.refresh_token); // single use
			if (!expires || expires < clock())
				throw bad('invalid_grant', 'Provided Authorization Grant is invalid');
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
		const refuse = (description) => [
			400,
			`<!doctype html><p class="error">${escapeHtml(description)}</p>`,
			{ 'content-type': 'text/html; charset=utf-8' },
		];
		if (params.client_id !== sandbox.consumerKey)
			return refuse('invalid_client: unknown client_id');
		if (params.response_type !== 'code')
			return refuse('unsupported_response_type: response_type must be code');
		if (
			!String(params.scope ?? '')
				.split(/[ ,]+/)
				.includes('openid')
		)
			return refuse('invalid_scope: scope must include openid');
		let redirect;
		try {
			redirect = new URL(params.redirect_uri);
		} catch {
			return refuse('invalid_request: redirect_uri is missing or not a URL');
		}
		if (method === 'GET') return loginPage(params);
		const login = String(params.username ?? '').replace(/@vbc\.prod$/, '');
		if (login !== sandbox.username || params.password !== sandbox.password)
			return loginPage(params, 'Invalid username or password');
		const code = crypto.randomBytes(16).toString('hex');
		state.authorizationCodes.set(code, {
			clientId: params.client_id,
			redirectUri: params.redirect_uri,
			expiresAt: clock() + 10 * 60_000,
		});
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
			throw new HttpError(
				429,
				{ errorCode: 'TOO_MANY_REQUESTS', errorMessage: 'Quota exceeded' },
				{ 'retry-after': String(Math.ceil((times[0] + 60_000 - now) / 1000)) },
			);
		}
		times.push(now);
	}

	function requireBasic(req) {
		const encoded = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		const [key, secret] = encoded ? Buffer.from(encoded, 'base64').toString().split(':') : [];
		if (key !== sandbox.apiKey || secret !== sandbox.apiSecret)
			throw problem(401, 'Unauthorized', 'You did not provide correct credentials.');
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
		const ok = crypto.verify(
			'RSA-SHA256',
			Buffer.from(`${h}.${p}`),
			app.keys.public_key,
			Buffer.from(s ?? '', 'base64url'),
		);
		if (!ok) throw unauthorized('Invalid JWT signature');
		const now = Math.floor(clock() / 1000);
		if (typeof claims.iat !== 'number' || typeof claims.jti !== 'string')
			throw unauthorized('JWT needs iat and jti');
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

	return {
		clientAuthOf,
		tokenEndpoint,
		authorizeEndpoint,
		requireVisToken,
		requireBasic,
		requireJwt,
		jwtApplicationId,
	};
}

module.exports = { createAuth };
