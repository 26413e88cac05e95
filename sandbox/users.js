'use strict';
/** Users v1 (api.nexmo.com/v1/users, application JWT). */
const crypto = require('node:crypto');

const { problem, invalidParameters } = require('./errors');
const { b64url } = require('./util');

const CHANNELS = [
	'pstn',
	'sip',
	'vbc',
	'websocket',
	'sms',
	'mms',
	'whatsapp',
	'viber',
	'messenger',
];

function createUsers({ options, state }) {
	const userView = (u) => ({
		...u,
		_links: { self: { href: `${options.publicHost ?? 'https://api.nexmo.com'}/v1/users/${u.id}` } },
	});
	function validateUser(body) {
		const invalid = [];
		if (
			body.name !== undefined &&
			(typeof body.name !== 'string' || !/^[^\s]{1,255}$/.test(body.name))
		)
			invalid.push({ name: 'name', reason: 'must be 1 to 255 characters without spaces' });
		for (const key of Object.keys(body.channels ?? {}))
			if (!CHANNELS.includes(key))
				invalid.push({ name: `channels.${key}`, reason: 'unknown channel' });
		if (
			body.properties?.ttl !== undefined &&
			!(Number.isInteger(body.properties.ttl) && body.properties.ttl > 0)
		)
			invalid.push({ name: 'properties.ttl', reason: 'must be a positive integer' });
		if (invalid.length) throw invalidParameters(invalid);
	}
	function findUser(id) {
		const user = state.users.get(id);
		if (!user)
			throw problem(404, 'Not found.', `User ${id} does not exist, or you do not have access.`);
		return user;
	}
	function users(method, id, query, body) {
		if (!id && method === 'GET') {
			const pageSize = Number(query.page_size ?? 10);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
				throw invalidParameters([{ name: 'page_size', reason: 'must be between 1 and 100' }]);
			const order = String(query.order ?? 'asc').toLowerCase();
			if (!['asc', 'desc'].includes(order))
				throw invalidParameters([{ name: 'order', reason: 'must be asc or desc' }]);
			let all = [...state.users.values()].filter((u) => !query.name || u.name === query.name);
			if (order === 'desc') all = all.reverse();
			let start = 0;
			if (query.cursor) {
				const decoded = Number(Buffer.from(String(query.cursor), 'base64url').toString());
				if (!Number.isInteger(decoded) || decoded < 0)
					throw invalidParameters([{ name: 'cursor', reason: 'is invalid' }]);
				start = decoded;
			}
			const pageItems = all.slice(start, start + pageSize);
			const base = `${options.publicHost ?? 'https://api.nexmo.com'}/v1/users?order=${order}&page_size=${pageSize}`;
			const links = {
				first: { href: base },
				self: { href: query.cursor ? `${base}&cursor=${encodeURIComponent(query.cursor)}` : base },
			};
			if (start + pageSize < all.length)
				links.next = {
					href: `${base}&cursor=${encodeURIComponent(b64url(String(start + pageSize)))}`,
				};
			if (start > 0)
				links.prev = {
					href: `${base}&cursor=${encodeURIComponent(b64url(String(Math.max(0, start - pageSize))))}`,
				};
			return [
				200,
				{
					page_size: pageSize,
					_embedded: {
						users: pageItems.map((u) => ({
							id: u.id,
							name: u.name,
							display_name: u.display_name,
							_links: userView(u)._links,
						})),
					},
					_links: links,
				},
			];
		}
		if (!id && method === 'POST') {
			body = body ?? {};
			validateUser(body);
			const name = body.name ?? `NAM-${crypto.randomUUID()}`;
			if ([...state.users.values()].some((u) => u.name === name))
				throw problem(409, 'User already exists', `User with name ${name} already exists`, {
					code: 'user:error:duplicate-name',
				});
			const user = {
				id: `USR-${crypto.randomUUID()}`,
				name,
				display_name: body.display_name ?? name,
				image_url: body.image_url,
				properties: body.properties ?? {},
				channels: body.channels ?? {},
			};
			state.users.set(user.id, user);
			return [201, userView(user)];
		}
		const user = findUser(id);
		if (method === 'GET') return [200, userView(user)];
		if (method === 'PATCH') {
			validateUser(body ?? {});
			for (const key of ['name', 'display_name', 'image_url', 'properties', 'channels'])
				if (body[key] !== undefined) user[key] = body[key];
			return [200, userView(user)];
		}
		if (method === 'DELETE') {
			state.users.delete(id);
			return [204, undefined];
		}
		throw problem(405, 'Method Not Allowed', `${method} is not supported here`);
	}

	return { users };
}

module.exports = { createUsers };
