// Signs application JWTs with jose (through ./jose, which the build bundles).
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from './jose';

import { loadRsaPrivateKey, PrivateKeyError } from './privateKey';

export interface JwtCredentialFields {
	applicationId: string;
	privateKey: string;
	jwtLifetimeSeconds?: number;
	/** The field's name before 0.2; credentials saved then still carry it. */
	tokenTtlSeconds?: number;
	subject?: string;
	acl?: string;
}

const MIN_TTL_SECONDS = 30;
const MAX_TTL_SECONDS = 86_400;
const DEFAULT_TTL_SECONDS = 900;
/** A cached token is replaced this long before it expires, so a request never carries a dying token. */
export const JWT_REUSE_MARGIN_SECONDS = 60;

interface CachedJwt {
	token: string;
	expiresAt: number;
}

const keyCache = new Map<string, KeyObject>();
const tokenCache = new Map<string, CachedJwt>();

function fingerprint(...parts: unknown[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function parseAcl(acl: string | undefined): Record<string, unknown> | undefined {
	if (acl === undefined || String(acl).trim() === '') return undefined;
	try {
		const parsed = JSON.parse(acl);
		if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
	} catch {
		// Not JSON: the error below says what was expected.
	}
	throw new PrivateKeyError('ACL: expected a JSON object such as {"paths": {"/*/users/**": {}}}');
}

function ttlOf(fields: JwtCredentialFields): number {
	const lifetime = fields.jwtLifetimeSeconds ?? fields.tokenTtlSeconds;
	const ttl = lifetime === undefined ? DEFAULT_TTL_SECONDS : Number(lifetime);
	if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
		throw new PrivateKeyError(
			`Token Lifetime: expected a whole number of seconds from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}, got ${String(lifetime)}`,
		);
	}
	return ttl;
}

/**
 * Returns an RS256 application JWT, signing a new one only when none is cached or the cached
 * one is within a minute of expiring. Signing costs far more than the request it authorises.
 */
export async function applicationJwt(
	fields: JwtCredentialFields,
	now = Date.now(),
): Promise<string> {
	const applicationId = String(fields.applicationId ?? '').trim();
	if (applicationId === '') throw new PrivateKeyError('Application ID is empty');
	const ttl = ttlOf(fields);
	const acl = parseAcl(fields.acl);
	const subject = String(fields.subject ?? '').trim();

	const cacheKey = fingerprint(applicationId, fields.privateKey, ttl, subject, acl);
	const cached = tokenCache.get(cacheKey);
	if (cached && cached.expiresAt - JWT_REUSE_MARGIN_SECONDS * 1000 > now) return cached.token;

	const keyId = fingerprint(fields.privateKey);
	let key = keyCache.get(keyId);
	if (!key) {
		key = loadRsaPrivateKey(fields.privateKey);
		keyCache.set(keyId, key);
	}
	const issuedAt = Math.floor(now / 1000);
	const claims: Record<string, unknown> = { application_id: applicationId };
	if (acl) claims.acl = acl;
	let jwt = new SignJWT(claims)
		.setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
		.setIssuedAt(issuedAt)
		.setExpirationTime(issuedAt + ttl)
		.setJti(randomUUID());
	if (subject) jwt = jwt.setSubject(subject);
	const token = await jwt.sign(key);
	tokenCache.set(cacheKey, { token, expiresAt: (issuedAt + ttl) * 1000 });
	return token;
}

export function forgetApplicationJwt(token: string): void {
	for (const [key, cached] of tokenCache) if (cached.token === token) tokenCache.delete(key);
}
