import { randomBytes } from 'node:crypto';
import type { IDataObject, IHookFunctions, ITriggerFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { vonageRequest } from '../shared/transport';
import { apiPath } from '../shared/urlPath';

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
	const lifetime = Date.parse(String(hook.expireAt)) - Date.parse(String(hook.renewedAt ?? hook.createdAt));
	return Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_LIFETIME_MS;
}

/** Whether VIS has stopped delivering to it: marked failed after a lost delivery, or expired. */
export function isNotDelivering(hook: IDataObject, now: number): boolean {
	const statistics = hook.statistics as IDataObject | undefined;
	const expireAt = Date.parse(String(hook.expireAt));
	return statistics?.failed === true || !Number.isFinite(expireAt) || expireAt <= now;
}

export function needsRenewal(hook: IDataObject, now: number): boolean {
	const expireAt = Date.parse(String(hook.expireAt));
	return isNotDelivering(hook, now) || expireAt - now < Math.min(RENEW_WITHIN_MS, lifetimeOf(hook) / 5);
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
	context.logger.info(`Vonage VIS Trigger renewed webhook ${String(hook.id)} until ${String(renewed.expireAt)}`);
	return { ...hook, ...renewed };
}

async function createWebhook(context: Context, url: string, signingKey: string): Promise<IDataObject> {
	const hook: IDataObject = await vonageRequest(context, {
		api: 'vis',
		method: 'POST',
		path: '/self/webhooks',
		body: { url, events: ['CALL'], signingAlgo: 'HMAC_SHA256', signingKey, metadataPolicy: 'HEADER' },
	});
	return { ...hook, signingKey };
}

/** A registration the trigger can verify: signed with HMAC, metadata in headers. */
function isUsable(hook: IDataObject): boolean {
	return hook.signingAlgo === 'HMAC_SHA256' && hook.metadataPolicy === 'HEADER' && Boolean(hook.signingKey);
}

/**
 * The one registration VIS has for this URL, left behind by a crash or lost static data: adopted
 * instead of making a duplicate. Others for the URL are removed.
 */
async function adoptForUrl(context: Context, url: string, signingKey?: string): Promise<IDataObject | undefined> {
	const all: IDataObject[] = await vonageRequest(context, { api: 'vis', method: 'GET', path: '/self/webhooks' });
	const forThisUrl = all.filter((candidate) => candidate.url === url);
	const hook =
		forThisUrl.find((candidate) => isUsable(candidate) && candidate.signingKey === signingKey) ?? forThisUrl.find(isUsable);
	for (const other of forThisUrl) if (other !== hook) await deleteWebhook(context, String(other.id));
	if (hook) context.logger.info(`Vonage VIS Trigger adopted existing webhook ${String(hook.id)} for ${url}`);
	return hook;
}

/** Epoch ms of a VIS timestamp, or undefined. */
export function visTime(value: unknown): number | undefined {
	const time = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
	return Number.isFinite(time) ? time : undefined;
}

function keep(data: RegistrationData, hook: IDataObject) {
	data.webhookId = String(hook.id);
	data.signingKey = String(hook.signingKey ?? data.signingKey ?? '');
	data.expireAt = hook.expireAt as string | undefined;
	data.url = hook.url as string | undefined;
	// Static data is a saved copy: only a later time is written, so an unchanged one marks nothing.
	const lastSuccess = visTime((hook.statistics as IDataObject | undefined)?.lastSuccess);
	if (lastSuccess !== undefined && lastSuccess > (data.coveredUntil ?? 0)) data.coveredUntil = lastSuccess;
}

function clear(data: RegistrationData) {
	for (const key of ['webhookId', 'signingKey', 'expireAt', 'url', 'coveredUntil']) delete data[key];
}

/** Call events VIS did not deliver: between the last one it confirmed and the moment it resumed. */
export interface DeliveryGap {
	afterMs: number;
	untilMs: number;
	reason: 'failed' | 'expired' | 'recreated';
}

