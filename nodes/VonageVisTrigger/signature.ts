import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 check in constant time; a header of the wrong length or not hex never matches. */
export function isValidSignature(signedText: string, signingKey: string, signatureHeader: unknown): boolean {
	if (typeof signatureHeader !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signatureHeader)) return false;
	const expected = createHmac('sha256', signingKey).update(signedText, 'utf8').digest();
	return timingSafeEqual(expected, Buffer.from(signatureHeader, 'hex'));
}
