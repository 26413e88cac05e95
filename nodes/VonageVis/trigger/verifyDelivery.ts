import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { firstHeader } from '../../shared/webhook/headers';
import { readWebhookBody } from '../../shared/webhook/webhookBody';
import { MalformedJsonError, signedEventForms, type SignedEventForms } from './canonicalJson';
import { matchingSignedForm } from './signature';

/** A delivery's event whose signature matched, or why it was refused (safe to log and answer). */
export type VerifiedDelivery =
	{ event: IDataObject; signature: string } | { status: number; reason: string };

/**
 * Checks a VIS delivery before anything of it runs: its headers, its body (bounded) and the
 * HMAC of its event under the registration's signing key.
 */
export async function verifyDelivery(
	context: IWebhookFunctions,
	signingKey: string | undefined,
	headers: IDataObject,
): Promise<VerifiedDelivery> {
	if (!signingKey) return { status: 401, reason: 'this trigger has no VIS registration' };
	// The signing key, made by this node, is what identifies its registration: when VIS loses
	// one, the trigger registers again with the same key, and the new webhook id may not be in
	// the static data this process read yet.
	if (!firstHeader(headers, 'x-von-webhook-id'))
		return { status: 401, reason: 'missing X-VON-Webhook-Id' };
	const signature = firstHeader(headers, 'x-von-signature');
	if (!signature) return { status: 401, reason: 'missing X-VON-Signature' };

	// Everything before the signature check is bounded, so an unsigned request costs little.
	const body = await readWebhookBody(headers, context.getRequestObject());
	if ('status' in body) return body;
	let forms: SignedEventForms;
	try {
		forms = signedEventForms(body.text);
	} catch (error) {
		// Only malformed input reaches here; whatever it is, it is refused, never thrown.
		const reason =
			error instanceof MalformedJsonError ? error.message : 'the body could not be read as JSON';
		return { status: 400, reason };
	}
	const matched = matchingSignedForm(forms, signingKey, signature);
	if (!matched) return { status: 401, reason: 'signature does not match' };
	context.logger.debug(
		`Vonage VIS Trigger verified a delivery over the ${matched} form of its event`,
	);
	// The event that runs is parsed from the very text whose signature matched. The scan before
	// the HMAC leaves raw control characters in strings to this parse, which refuses them.
	try {
		return { event: JSON.parse(forms[matched]) as IDataObject, signature };
	} catch {
		return { status: 400, reason: 'the signed event is not valid JSON' };
	}
}
