import { randomBytes } from 'node:crypto';
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { vonageRequest } from '../shared/transport';
import { apiPath } from '../shared/urlPath';

/** What the trigger keeps in the node's static data about its VIS registration. */
export interface RegistrationData extends IDataObject {
	webhookId?: string;
	signingKey?: string;
	expireAt?: string;
	url?: string;
}

type Context = IHookFunctions | IWebhookFunctions;

export const RENEW_WITHIN_MS = 48 * 3_600_000;
export const RENEWAL_CHECK_EVERY_MS = 6 * 3_600_000;

/**
 * Clock and timer used for renewal, replaceable in tests. A quiet line gets no deliveries to
 * trigger a renewal, so an active workflow also checks on a timer started at activation.
 */
export const renewalClock = {
	now: () => Date.now(),
	every(ms: number, tick: () => Promise<void>): () => void {
		const timer = setInterval(tick, ms);
		timer.unref?.();
		return () => clearInterval(timer);
	},
};

const renewalTimers = new Map<string, () => void>();
// Registrations with a timer in this process, so that a delivery can check for one without
// building the timer key (n8n deep-copies the node for that, on every delivery).
const timedWebhookIds = new Set<string>();

function registration(context: Context): RegistrationData {
	return context.getWorkflowStaticData('node') as RegistrationData;
}

function timerKey(context: Context): string {
	return `${context.getWorkflow().id}:${context.getNode().id}`;
}

function remember(data: RegistrationData, hook: IDataObject) {
	data.webhookId = String(hook.id);
	data.signingKey = String(hook.signingKey ?? data.signingKey ?? '');
	data.expireAt = hook.expireAt as string | undefined;
	data.url = hook.url as string | undefined;
}

function forget(data: RegistrationData) {
	for (const key of ['webhookId', 'signingKey', 'expireAt', 'url']) delete data[key];
}

function isNotFound(error: unknown): boolean {
	return String((error as { httpCode?: unknown })?.httpCode) === '404';
}

export function needsRenewal(hook: IDataObject, now: number): boolean {
	const statistics = hook.statistics as IDataObject | undefined;
	const expireAt = Date.parse(String(hook.expireAt));
	return statistics?.failed === true || !Number.isFinite(expireAt) || expireAt - now < RENEW_WITHIN_MS;
}

async function fetchWebhook(context: Context, webhookId: string): Promise<IDataObject | undefined> {
	try {
		return await vonageRequest(context, { api: 'vis', method: 'GET', path: apiPath`/self/webhooks/${webhookId}` });
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw error;
	}
}

async function deleteWebhook(context: Context, webhookId: string): Promise<void> {
	try {
		await vonageRequest(context, { api: 'vis', method: 'DELETE', path: apiPath`/self/webhooks/${webhookId}` });
	} catch (error) {
		if (!isNotFound(error)) throw error;
	}
}

export async function renewRegistration(context: Context): Promise<void> {
	const data = registration(context);
	if (!data.webhookId) return;
	const renewed = await vonageRequest(context, {
		api: 'vis',
		method: 'PUT',
		path: apiPath`/self/webhooks/${data.webhookId}/renew`,
	});
	remember(data, renewed);
	context.logger.info(`Vonage VIS Trigger renewed webhook ${data.webhookId} until ${data.expireAt}`);
}

/** Renews when the stored registration is failed, expired, or expires within 48 hours. */
export async function renewIfDue(context: Context): Promise<boolean> {
	const data = registration(context);
	if (!data.webhookId) return false;
	const hook = await fetchWebhook(context, data.webhookId);
	if (!hook || !needsRenewal(hook, renewalClock.now())) return false;
	await renewRegistration(context);
	return true;
}

/**
 * Starts (or restarts) the renewal timer for this node. Called on activation and, because
 * n8n 2.x does not run checkExists for webhooks it already stored when it restarts, also on
 * deliveries when no timer runs yet.
 */
