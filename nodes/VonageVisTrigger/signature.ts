import { createHmac, timingSafeEqual } from 'node:crypto';

import type { SignedEventForms } from './canonicalJson';

const FORMS: Array<keyof SignedEventForms> = ['compact', 'received', 'spaced'];

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
	let checked = '';
	for (const form of FORMS) {
		const text = forms[form];
		if (text === checked) continue;
		checked = text;
		if (timingSafeEqual(createHmac('sha256', signingKey).update(text, 'utf8').digest(), received)) return form;
	}
	return undefined;
}
