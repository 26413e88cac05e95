import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Clock skew allowed between Vonage and this n8n host. */
const SIGNED_CALLBACK_LEEWAY_SECONDS = 60;
/** Tokens without `exp` are accepted only this long after `iat`, so a captured request cannot be replayed later. */
const SIGNED_CALLBACK_MAX_AGE_SECONDS = 5 * 60;

export interface SignedCallbackExpectations {
	signatureSecret: string;
	rawBody: Buffer;
	/** The API key the secret belongs to; a token naming another account is refused. */
	apiKey?: string;
	applicationId?: string;
	nowSeconds?: number;
}

/** Why a signed callback was refused; safe to log and to answer (it never contains the secret or token). */
export class SignedCallbackError extends Error {}

function base64UrlJson(part: string): Record<string, unknown> {
	try {
		const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		if (value && typeof value === 'object' && !Array.isArray(value)) return value;
	} catch {}
	throw new SignedCallbackError('the signed-callback token is not a JWT');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies Voice's signed-callback JWT: HS256 with the account's signature secret, compared in
 * constant time, a fresh `iat`/`exp`, and `payload_hash` equal to the SHA-256 of the exact bytes
 * received. Returns the token's claims.
 */
export function verifySignedCallback(authorization: string | undefined, expected: SignedCallbackExpectations) {
	const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
	if (!token) throw new SignedCallbackError('missing signed-callback token (Authorization: Bearer)');
	const parts = token.split('.');
	if (parts.length !== 3) throw new SignedCallbackError('the signed-callback token is not a JWT');
	const [encodedHeader, encodedClaims, encodedSignature] = parts;

	// The algorithm is fixed rather than read from the token, so "none" or RS/HS confusion cannot apply.
	if (base64UrlJson(encodedHeader).alg !== 'HS256') throw new SignedCallbackError('the signed-callback token is not HS256');
	const signature = createHmac('sha256', expected.signatureSecret).update(`${encodedHeader}.${encodedClaims}`).digest();
	if (!sameBytes(signature, Buffer.from(encodedSignature, 'base64url'))) {
		throw new SignedCallbackError('signature does not match the signature secret');
	}

	const claims = base64UrlJson(encodedClaims);
	const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
	const iat = Number(claims.iat);
	if (!Number.isFinite(iat) || iat > now + SIGNED_CALLBACK_LEEWAY_SECONDS) throw new SignedCallbackError('the token has no valid iat');
	const expiresAt = claims.exp !== undefined ? Number(claims.exp) : iat + SIGNED_CALLBACK_MAX_AGE_SECONDS;
	if (!(expiresAt + SIGNED_CALLBACK_LEEWAY_SECONDS >= now)) throw new SignedCallbackError('the token has expired');

	if (expected.apiKey && claims.api_key !== undefined && claims.api_key !== expected.apiKey) {
		throw new SignedCallbackError('the token was issued for another API key');
	}
	if (expected.applicationId && claims.application_id !== undefined && claims.application_id !== expected.applicationId) {
		throw new SignedCallbackError('the token was issued for another application');
	}
	const bodyHash = createHash('sha256').update(expected.rawBody).digest();
	const claimedHash = Buffer.from(String(claims.payload_hash ?? ''), 'hex');
	if (!sameBytes(bodyHash, claimedHash)) throw new SignedCallbackError('payload_hash does not match the body');
	return claims;
}