function keepRenewing(context: Context, restart = true) {
	const key = timerKey(context);
	if (!restart && renewalTimers.has(key)) return;
	renewalTimers.get(key)?.();
	const stop = renewalClock.every(RENEWAL_CHECK_EVERY_MS, async () => {
		try {
			await renewIfDue(context);
		} catch (error) {
			context.logger.error(`Vonage VIS Trigger could not renew its webhook: ${(error as Error).message}`);
		}
	});
	renewalTimers.set(key, stop);
	const { webhookId } = registration(context);
	if (webhookId) timedWebhookIds.add(webhookId);
}

/** On a delivery: starts the renewal timer if this process has none for the registration yet. */
export function keepRenewingAfterRestart(context: IWebhookFunctions, webhookId: string) {
	if (!timedWebhookIds.has(webhookId)) keepRenewing(context, false);
}

/** Stops every renewal timer, as a process restart does (tests use it to play one). */
export function stopAllRenewals(): void {
	for (const stop of renewalTimers.values()) stop();
	renewalTimers.clear();
	timedWebhookIds.clear();
}

function stopRenewing(context: IHookFunctions) {
	const key = timerKey(context);
	renewalTimers.get(key)?.();
	renewalTimers.delete(key);
	const { webhookId } = registration(context);
	if (webhookId) timedWebhookIds.delete(webhookId);
}

/** A registration the trigger can verify: signed with HMAC, metadata in headers. */
function isUsable(hook: IDataObject): boolean {
	return hook.signingAlgo === 'HMAC_SHA256' && hook.metadataPolicy === 'HEADER' && Boolean(hook.signingKey);
}

/**
 * Finds this node's registration at VIS: the stored one if it still exists for this URL,
 * otherwise one registered for this exact URL (left behind by a crash or a lost static data),
 * which is adopted instead of creating a duplicate. Others for this URL are removed.
 */
export async function checkRegistration(context: IHookFunctions): Promise<boolean> {
	const url = context.getNodeWebhookUrl('default') as string;
	const data = registration(context);
	let hook: IDataObject | undefined;
	if (data.webhookId) {
		hook = await fetchWebhook(context, data.webhookId);
		if (hook && hook.url !== url) {
			await deleteWebhook(context, String(hook.id));
			hook = undefined;
		}
	}
	if (!hook) {
		forget(data);
		const all: IDataObject[] = await vonageRequest(context, { api: 'vis', method: 'GET', path: '/self/webhooks' });
		const forThisUrl = all.filter((candidate) => candidate.url === url);
		hook = forThisUrl.find(isUsable);
		for (const other of forThisUrl) if (other !== hook) await deleteWebhook(context, String(other.id));
		if (!hook) return false;
		context.logger.info(`Vonage VIS Trigger adopted existing webhook ${hook.id} for ${url}`);
	}
	remember(data, hook);
	if (needsRenewal(hook, renewalClock.now())) await renewRegistration(context);
	keepRenewing(context);
	return true;
}

export async function createRegistration(context: IHookFunctions): Promise<boolean> {
	const data = registration(context);
	const signingKey = randomBytes(32).toString('hex');
	const hook = await vonageRequest(context, {
		api: 'vis',
		method: 'POST',
		path: '/self/webhooks',
		body: {
			url: context.getNodeWebhookUrl('default'),
			events: ['CALL'],
			signingAlgo: 'HMAC_SHA256',
			signingKey,
			metadataPolicy: 'HEADER',
		},
	});
	remember(data, { ...hook, signingKey });
	keepRenewing(context);
	return true;
}

export async function deleteRegistration(context: IHookFunctions): Promise<boolean> {
	stopRenewing(context);
	const data = registration(context);
	if (!data.webhookId) return true;
	try {
		await deleteWebhook(context, data.webhookId);
	} catch (error) {
		context.logger.error(
			`Vonage VIS Trigger could not delete webhook ${data.webhookId}: ${(error as Error).message}`,
		);
		throw error;
	}
	forget(data);
	return true;
}
