import type { IDataObject } from 'n8n-workflow';

import type { Context } from './visWebhooks';

/**
 * What the trigger keeps in the node's static data about its VIS registration. n8n saves it after
 * activation, after a trigger() start and when the trigger emits; never from webhook() or a timer.
 */
export interface RegistrationData extends IDataObject {
	webhookId?: string;
	/** Made by the node; the identity of its registration, kept when VIS loses the registration. */
	signingKey?: string;
	expireAt?: string;
	url?: string;
	/**
	 * Up to when (VIS's clock, epoch ms) the trigger knows the workflow has every call event: the
	 * last delivery VIS confirmed, or the end of the last catch-up. The start of the next catch-up.
	 */
	coveredUntil?: number;
	/**
	 * Call events VIS did not deliver, noted by whichever renewed the registration (n8n's
	 * checkExists or the keeper), run by the keeper's catch-up and cleared when it is done. Kept
	 * in static data, so a catch-up cut short by a restart goes on after it.
	 */
	missed?: DeliveryGap;
}

/** Call events VIS did not deliver: between the last one it confirmed and the moment it resumed. */
export interface DeliveryGap extends IDataObject {
	afterMs: number;
	untilMs: number;
	reason: 'failed' | 'expired' | 'recreated';
}

/** Epoch ms of a VIS timestamp, or undefined. */
export function visTime(value: unknown): number | undefined {
	const time =
		typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
	return Number.isFinite(time) ? time : undefined;
}

export function keep(data: RegistrationData, hook: IDataObject) {
	data.webhookId = String(hook.id);
	data.signingKey = String(hook.signingKey ?? data.signingKey ?? '');
	data.expireAt = hook.expireAt as string | undefined;
	data.url = hook.url as string | undefined;
	// Static data is a saved copy: only a later time is written, so an unchanged one marks nothing.
	const lastSuccess = visTime((hook.statistics as IDataObject | undefined)?.lastSuccess);
	if (lastSuccess !== undefined && lastSuccess > (data.coveredUntil ?? 0))
		data.coveredUntil = lastSuccess;
}

/**
 * Static data is whatever was saved, possibly edited or written by another version. A gap or a
 * cursor that is not made of finite times would put a NaN in the listing's `fromDate` and fail
 * every catch-up from then on. An unreadable gap becomes one from the saved cursor until now
 * (what ran already is refused by n8n's deduplication key), or is dropped when the cursor is
 * unreadable too; both with a warning.
 */
export function repairRegistrationData(
	context: Context,
	data: RegistrationData,
	now: number,
): void {
	if (data.coveredUntil !== undefined && !Number.isFinite(data.coveredUntil))
		delete data.coveredUntil;
	const gap = data.missed as Partial<DeliveryGap> | undefined;
	if (
		gap === undefined ||
		(typeof gap === 'object' &&
			gap !== null &&
			Number.isFinite(gap.afterMs) &&
			Number.isFinite(gap.untilMs))
	)
		return;
	const since = data.coveredUntil;
	context.logger.warn(
		`Vonage VIS Trigger: the missed-events gap in its static data was unreadable; ${since === undefined ? 'it is dropped' : `catching up from ${new Date(since).toISOString()}`}`,
	);
	if (since === undefined) delete data.missed;
	else data.missed = { afterMs: since, untilMs: now, reason: 'failed' };
}

export function clear(data: RegistrationData) {
	for (const key of ['webhookId', 'signingKey', 'expireAt', 'url', 'coveredUntil', 'missed'])
		delete data[key];
}

/** Widens the noted gap (one may still be waiting for its catch-up) to take in another. */
export function noteMissed(data: RegistrationData, gap: DeliveryGap) {
	const pending = data.missed;
	data.missed = pending
		? {
				afterMs: Math.min(pending.afterMs, gap.afterMs),
				untilMs: Math.max(pending.untilMs, gap.untilMs),
				reason: gap.reason,
			}
		: gap;
}

/** What the workflow is known to have: VIS's last confirmed delivery, or the end of a catch-up. */
export function coveredUntil(data: RegistrationData, hook: IDataObject): number {
	return Math.max(
		data.coveredUntil ?? 0,
		visTime((hook.statistics as IDataObject | undefined)?.lastSuccess) ?? 0,
	);
}
