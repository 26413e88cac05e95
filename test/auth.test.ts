import { generateKeyPairSync, verify } from 'node:crypto';

import { applicationJwt } from '../nodes/shared/auth/applicationJwt';
import { describeApiError } from '../nodes/shared/request/errors';
import { nextCursor } from '../nodes/shared/request/pagination';
import { loadRsaPrivateKey, normalizePrivateKeyPem } from '../nodes/shared/auth/privateKey';
import { retryAfterMs } from '../nodes/shared/request/retry';
import { apiPath } from '../nodes/shared/request/urlPath';
import {
	visAccessToken,
	visUsername,
	VIS_TOKEN_REFRESH_MARGIN_MS,
	type VisCredentialFields,
} from '../nodes/shared/auth/visToken';
import { fetchAsHttpRequest } from '../scripts/harness/fetchHttp';
import { execFileSync, path, process, ROOT } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;

function decode(token: string) {
	const [header, payload, signature] = token.split('.');
	return {
		header: JSON.parse(Buffer.from(header, 'base64url').toString()),
		claims: JSON.parse(Buffer.from(payload, 'base64url').toString()),
		valid: verify(
			'RSA-SHA256',
			Buffer.from(`${header}.${payload}`),
			publicKey,
			Buffer.from(signature, 'base64url'),
		),
	};
}

// Signed tokens are cached per application id, key, lifetime, subject and ACL for the life of the
// process: a test that counts signatures signs for an application id of its own.
describe('application JWT', () => {
	test.each([
		['PKCS#8', pkcs8],
		['PKCS#1', pkcs1],
		['literal \\n sequences', pkcs8.replace(/\n/g, '\\n')],
		['line breaks lost (spaces)', pkcs8.replace(/\n/g, ' ')],
		['line breaks lost (none at all)', pkcs1.replace(/\n/g, '')],
		['Windows line endings', pkcs8.replace(/\n/g, '\r\n')],
	])('signs a valid RS256 token from a %s key', async (_shape, key) => {
		const token = await applicationJwt(
			{ applicationId: 'app-1', privateKey: key },
			1_700_000_000_000,
		);
		const { header, claims, valid } = decode(token);
		expect(valid).toBe(true);
		expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
		expect(claims).toEqual({
			application_id: 'app-1',
			iat: 1_700_000_000,
			exp: 1_700_000_900,
			jti: expect.any(String),
		});
	});

	test('sub and acl are included when set, and lifetime is configurable', async () => {
		const token = await applicationJwt(
			{
				applicationId: 'app-1',
				privateKey: pkcs8,
				subject: 'alice',
				acl: '{"paths":{"/*/users/**":{}}}',
				jwtLifetimeSeconds: 60,
			},
			1_700_000_000_000,
		);
		expect(decode(token).claims).toMatchObject({
			sub: 'alice',
			acl: { paths: { '/*/users/**': {} } },
			exp: 1_700_000_060,
		});
	});

	test.each([
		['', /Private Key is empty/],
		['not a key', /expected a PEM block/],
		['-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----', /not base64/],
		['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /could not be parsed/],
	])('rejects %p with a clear message', async (key, message) => {
		await expect(applicationJwt({ applicationId: 'app', privateKey: key })).rejects.toThrow(
			message,
		);
	});

	test('an EC key is refused: Vonage signs with RS256', async () => {
		const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
			type: 'pkcs8',
			format: 'pem',
		}) as string;
		await expect(applicationJwt({ applicationId: 'app', privateKey: ec })).rejects.toThrow(
			/expected an RSA key/,
		);
	});

	test('error messages never quote key material', async () => {
		const broken = pkcs8.replace('MII', 'XXX');
		const error = await applicationJwt({ applicationId: 'app', privateKey: broken }).catch(
			(e) => e,
		);
		expect(error.message).not.toContain(broken.split('\n')[1].slice(0, 20));
	});

	test('a token is reused until 60 s before it expires, then re-signed', async () => {
		const t0 = 1_700_000_000_000;
		// Every signature carries a new random jti, so the same string means it was not signed again.
		const fields = { applicationId: 'app-reused', privateKey: pkcs8 };
		const first = await applicationJwt(fields, t0);
		expect(await applicationJwt(fields, t0 + 839_000)).toBe(first);
		const second = await applicationJwt(fields, t0 + 841_000);
		expect(second).not.toBe(first);
		expect(JSON.parse(Buffer.from(second.split('.')[1], 'base64url').toString()).jti).not.toBe(
			JSON.parse(Buffer.from(first.split('.')[1], 'base64url').toString()).jti,
		);
	});

	test('normalizePrivateKeyPem rebuilds 64-column lines', () => {
		const pem = normalizePrivateKeyPem(pkcs8.replace(/\n/g, ''));
		expect(pem).toBe(pkcs8.endsWith('\n') ? pkcs8 : `${pkcs8}\n`);
	});

	test('jose loads through plain require() from the built package (what n8n does)', () => {
		const built = path.join(ROOT, 'dist/nodes/shared/auth/applicationJwt.js');
		const script = `require(${JSON.stringify(built)}).applicationJwt({applicationId:'a',privateKey:process.env.KEY}).then(t=>process.stdout.write(t.split('.').length+''))`;
		const out = execFileSync(process.execPath, ['-e', script], {
			env: { ...process.env, KEY: pkcs8 },
		}).toString();
		expect(out).toBe('3');
	});
});

