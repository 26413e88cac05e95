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
	if (typeof signatureHeader !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signatureHeader))
		return undefined;
	const received = Buffer.from(signatureHeader, 'hex');
	const checked: string[] = [];
	for (const form of FORMS) {
		const text = forms[form];
		// A sender that wrote the event sorted and compact makes two forms the same text.
		if (checked.includes(text)) continue;
		checked.push(text);
		// The key stays a string: a Buffer key costs more per HMAC on Node 24 (docs/performance.md).
		if (timingSafeEqual(createHmac('sha256', signingKey).update(text, 'utf8').digest(), received))
			return form;
	}
	return undefined;
}
