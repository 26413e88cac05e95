import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from '../../shared/auth/jose';

/** Clock skew allowed between Vonage and this n8n host. */
const SIGNED_CALLBACK_LEEWAY_SECONDS = 60;
/** Voice signs each callback as it sends it; an older token is a captured one being replayed. */
export const SIGNED_CALLBACK_MAX_AGE_SECONDS = 5 * 60;

export interface SignedCallbackExpectations {
	signatureSecret: string;
	/** The exact text whose SHA-256 the token's payload_hash must be (the body, or the query as JSON). */
	signedPayload: Buffer | string;
	/** The API key the secret belongs to; a token naming another account is refused. */
	apiKey?: string;
	applicationId?: string;
	nowSeconds?: number;
}

/**
 * The claims of a verified token, or why it was refused: a reason that is safe to log and to
 * answer (it never contains the secret or the token).
 */
export type SignedCallbackVerdict = { claims: JWTPayload } | { refused: string };

const secretKeys = new Map<string, Uint8Array>();

function secretKey(secret: string): Uint8Array {
	let key = secretKeys.get(secret);
	if (!key) {
		if (secretKeys.size > 16) secretKeys.clear();
		key = new TextEncoder().encode(secret);
		secretKeys.set(secret, key);
	}
	return key;
}

function reasonOf(error: unknown): string {
	if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
	if (error instanceof joseErrors.JWTClaimValidationFailed)
		return `the token's ${error.claim} claim is not valid`;
	if (error instanceof joseErrors.JWSSignatureVerificationFailed)
		return 'signature does not match the signature secret';
	if (error instanceof joseErrors.JOSEAlgNotAllowed)
		return 'the signed-callback token is not HS256';
	return 'the signed-callback token is not a valid JWT';
}

/** What a signed-callback token names besides the payload: the account and the application. */
export interface SignedCallbackClaims {
	signatureSecret: string;
	apiKey: string;
	applicationId: string;
	/** How long the token is valid; Vonage's own are valid for 5 minutes. */
	lifetimeSeconds?: number;
	nowSeconds?: number;
}

/**
 * A token exactly as Voice signs a callback (HS256 with the account's signature secret: iat, exp,
 * jti, api_key, application_id, and payload_hash, the SHA-256 of the exact bytes sent), for the
 * trigger's own signed requests to another Voice Trigger of this n8n (workflowProbe.ts), which
 * verifySignedCallback checks as it checks Vonage's.
 */
export async function signCallback(
	signedPayload: Buffer | string,
	claims: SignedCallbackClaims,
): Promise<string> {
	const iat = claims.nowSeconds ?? Math.floor(Date.now() / 1000);
	return await new SignJWT({
		api_key: claims.apiKey,
		application_id: claims.applicationId,
		payload_hash: createHash('sha256').update(signedPayload).digest('hex'),
	})
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt(iat)
		.setExpirationTime(iat + (claims.lifetimeSeconds ?? SIGNED_CALLBACK_MAX_AGE_SECONDS))
		.setJti(randomUUID())
		.sign(secretKey(claims.signatureSecret));
}

/**
 * Verifies Voice's signed-callback JWT with jose: HS256 only (the algorithm is pinned, so "none"
 * or RS/HS confusion cannot apply), a fresh `iat` (at most 5 minutes old, 60 s of clock skew),
 * `exp` when present, and `payload_hash` equal to the SHA-256 of the exact bytes received.
 * Never throws: a refusal is a verdict.
 */
export async function verifySignedCallback(
	authorization: string | undefined,
	expected: SignedCallbackExpectations,
): Promise<SignedCallbackVerdict> {
	const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
	if (!token) return { refused: 'missing signed-callback token (Authorization: Bearer)' };
	let claims: JWTPayload;
	try {
		({ payload: claims } = await jwtVerify(token, secretKey(expected.signatureSecret), {
			algorithms: ['HS256'],
			clockTolerance: SIGNED_CALLBACK_LEEWAY_SECONDS,
			maxTokenAge: SIGNED_CALLBACK_MAX_AGE_SECONDS,
			requiredClaims: ['iat'],
			...(expected.nowSeconds !== undefined
				? { currentDate: new Date(expected.nowSeconds * 1000) }
				: {}),
		}));
	} catch (error) {
		return { refused: reasonOf(error) };
	}

	if (expected.apiKey && claims.api_key !== undefined && claims.api_key !== expected.apiKey) {
		return { refused: 'the token was issued for another API key' };
	}
	if (
		expected.applicationId &&
		claims.application_id !== undefined &&
		claims.application_id !== expected.applicationId
	) {
		return { refused: 'the token was issued for another application' };
	}
	const payloadHash = createHash('sha256').update(expected.signedPayload).digest();
	// Exactly 64 hex digits: Buffer.from(…, 'hex') stops at the first non-hex character, so
	// "<right hash>zz" would otherwise decode to the right hash and pass.
	const claimed = String(claims.payload_hash ?? '');
	const claimedHash = /^[0-9a-f]{64}$/i.test(claimed)
		? Buffer.from(claimed, 'hex')
		: Buffer.alloc(0);
	if (claimedHash.length !== payloadHash.length || !timingSafeEqual(payloadHash, claimedHash)) {
		return { refused: 'payload_hash does not match the body' };
	}
	return { claims };
}