describe('VIS access token', () => {
	let standin: Standin;
	beforeEach(async () => {
		standin = await startStandin();
	});
	afterEach(() => standin.close());
	const http = fetchAsHttpRequest;

	test('"@vbc.prod" is appended to the username when missing, and only then', () => {
		expect(visUsername('jane')).toBe('jane@vbc.prod');
		expect(visUsername(' jane@vbc.prod ')).toBe('jane@vbc.prod');
	});

	test('reused until shortly before expiry, then refreshed with the refresh token', async () => {
		const fields = credentialsFor(standin).vonageVisPasswordApi as unknown as VisCredentialFields;
		const t0 = Date.now();
		const first = await visAccessToken(http, fields, { now: t0 });
		const lifetime = 86_400_000;
		expect(
			await visAccessToken(http, fields, {
				now: t0 + lifetime - VIS_TOKEN_REFRESH_MARGIN_MS - 1000,
			}),
		).toBe(first);
		const second = await visAccessToken(http, fields, {
			now: t0 + lifetime - VIS_TOKEN_REFRESH_MARGIN_MS + 1000,
		});
		expect(second).not.toBe(first);
		expect(standin.state.counters).toMatchObject({ passwordGrants: 1, refreshGrants: 1 });
	});

	test('falls back to a password grant when the refresh token is refused', async () => {
		const fields = credentialsFor(standin).vonageVisPasswordApi as unknown as VisCredentialFields;
		const first = await visAccessToken(http, fields);
		standin.state.refreshTokens.clear();
		const second = await visAccessToken(http, fields, { rejectedToken: first });
		expect(second).not.toBe(first);
		expect(standin.state.counters).toMatchObject({ passwordGrants: 2, refreshGrants: 0 });
	});

	test('concurrent callers share one token request', async () => {
		// This stand-in's consumer key is its own: no token is cached for it yet.
		const fields = credentialsFor(standin).vonageVisPasswordApi as unknown as VisCredentialFields;
		const tokens = await Promise.all(
			Array.from({ length: 10 }, () => visAccessToken(http, fields)),
		);
		expect(new Set(tokens).size).toBe(1);
		expect(standin.requests({ path: '/token' })).toHaveLength(1);
	});
});

describe('transport pieces', () => {
	test('apiPath escapes ids and refuses dot segments', () => {
		expect(apiPath`/self/calls/${'../x'}/hold`).toBe('/self/calls/..%2Fx/hold');
		expect(apiPath`/v1/users/${'a b?c#d'}`).toBe('/v1/users/a%20b%3Fc%23d');
		expect(() => apiPath`/self/calls/${'.'}`).toThrow(/non-empty ID/);
		expect(() => apiPath`/self/calls/${' '}`).toThrow(/empty value/);
	});

	test('Retry-After in seconds or as an HTTP date', () => {
		expect(retryAfterMs('3')).toBe(3000);
		expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
		expect(retryAfterMs(undefined)).toBeUndefined();
		expect(retryAfterMs('soon')).toBeUndefined();
	});

	test('RFC 7807 problems name the invalid parameters', () => {
		const { message } = describeApiError(400, {
			type: 'x',
			title: 'Bad Request',
			detail: 'The request failed due to validation errors',
			invalid_parameters: [{ name: 'capabilities.voice.region', reason: 'must be one of na-east' }],
		});
		expect(message).toBe(
			'Vonage: Bad Request — The request failed due to validation errors — capabilities.voice.region: must be one of na-east',
		);
	});

	test('an error without a body still says what happened', () => {
		expect(describeApiError(502, '').message).toBe('Vonage: HTTP 502');
		expect(describeApiError(429, undefined).message).toMatch(/rate limit/);
	});

	test('only the cursor is taken from a next link', () => {
		expect(nextCursor('https://evil.example/v1/users?page_size=10&cursor=abc%3D')).toBe('abc=');
		expect(nextCursor(undefined)).toBeUndefined();
	});
});

describe('private keys that cannot sign RS256 are named as such', () => {
	test('a 1024-bit RSA key and an encrypted PEM', () => {
		const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
			type: 'pkcs8',
			format: 'pem',
		}) as string;
		expect(() => loadRsaPrivateKey(short)).toThrow(
			'Private Key: the RSA key has 1024 bits; RS256 signing needs at least 2048',
		);
		const encrypted = privateKey.export({
			type: 'pkcs8',
			format: 'pem',
			cipher: 'aes-256-cbc',
			passphrase: 'pw',
		}) as string;
		expect(() => loadRsaPrivateKey(encrypted)).toThrow(
			/^Private Key: the key is encrypted with a passphrase/,
		);
		const encryptedPkcs1 = privateKey.export({
			type: 'pkcs1',
			format: 'pem',
			cipher: 'aes-256-cbc',
			passphrase: 'pw',
		}) as string;
		expect(() => loadRsaPrivateKey(encryptedPkcs1)).toThrow(
			/^Private Key: the key is encrypted with a passphrase/,
		);
	});
});
