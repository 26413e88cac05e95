import type { IExecuteFunctions } from 'n8n-workflow';

import { normalizePhoneNumber } from './phoneNumber';
import { unsafePathSegmentReason } from '../request/urlPath';
import { FieldError } from './validation';

/** Reads a required ID parameter and refuses values that would not address one resource. */
export function requiredId(
	context: IExecuteFunctions,
	parameter: string,
	label: string,
	itemIndex: number,
): string {
	const value = String(context.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	const unsafe = unsafePathSegmentReason(value);
	if (unsafe) throw new FieldError(label, unsafe);
	return value;
}

/** Reads a phone number parameter, refusing anything VIS could not dial before a request is made. */
export function requiredPhoneNumber(
	context: IExecuteFunctions,
	parameter: string,
	label: string,
	itemIndex: number,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '');
	const phoneNumber = normalizePhoneNumber(raw);
	if (!phoneNumber) {
		throw new FieldError(
			label,
			`expected a phone number of 7 to 15 digits with an optional leading +, got "${String(raw)}"`,
			'Spaces, dashes, dots and brackets are allowed and removed.',
		);
	}
	return phoneNumber;
}
