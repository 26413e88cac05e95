import { randomBytes } from 'node:crypto';
import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { vonageRequest } from '../../shared/request/transport';
import {
	clear,
	coveredUntil,
	keep,
	noteMissed,
	repairRegistrationData,
	visTime,
	type RegistrationData,
} from './registrationData';
import {
	adoptForUrl,
	createWebhook,
	deleteWebhook,
	fetchWebhook,
	renew,
	type Context,
} from './visWebhooks';

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
 * Makes sure VIS is delivering to this trigger's URL (renewed, found again, or made anew with the
 * node's own signing key, which every process can verify), and notes in `data.missed` what it may
 * have dropped (docs/behaviour.md, "Recovery").
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
