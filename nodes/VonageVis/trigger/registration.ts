import { randomBytes } from 'node:crypto';
import type { IDataObject, IHookFunctions, ITriggerFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { vonageRequest } from '../../shared/request/transport';
import { apiPath } from '../../shared/request/urlPath';

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

type Context = IHookFunctions | ITriggerFunctions;

/**
 * VIS registrations live about 10 days. They are renewed in their last fifth (at most 48 hours
 * before they expire), so a late check (a restarting n8n) still leaves time. Scaled to the
 * lifetime VIS gives, so the rule holds whatever it is (the tests use registrations of seconds).
 */
const RENEW_WITHIN_MS = 48 * 3_600_000;
export const DEFAULT_LIFETIME_MS = 10 * 86_400_000;

/** How long VIS made the registration last: from its last renewal (or creation) to its expiry. */
export function lifetimeOf(hook: IDataObject): number {
	const lifetime =
		Date.parse(String(hook.expireAt)) - Date.parse(String(hook.renewedAt ?? hook.createdAt));
	return Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_LIFETIME_MS;
}

/** Whether VIS has stopped delivering to it: marked failed after a lost delivery, or expired. */
function isNotDelivering(hook: IDataObject, now: number): boolean {
	const statistics = hook.statistics as IDataObject | undefined;
	const expireAt = Date.parse(String(hook.expireAt));
	return statistics?.failed === true || !Number.isFinite(expireAt) || expireAt <= now;
}

function needsRenewal(hook: IDataObject, now: number): boolean {
	const expireAt = Date.parse(String(hook.expireAt));
	return (
		isNotDelivering(hook, now) || expireAt - now < Math.min(RENEW_WITHIN_MS, lifetimeOf(hook) / 5)
	);
}

/** The registration as VIS has it, or undefined when VIS no longer knows it. */
async function fetchWebhook(context: Context, webhookId: string): Promise<IDataObject | undefined> {
	return await vonageRequest(context, {
		api: 'vis',
		method: 'GET',
		path: apiPath`/self/webhooks/${webhookId}`,
		notFoundIsUndefined: true,
	});
}

/** Deletes a registration; one VIS no longer knows counts as deleted. */
async function deleteWebhook(context: Context, webhookId: string): Promise<void> {
	await vonageRequest(context, {
		api: 'vis',
		method: 'DELETE',
		path: apiPath`/self/webhooks/${webhookId}`,
		notFoundIsUndefined: true,
	});
}

async function renew(context: Context, hook: IDataObject): Promise<IDataObject> {
	const renewed: IDataObject = await vonageRequest(context, {
		api: 'vis',
		method: 'PUT',
		path: apiPath`/self/webhooks/${String(hook.id)}/renew`,
	});
	context.logger.info(
		`Vonage VIS Trigger renewed webhook ${String(hook.id)} until ${String(renewed.expireAt)}`,
	);
	return { ...hook, ...renewed };
}

async function createWebhook(
	context: Context,
	url: string,
	signingKey: string,
): Promise<IDataObject> {
	const hook: IDataObject = await vonageRequest(context, {
		api: 'vis',
		method: 'POST',
		path: '/self/webhooks',
		body: {
			url,
			events: ['CALL'],
			signingAlgo: 'HMAC_SHA256',
			signingKey,
			metadataPolicy: 'HEADER',
		},
	});
	return { ...hook, signingKey };
}

/** A registration the trigger can verify: signed with HMAC, metadata in headers. */
function isUsable(hook: IDataObject): boolean {
	return (
		hook.signingAlgo === 'HMAC_SHA256' &&
		hook.metadataPolicy === 'HEADER' &&
		Boolean(hook.signingKey)
	);
}

/**
 * The one registration VIS has for this URL, left behind by a crash or lost static data: adopted
 * instead of making a duplicate. Others for the URL are removed.
 */
async function adoptForUrl(
	context: Context,
	url: string,
	signingKey?: string,
): Promise<IDataObject | undefined> {
	const all: IDataObject[] = await vonageRequest(context, {
		api: 'vis',
		method: 'GET',
		path: '/self/webhooks',
	});
	const forThisUrl = all.filter((candidate) => candidate.url === url);
	const hook =
		forThisUrl.find((candidate) => isUsable(candidate) && candidate.signingKey === signingKey) ??
		forThisUrl.find(isUsable);
	for (const other of forThisUrl)
		if (other !== hook) await deleteWebhook(context, String(other.id));
	if (hook)
		context.logger.info(
			`Vonage VIS Trigger adopted existing webhook ${String(hook.id)} for ${url}`,
		);
	return hook;
}

/**
 * This node's registration at VIS: the stored one while it is for this URL (one for an old URL,
 * N8N_WEBHOOK_URL having changed, is removed), else one left behind for the URL.
 */
async function findRegistration(
	context: Context,
	data: RegistrationData,
	url: string,
): Promise<IDataObject | undefined> {
	const stored = data.webhookId ? await fetchWebhook(context, data.webhookId) : undefined;
	if (stored?.url === url) return stored;
	if (stored) await deleteWebhook(context, String(stored.id));
	return await adoptForUrl(context, url, data.signingKey);
}

/** Epoch ms of a VIS timestamp, or undefined. */
function visTime(value: unknown): number | undefined {
	const time =
		typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
	return Number.isFinite(time) ? time : undefined;
}

function keep(data: RegistrationData, hook: IDataObject) {
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

function clear(data: RegistrationData) {
	for (const key of ['webhookId', 'signingKey', 'expireAt', 'url', 'coveredUntil', 'missed'])
		delete data[key];
}

/** Call events VIS did not deliver: between the last one it confirmed and the moment it resumed. */
export interface DeliveryGap extends IDataObject {
	afterMs: number;
	untilMs: number;
	reason: 'failed' | 'expired' | 'recreated';
}

/** Widens the noted gap (one may still be waiting for its catch-up) to take in another. */
function noteMissed(data: RegistrationData, gap: DeliveryGap) {
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
function coveredUntil(data: RegistrationData, hook: IDataObject): number {
	return Math.max(
		data.coveredUntil ?? 0,
		visTime((hook.statistics as IDataObject | undefined)?.lastSuccess) ?? 0,
	);
}

/**
 * Renews the registration when it is due, and notes what VIS dropped: everything after the last
 * confirmed delivery, when VIS has stopped delivering (failed or expired) or a delivery failed
 * after it (someone renewed it since, which clears only the flag).
 */
async function renewWhenDue(
	context: Context,
	data: RegistrationData,
	hook: IDataObject,
	now: number,
): Promise<IDataObject> {
	const covered = coveredUntil(data, hook);
	const statistics = hook.statistics as IDataObject | undefined;
	const lost = isNotDelivering(hook, now);
	const failedSince = (visTime(statistics?.lastFailure) ?? 0) > covered;
	const reason = statistics?.failed === true || failedSince ? 'failed' : 'expired';
	if (lost)
		context.logger.warn(
			`Vonage VIS Trigger: VIS had stopped delivering to webhook ${String(hook.id)} (${reason}); renewing it`,
		);
	const current = needsRenewal(hook, now) ? await renew(context, hook) : hook;
	if (lost || failedSince) {
		const since = covered || visTime(hook.createdAt) || now;
		noteMissed(data, { afterMs: since, untilMs: visTime(current.renewedAt) ?? now, reason });
	}
	return current;
}

/**
 * Makes sure VIS is delivering to this trigger's URL, and notes in `data.missed` what it may
 * have dropped. A failed or expired registration is renewed (which clears the flag); one due
 * soon is renewed too; one VIS no longer has (404, or purged after expiry) is found again by URL
 * or made anew with the node's own signing key, so deliveries stay verifiable by every n8n
 * process even before static data with the new id is saved. A registration for an old URL
 * is replaced.
 */
export async function ensureDelivering(
	context: Context,
	data: RegistrationData,
	url: string,
): Promise<IDataObject> {
	return await oneCheckAtATime(url, async () => await findOrRegister(context, data, url));
}

/**
 * At a start n8n's registration check and the keeper's first check run together; one after the
 * other, the second finds the registration already renewed instead of renewing it again.
 */
const checking = new Map<string, Promise<unknown>>();
async function oneCheckAtATime<T>(url: string, check: () => Promise<T>): Promise<T> {
	const previous = checking.get(url) ?? Promise.resolve();
	const next = previous.catch(() => undefined).then(check);
	checking.set(url, next);
	try {
		return await next;
	} finally {
		if (checking.get(url) === next) checking.delete(url);
	}
}

async function findOrRegister(
	context: Context,
	data: RegistrationData,
	url: string,
): Promise<IDataObject> {
	let hook = await findRegistration(context, data, url);
	if (hook) {
		hook = await renewWhenDue(context, data, hook, Date.now());
	} else {
		const covered = data.coveredUntil;
		hook = await createWebhook(context, url, data.signingKey || randomBytes(32).toString('hex'));
		context.logger.warn(
			`Vonage VIS Trigger: VIS no longer had this trigger's webhook; registered ${String(hook.id)} again`,
		);
		if (covered)
			noteMissed(data, {
				afterMs: covered,
				untilMs: visTime(hook.createdAt) ?? Date.now(),
				reason: 'recreated',
			});
	}
	keep(data, hook);
	return hook;
}

/** Activation: finds this node's registration at VIS, renewing it when due (n8n's checkExists). */
export async function checkRegistration(context: IHookFunctions): Promise<boolean> {
	const data = context.getWorkflowStaticData('node') as RegistrationData;
	const url = context.getNodeWebhookUrl('default') as string;
	repairRegistrationData(context, data, Date.now());
	return await oneCheckAtATime(url, async () => {
		let hook = await findRegistration(context, data, url);
		if (!hook) {
			clear(data);
			return false;
		}
		hook = await renewWhenDue(context, data, hook, Date.now());
		// Written during activation, which n8n saves; the keeper then runs what VIS dropped.
		keep(data, hook);
		return true;
	});
}

export async function createRegistration(context: IHookFunctions): Promise<boolean> {
	const data = context.getWorkflowStaticData('node') as RegistrationData;
	const hook = await createWebhook(
		context,
		context.getNodeWebhookUrl('default') as string,
		randomBytes(32).toString('hex'),
	);
	keep(data, hook);
	// Nothing before the registration was missed: catch-up never reaches back past its creation.
	data.coveredUntil = visTime(hook.createdAt) ?? Date.now();
	return true;
}

export async function deleteRegistration(context: IHookFunctions): Promise<boolean> {
	const data = context.getWorkflowStaticData('node') as RegistrationData;
	if (!data.webhookId) return true;
	try {
		await deleteWebhook(context, data.webhookId);
		// A registration made again after VIS lost the first may not be in the saved static data.
		const url = context.getNodeWebhookUrl('default') as string;
		const all: IDataObject[] = await vonageRequest(context, {
			api: 'vis',
			method: 'GET',
			path: '/self/webhooks',
		});
		for (const other of all.filter((candidate) => candidate.url === url))
			await deleteWebhook(context, String(other.id));
	} catch (error) {
		context.logger.error(
			`Vonage VIS Trigger could not delete webhook ${data.webhookId}: ${(error as Error).message}`,
		);
		// The transport raised a NodeApiError, which this hands back unchanged.
		throw new NodeApiError(context.getNode(), error as JsonObject);
	}
	clear(data);
	return true;
}
