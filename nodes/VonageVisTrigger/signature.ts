import { createHmac, timingSafeEqual } from 'node:crypto';

import type { SignedEventForms } from './canonicalJson';

/**
 * The event as received needs no work, so it is tried first; the sorted forms are built (reading
 * them builds them) only when it does not match.
 */
const FORMS: Array<keyof SignedEventForms> = ['received', 'compact', 'spaced'];

/**
 * Which form of the event the hex HMAC-SHA256 header was computed over, or undefined when none.
 * Each form is checked with a keyed HMAC compared in constant time, so accepting several
 * readings of VIS's ambiguous rule weakens nothing. A header of the wrong shape never matches.
 */
export function matchingSignedForm(
	forms: SignedEventForms,
	signingKey: string,
	signatureHeader: unknown,
): keyof SignedEventForms | undefined {
	if (typeof signatureHeader !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signatureHeader)) return undefined;
	const received = Buffer.from(signatureHeader, 'hex');
	const key = keyBytes(signingKey);
	const checked: string[] = [];
	for (const form of FORMS) {
		const text = forms[form];
		// A sender that wrote the event sorted and compact makes two forms the same text.
		if (checked.includes(text)) continue;
		checked.push(text);
		if (timingSafeEqual(createHmac('sha256', key).update(text, 'utf8').digest(), received)) return form;
	}
	return undefined;
}

// The last signing key as bytes: a trigger checks every delivery, each form, with the same key,
// and a string key would be encoded again for every HMAC.
let lastKey = { text: '', bytes: Buffer.alloc(0) };

function keyBytes(signingKey: string): Buffer {
	if (signingKey !== lastKey.text) lastKey = { text: signingKey, bytes: Buffer.from(signingKey, 'utf8') };
	return lastKey.bytes;
}
