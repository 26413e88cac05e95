import type { IWebhookFunctions } from 'n8n-workflow';

import type { JWTPayload } from '../../shared/auth/jose';
import { ReplayWindows } from '../../shared/webhook/replayGuard';
import type { VoiceTriggerData } from './applicationWebhooks';
import { SIGNED_CALLBACK_MAX_AGE_SECONDS } from './signedCallback';

/** Per trigger; a token is valid for minutes, so 20,000 is far above any real callback rate. */
const acceptedCallbacks = new ReplayWindows(10 * 60_000, 20_000);

/**
 * A verified token, or the payload it covers, runs once: both are remembered for as long as the
 * token could still be accepted, so a captured request sent again within that time is refused.
 */
export function firstAcceptance(
	context: IWebhookFunctions,
	data: VoiceTriggerData,
	claims: JWTPayload,
	authorization: string,
): boolean {
	const window = acceptedCallbacks.for(
		`${context.getWorkflow().id ?? ''}/${data.applicationId ?? ''}`,
	);
	const now = Date.now();
	const until =
		(Math.min(
			Number(claims.exp ?? Infinity),
			Number(claims.iat) + SIGNED_CALLBACK_MAX_AGE_SECONDS,
		) +
			60) *
		1000;
	const tokenSignature = authorization.slice(authorization.lastIndexOf('.') + 1);
	const seenToken = !window.firstTime(`token:${tokenSignature}`, now, until);
	const seenPayload = !window.firstTime(`payload:${String(claims.payload_hash)}`, now, until);
	return !seenToken && !seenPayload;
}
