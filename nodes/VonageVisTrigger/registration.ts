import { randomBytes } from 'node:crypto';
import type { IDataObject, IHookFunctions, IWebhookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { vonageRequest } from '../shared/transport';
import { acceptedDeliveries } from './deliveries';
import { apiPath } from '../shared/urlPath';

/** What the trigger keeps in the node's static data about its VIS registration. */
export interface RegistrationData extends IDataObject {
	webhookId?: string;
	signingKey?: string;
	expireAt?: string;
	url?: string;
}

type Context = IHookFunctions | IWebhookFunctions;

/**
 * VIS registrations live about 10 days. They are renewed in their last fifth (48 hours) and
 * checked every twentieth (at most every 6 hours), so at least four checks fall in the renewal
 * window and a late or missed one (a busy or restarting process) still leaves time. Both scale
 * with the lifetime VIS gives, so the rule holds whatever it is (the queue-mode suite runs
 * registrations of 30 seconds).
 */
export const RENEW_WITHIN_MS = 48 * 3_600_000;
export const RENEWAL_CHECK_EVERY_MS = 6 * 3_600_000;
const DEFAULT_LIFETIME_MS = 10 * 86_400_000;
/** Spread so that timers started together (several processes, several triggers) drift apart. */
const RENEWAL_JITTER = 0.1;

/** How long VIS made the registration last: from its last renewal (or creation) to its expiry. */
function lifetimeOf(hook: IDataObject): number {
	const lifetime = Date.parse(String(hook.expireAt)) - Date.parse(String(hook.renewedAt ?? hook.createdAt));
	return Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_LIFETIME_MS;
}

const renewWithinMs = (lifetime: number) => Math.min(RENEW_WITHIN_MS, lifetime / 5);
const checkEveryMs = (lifetime: number) => Math.max(1000, Math.min(RENEWAL_CHECK_EVERY_MS, lifetime / 20));

/**
 * Clock and timer used for renewal, replaceable in tests. A quiet line gets no deliveries to
 * trigger a renewal, so an active registration also checks on a timer.
 */
export const renewalClock = {
	now: () => Date.now(),
	pause: async (ms: number) => await sleep(ms),
	every(intervalMs: () => number, tick: () => Promise<boolean>, onWake?: (wake: () => void) => void): () => void {
		const controller = new AbortController();
		let nudge = new AbortController();
		// Called when the interval may have shrunk (VIS gives shorter registrations than the default
		// this timer started with), so the wait is measured again at once.
		onWake?.(() => nudge.abort());
		void (async () => {
			let last = Date.now();
			let jitter = 1 + (Math.random() * 2 - 1) * RENEWAL_JITTER;
			while (!controller.signal.aborted) {
				const wait = last + intervalMs() * jitter - Date.now();
				if (wait > 0) {
					try {
						await sleep(wait, AbortSignal.any([controller.signal, nudge.signal]));
					} catch {
						if (controller.signal.aborted) return;
						nudge = new AbortController();
					}
					continue;
				}
				if (!(await tick())) return;
				last = Date.now();
				jitter = 1 + (Math.random() * 2 - 1) * RENEWAL_JITTER;
			}
		})();
		return () => controller.abort();
	},
};

/**
 * What this process knows about each registration it serves, by VIS webhook id. It is a cache:
 * the truth is what VIS answers for the webhook, and static data is only written by
 * activation, because n8n saves nothing written from webhook() or a timer.
 */
interface RenewalState {
	/** Expiry last read from VIS or written by a renewal in this process. */
	expireAt?: number;
	/** The registration's lifetime as VIS last gave it. */
	lifetime?: number;
	/** Makes the timer measure its wait again (its interval follows the lifetime). */
	wakeTimer?: () => void;
	/** The one check-and-renew in flight for this registration. */
	inFlight?: Promise<boolean>;
	stopTimer?: () => void;
}

const renewals = new Map<string, RenewalState>();

function renewalState(webhookId: string): RenewalState {
	let state = renewals.get(webhookId);
	if (!state) {
		state = {};
		renewals.set(webhookId, state);
	}
	return state;
}

/** Records what VIS says about a registration's expiry; a shorter lifetime wakes the timer. */
function learn(state: RenewalState, hook: IDataObject) {
	state.expireAt = Date.parse(String(hook.expireAt));
	const lifetime = lifetimeOf(hook);
	const shorter = state.lifetime === undefined || lifetime < state.lifetime;
	state.lifetime = lifetime;
	if (shorter) state.wakeTimer?.();
}

function registration(context: Context): RegistrationData {
	return context.getWorkflowStaticData('node') as RegistrationData;
}

function remember(data: RegistrationData, hook: IDataObject) {
	data.webhookId = String(hook.id);
	data.signingKey = String(hook.signingKey ?? data.signingKey ?? '');
	data.expireAt = hook.expireAt as string | undefined;
	data.url = hook.url as string | undefined;
	learn(renewalState(data.webhookId), hook);
}

function forget(data: RegistrationData) {
	for (const key of ['webhookId', 'signingKey', 'expireAt', 'url']) delete data[key];
}

export function needsRenewal(hook: IDataObject, now: number): boolean {
	const statistics = hook.statistics as IDataObject | undefined;
	const expireAt = Date.parse(String(hook.expireAt));
	return statistics?.failed === true || !Number.isFinite(expireAt) || expireAt - now < renewWithinMs(lifetimeOf(hook));
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

async function renew(context: Context, webhookId: string): Promise<IDataObject> {
	const renewed: IDataObject = await vonageRequest(context, {
		api: 'vis',
		method: 'PUT',
		path: apiPath`/self/webhooks/${webhookId}/renew`,
	});
	learn(renewalState(webhookId), renewed);
	context.logger.info(`Vonage VIS Trigger renewed webhook ${webhookId} until ${String(renewed.expireAt)}`);
	return renewed;
}

/**
 * Asks VIS for the registration and renews it when it is failed, expired or expires within
 * 48 hours. Concurrent callers for one registration share one check, so a burst of deliveries
 * sends at most one renewal. Resolves to false when VIS no longer knows the registration.
 */
export function renewIfDue(context: Context, webhookId: string): Promise<boolean> {
	const state = renewalState(webhookId);
	state.inFlight ??= (async () => {
		try {
			let hook = await fetchWebhook(context, webhookId);
			if (hook && needsRenewal(hook, renewalClock.now())) {
				// Other n8n processes (queue mode) may check the same registration at the same
				// moment: after a random pause, whoever renewed first shows in a second read.
				await renewalClock.pause(Math.round(Math.random() * Math.min(2000, checkEveryMs(lifetimeOf(hook)) / 5)));
				hook = await fetchWebhook(context, webhookId);
			}
			if (!hook) {
				stopRenewing(webhookId);
				context.logger.warn(`Vonage VIS Trigger: VIS no longer knows webhook ${webhookId}; renewal stopped`);
				return false;
			}
			learn(state, hook);
			if (needsRenewal(hook, renewalClock.now())) await renew(context, webhookId);
			return true;
		} finally {
			state.inFlight = undefined;
		}
	})();
	return state.inFlight;
}

/** On a delivery: renews in the background when the registration is known to be near its end. */
export function renewSoonIfDue(context: IWebhookFunctions, data: RegistrationData): void {
	const webhookId = data.webhookId!;
	const state = renewalState(webhookId);
	const expireAt = state.expireAt ?? Date.parse(String(data.expireAt));
	const within = renewWithinMs(state.lifetime ?? DEFAULT_LIFETIME_MS);
	if (state.inFlight || (Number.isFinite(expireAt) && expireAt - renewalClock.now() >= within)) return;
	// VIS wants its 200 within 2 s, so the renewal is not awaited.
	renewIfDue(context, webhookId).catch((error) =>
		context.logger.error(`Vonage VIS Trigger could not renew webhook ${webhookId}: ${(error as Error).message}`),
	);
}

/**
 * Keeps a registration renewed on a timer in this process. Started on activation and, because
 * n8n 2.x does not run checkExists for webhooks it already stored when it restarts, also by the
 * first delivery a process sees. Stops on deactivation or when VIS no longer knows the webhook.
 */
export function keepRenewing(context: Context, webhookId: string): void {
	const state = renewalState(webhookId);
	if (state.stopTimer) return;
	state.stopTimer = renewalClock.every(
		() => checkEveryMs(state.lifetime ?? DEFAULT_LIFETIME_MS),
		async () => {
			try {
				return await renewIfDue(context, webhookId);
			} catch (error) {
				context.logger.error(`Vonage VIS Trigger could not renew webhook ${webhookId}: ${(error as Error).message}`);
				return true;
			}
		},
		(wake) => (state.wakeTimer = wake),
	);
}

export function stopRenewing(webhookId: string): void {
	const state = renewals.get(webhookId);
	state?.stopTimer?.();
	renewals.delete(webhookId);
}

/** Stops every renewal timer and forgets every cached expiry, as a process restart does. */
export function stopAllRenewals(): void {
	for (const webhookId of [...renewals.keys()]) stopRenewing(webhookId);
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
	if (needsRenewal(hook, renewalClock.now())) hook = { ...hook, ...(await renew(context, String(hook.id))) };
	// Written during activation, which n8n saves.
	remember(data, hook);
	keepRenewing(context, data.webhookId!);
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
	keepRenewing(context, data.webhookId!);
	return true;
}

export async function deleteRegistration(context: IHookFunctions): Promise<boolean> {
	const data = registration(context);
	if (!data.webhookId) return true;
	stopRenewing(data.webhookId);
	acceptedDeliveries.forget(data.webhookId);
	try {
		await deleteWebhook(context, data.webhookId);
	} catch (error) {
		context.logger.error(`Vonage VIS Trigger could not delete webhook ${data.webhookId}: ${(error as Error).message}`);
		// The transport raised a NodeApiError, which this hands back unchanged.
		throw new NodeApiError(context.getNode(), error as JsonObject);
	}
	forget(data);
	return true;
}
