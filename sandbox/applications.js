'use strict';
/** Applications v2 (api.nexmo.com/v2/applications, Basic auth). */
const crypto = require('node:crypto');

const { problem, invalidParameters } = require('./errors');

const VOICE_REGIONS = ['na-east', 'na-west', 'eu-west', 'eu-east', 'apac-sng', 'apac-australia'];

function createApplications(ctx) {
	const { state } = ctx;
	function validateApplication(body) {
		const invalid = [];
		if (typeof body.name !== 'string' || body.name.trim() === '')
			invalid.push({ name: 'name', reason: 'is required' });
		const voice = body.capabilities?.voice;
		if (voice) {
			const hooks = voice.webhooks ?? {};
			for (const [key, hook] of Object.entries(hooks)) {
				if (hook.address !== undefined && !/^https?:\/\//.test(hook.address))
					invalid.push({
						name: `capabilities.voice.webhooks.${key}.address`,
						reason: 'must be a URL',
					});
				if (
					hook.connect_timeout !== undefined &&
					(hook.connect_timeout < 300 || hook.connect_timeout > 1000)
				)
					invalid.push({
						name: `capabilities.voice.webhooks.${key}.connect_timeout`,
						reason: 'must be between 300 and 1000',
					});
				const socketMax = key === 'event_url' ? 10000 : 5000;
				if (
					hook.socket_timeout !== undefined &&
					(hook.socket_timeout < 1000 || hook.socket_timeout > socketMax)
				)
					invalid.push({
						name: `capabilities.voice.webhooks.${key}.socket_timeout`,
						reason: `must be between 1000 and ${socketMax}`,
					});
			}
			if (voice.region !== undefined && !VOICE_REGIONS.includes(voice.region))
				invalid.push({
					name: 'capabilities.voice.region',
					reason: `must be one of ${VOICE_REGIONS.join(', ')}`,
				});
			if (
				voice.conversations_ttl !== undefined &&
				(voice.conversations_ttl < 1 || voice.conversations_ttl > 9000)
			)
				invalid.push({
					name: 'capabilities.voice.conversations_ttl',
					reason: 'must be between 1 and 9000',
				});
			if (
				voice.leg_persistence_time !== undefined &&
				(voice.leg_persistence_time < 1 || voice.leg_persistence_time > 31)
			)
				invalid.push({
					name: 'capabilities.voice.leg_persistence_time',
					reason: 'must be between 1 and 31',
				});
		}
		if (body.capabilities?.vbc !== undefined && Object.keys(body.capabilities.vbc).length)
			invalid.push({ name: 'capabilities.vbc', reason: 'must be an empty object' });
		if (invalid.length) throw invalidParameters(invalid);
	}
	const appView = (app) => ({
		...app,
		keys: { public_key: app.keys.public_key },
		_links: { self: { href: `/v2/applications/${app.id}` } },
	});
	function findApp(id) {
		const app = state.applications.get(id);
		if (!app)
			throw problem(
				404,
				'Not Found',
				`Application ${id} does not exist, or you do not have access`,
			);
		return app;
	}

	function applications(method, id, query, body) {
		if (!id && method === 'GET') {
			const pageSize = Number(query.page_size ?? 10);
			const pageNumber = Number(query.page ?? 1);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
				throw invalidParameters([{ name: 'page_size', reason: 'must be between 1 and 100' }]);
			if (!Number.isInteger(pageNumber) || pageNumber < 1)
				throw invalidParameters([{ name: 'page', reason: 'must be 1 or more' }]);
			const all = [...state.applications.values()];
			const totalPages = Math.max(1, Math.ceil(all.length / pageSize));
			return [
				200,
				{
					page_size: pageSize,
					page: pageNumber,
					total_items: all.length,
					total_pages: totalPages,
					_embedded: {
						applications: all
							.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
							.map(appView),
					},
					_links: { self: { href: `/v2/applications?page_size=${pageSize}&page=${pageNumber}` } },
				},
			];
		}
		if (!id && method === 'POST') {
			validateApplication(body ?? {});
			const app = {
				id: crypto.randomUUID(),
				name: body.name,
				capabilities: body.capabilities ?? {},
				privacy: body.privacy ?? { improve_ai: false },
				keys: {},
			};
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
			Object.assign(app, {
				name: body.name,
				capabilities: body.capabilities ?? {},
				privacy: body.privacy ?? app.privacy,
			});
			if (body.keys?.public_key) app.keys.public_key = body.keys.public_key;
			// Where the voice webhooks point outlives a restart, as at Vonage.
			ctx.saveState?.();
			return [200, appView(app)];
		}
		if (method === 'DELETE') {
			state.applications.delete(id);
			return [204, undefined];
		}
		throw problem(405, 'Method Not Allowed', `${method} is not supported here`);
	}

	return { applications, findApp, appView };
}

module.exports = { createApplications };
