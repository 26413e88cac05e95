'use strict';
/** HTTP plumbing: parses each request, records it, applies injected faults, checks auth and routes it to its API. */
const http = require('node:http');

const { HttpError, visError, problem } = require('./errors');
const { VIS_PATH: VIS } = require('./vis');

function createHttpServer(
	{ clock, state },
	{ auth, vis, applications, users, voice, voiceV1, control, serveFile, openai },
) {
	const {
		clientAuthOf,
		tokenEndpoint,
		authorizeEndpoint,
		requireVisToken,
		requireBasic,
		requireJwt,
		jwtApplicationId,
	} = auth;

	async function route(req, url, rawBody) {
		const query = Object.fromEntries(url.searchParams);
		const path = url.pathname;
		const isJson = (req.headers['content-type'] ?? '').includes('json');
		let body;
		if (rawBody.length && isJson) {
			try {
				body = JSON.parse(rawBody);
			} catch {
				throw path.startsWith(VIS)
					? visError(400, 'BAD_REQUEST', 'Malformed JSON')
					: problem(400, 'Bad Request', 'Malformed JSON');
			}
		}
		if (path.startsWith('/_standin/'))
			return control(req.method, path.slice('/_standin'.length), body ?? {});
		// The OpenAI-compatible stand-in (openai.js), not one of Vonage's routes.
		if (openai && path.startsWith('/openai/'))
			return openai(req.method, path.slice('/openai'.length), body, req.headers);

		const record = { method: req.method, path, query, body, auth: undefined, at: clock() };
		if (path === '/token' && req.method === 'POST') {
			const form = Object.fromEntries(new URLSearchParams(rawBody));
			const client = clientAuthOf(req, form);
			record.body = {
				...form,
				password: form.password ? '***' : undefined,
				client_secret: form.client_secret ? '***' : undefined,
			};
			record.auth = client.kind;
			state.requests.push(record);
			return [200, tokenEndpoint(form, client)];
		}
		if (path === '/authorize' && (req.method === 'GET' || req.method === 'POST')) {
			const params =
				req.method === 'GET' ? query : Object.fromEntries(new URLSearchParams(rawBody));
			record.query = { ...params, password: params.password ? '***' : undefined };
			state.requests.push(record);
			return authorizeEndpoint(req.method, params);
		}
		state.requests.push(record);
		const fault = state.faults.findIndex((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
		if (fault >= 0) {
			const f = state.faults.splice(fault, 1)[0];
			const headers = f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {};
			const faultBody =
				f.body ??
				(path.startsWith(VIS)
					? {
							errorCode: f.status === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_ERROR',
							errorMessage: f.status === 429 ? 'Rate limit exceeded' : 'Internal server error',
						}
					: {
							type: 'about:blank',
							title: f.status === 429 ? 'Too Many Requests' : 'Internal Server Error',
							detail: 'Injected by the stand-in',
						});
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
			return voiceV1(
				req.method,
				(m[1] ?? '').replace(/\/$/, ''),
				query,
				body,
				jwtApplicationId(req),
			);
		}
		if ((m = /^\/v1\/files\/([^/]+)$/.exec(path))) {
			record.auth = requireJwt(req);
			return serveFile(req.method, decodeURIComponent(m[1]), jwtApplicationId(req));
		}
		throw problem(404, 'Not Found', `No route ${req.method} ${path}`);
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const url = new URL(req.url, 'http://127.0.0.1');
			let status,
				payload,
				headers = {};
			try {
				[status, payload, headers = {}] = await route(req, url, Buffer.concat(chunks).toString());
			} catch (thrown) {
				if (!(thrown instanceof HttpError)) console.error(thrown);
				const error =
					thrown instanceof HttpError
						? thrown
						: new HttpError(500, { errorMessage: String(thrown.message) });
				({ status, body: payload, headers } = error);
			}
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end(
				payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload)
					? payload
					: JSON.stringify(payload),
			);
		});
	});
	// TCP connections opened by clients: shows which of them keep connections alive (bench/).
	server.on('connection', () => state.counters.connections++);

	return server;
}

module.exports = { createHttpServer };