/**
 * Makes sure VIS is delivering to this trigger's URL, and says what it may have dropped. A
 * failed or expired registration is renewed (which clears the flag); one due soon is renewed
 * too; one VIS no longer has (404, or purged after expiry) is found again by URL or made anew
 * with the node's own signing key, so deliveries stay verifiable by every n8n process even
 * before static data with the new id is saved. A registration for an old URL (N8N_WEBHOOK_URL
 * changed) is replaced.
 */
export async function ensureDelivering(
	context: Context,
	data: RegistrationData,
	url: string,
	now: () => number = Date.now,
): Promise<{ hook: IDataObject; gap?: DeliveryGap }> {
	let hook = data.webhookId ? await fetchWebhook(context, data.webhookId) : undefined;
	if (hook && hook.url !== url) {
		await deleteWebhook(context, String(hook.id));
		hook = undefined;
	}
	hook ??= await adoptForUrl(context, url, data.signingKey);
	// What the workflow is known to have: VIS's last confirmed delivery, or an earlier catch-up.
	const covered = Math.max(data.coveredUntil ?? 0, visTime((hook?.statistics as IDataObject | undefined)?.lastSuccess) ?? 0);
	let gap: DeliveryGap | undefined;
	if (!hook) {
		hook = await createWebhook(context, url, data.signingKey || randomBytes(32).toString('hex'));
		context.logger.warn(`Vonage VIS Trigger: VIS no longer had this trigger's webhook; registered ${String(hook.id)} again`);
		if (covered) gap = { afterMs: covered, untilMs: visTime(hook.createdAt) ?? now(), reason: 'recreated' };
	} else if (needsRenewal(hook, now())) {
		const reason = (hook.statistics as IDataObject | undefined)?.failed === true ? 'failed' : 'expired';
		const lost = isNotDelivering(hook, now());
		if (lost) context.logger.warn(`Vonage VIS Trigger: VIS had stopped delivering to webhook ${String(hook.id)} (${reason}); renewing it`);
		hook = await renew(context, hook);
		if (lost) {
			const since = covered || visTime(hook.createdAt) || now();
			gap = { afterMs: since, untilMs: visTime(hook.renewedAt) ?? now(), reason };
		}
	}
	keep(data, hook);
	return { hook, gap };
}

/** Activation: finds this node's registration at VIS, renewing it when due (n8n's checkExists). */
export async function checkRegistration(context: IHookFunctions): Promise<boolean> {
	const data = context.getWorkflowStaticData('node') as RegistrationData;
	const url = context.getNodeWebhookUrl('default') as string;
	let hook = data.webhookId ? await fetchWebhook(context, data.webhookId) : undefined;
	if (hook && hook.url !== url) {
		await deleteWebhook(context, String(hook.id));
		hook = undefined;
	}
	hook ??= await adoptForUrl(context, url, data.signingKey);
	if (!hook) {
		clear(data);
		return false;
	}
	if (needsRenewal(hook, Date.now())) hook = await renew(context, hook);
	// Written during activation, which n8n saves.
	keep(data, hook);
	return true;
}

export async function createRegistration(context: IHookFunctions): Promise<boolean> {
	const data = context.getWorkflowStaticData('node') as RegistrationData;
	const hook = await createWebhook(context, context.getNodeWebhookUrl('default') as string, randomBytes(32).toString('hex'));
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
		const all: IDataObject[] = await vonageRequest(context, { api: 'vis', method: 'GET', path: '/self/webhooks' });
		for (const other of all.filter((candidate) => candidate.url === url)) await deleteWebhook(context, String(other.id));
	} catch (error) {
		context.logger.error(`Vonage VIS Trigger could not delete webhook ${data.webhookId}: ${(error as Error).message}`);
		// The transport raised a NodeApiError, which this hands back unchanged.
		throw new NodeApiError(context.getNode(), error as JsonObject);
	}
	clear(data);
	return true;
}
