import { createHash } from 'node:crypto';
import type { IDataObject, IRun, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { eventFilterOf, eventItem, eventKey, listChangedEvents, stateTime } from '../events';
import { eventsRun, triggerNodeKey } from './deliveries';
import { DEFAULT_LIFETIME_MS, ensureDelivering, lifetimeOf } from './registration';
import {
	repairRegistrationData,
	type DeliveryGap,
	type RegistrationData,
} from './registrationData';
import { catchUpWindowMs, confirmedUntil } from '../../shared/kit/catchUp';

/**
 * Keeps a published VIS Trigger's registration delivering from the process that runs triggers,
 * without waiting for a delivery: n8n may skip checkExists at a start, and VIS sends nothing to a
 * failed or expired registration (docs/behaviour.md, "When n8n was down").
 */

/**
 * A failed registration is noticed within this (plus 10% spread), which keeps it back within 5
 * minutes at a cost of 0.4 requests a minute per trigger of the credential's 10. Shorter
 * registrations (tests use seconds) are checked every twentieth of their lifetime.
 */
const MAX_CHECK_EVERY_MS = 150_000;
const CHECK_JITTER = 0.1;
const checkEveryMs = (lifetimeMs: number) =>
	Math.max(1000, Math.min(MAX_CHECK_EVERY_MS, lifetimeMs / 20));

/** n8n's execution deduplication key (unique in its database, at most 255 characters). */
function deduplicationKey(context: ITriggerFunctions, key: string): string {
	const readable = `vonage-vis:${context.getWorkflow().id ?? ''}:${context.getNode().id}:${key}`;
	return readable.length <= 255
		? readable
		: `vonage-vis:${createHash('sha256').update(readable).digest('hex')}`;
}

/** Catch-up executions waiting to be confirmed at a time; paces a long catch-up. */
const IN_FLIGHT = 5;

/**
 * Runs the events VIS dropped during a gap, oldest first, each as its own execution, within the
 * node's Catch-Up Window (a longer gap is reported as a failed execution). The gap's start moves
 * only past events n8n confirmed, so a crash loses none (docs/behaviour.md, "A catch-up cut short").
 */
export async function catchUp(
	context: ITriggerFunctions,
	data: RegistrationData,
	gap: DeliveryGap,
	stopped: AbortSignal = new AbortController().signal,
): Promise<number> {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const windowMs = catchUpWindowMs(options.catchUpHours);
	const span = (afterMs: number) =>
		`between ${new Date(afterMs).toISOString()} and ${new Date(gap.untilMs).toISOString()}`;
	if (windowMs === 0) {
		context.logger.warn(
			`Vonage VIS Trigger: catch-up is off (Catch-Up Window 0), so call events VIS did not deliver (${gap.reason}) ${span(gap.afterMs)} are not run`,
		);
		finish(data, gap);
		return 0;
	}
	const floor = Date.now() - windowMs;
	// VIS's own recipe: everything that happened after lastSuccess. An event before it was
	// delivered (VIS delivers in order and stops at the first delivery it cannot make), and
	// reading it again would run it twice after a restart, when no memory of it is left.
	const afterMs = Math.max(gap.afterMs, floor);
	if (gap.afterMs < floor) {
		const from = new Date(gap.afterMs).toISOString();
		context.saveFailedExecution(
			new NodeOperationError(
				context.getNode(),
				`VIS did not deliver call events since ${from}; only the last ${windowMs / 3_600_000} hours (the Catch-Up Window) are run`,
				{
					description:
						'Raise the Catch-Up Window option (up to 168 hours) to run older events, or look them up with the Vonage VIS node (Event → Get Many).',
				},
			),
		);
	}
	const events = await listChangedEvents(context, {
		afterMs,
		untilMs: gap.untilMs,
		filter: eventFilterOf(options),
		signal: stopped,
	});
	// Closed (unpublished, or n8n stopping) while pages were read, which can take minutes at the
	// credential's quota: a deactivated workflow must not run, and the listing may be partial. The
	// gap stays in static data for the next activation.
	if (stopped.aborted) return 0;
	const { emitted, complete } = await emitConfirmed(context, data, gap, events, stopped);
	if (complete) finish(data, gap);
	context.logger.info(
		complete
			? `Vonage VIS Trigger caught up ${emitted} call event(s) VIS did not deliver (${gap.reason}) ${span(afterMs)}`
			: `Vonage VIS Trigger ran ${emitted} of ${events.length} call event(s) VIS did not deliver ${span(afterMs)}; the rest are run at its next check`,
	);
	return emitted;
}

/** The gap is done: the cursor passes it, unless a renewal meanwhile widened it for the next. */
function finish(data: RegistrationData, gap: DeliveryGap) {
	data.coveredUntil = Math.max(data.coveredUntil ?? 0, gap.untilMs);
	if (data.missed?.untilMs === gap.untilMs) delete data.missed;
}

/**
 * Emits the events with at most IN_FLIGHT unconfirmed, and moves the gap's start past those
 * confirmed. An event n8n could not store (its database down, say) stops the emitting; it and
 * what follows are run at the next check.
 */
async function emitConfirmed(
	context: ITriggerFunctions,
	data: RegistrationData,
	gap: DeliveryGap,
	events: IDataObject[],
	stopped: AbortSignal,
): Promise<{ emitted: number; complete: boolean }> {
	const seen = eventsRun.for(triggerNodeKey(context.getWorkflow().id, context.getNode().id));
	const times = events.map(stateTime);
	const confirmed = events.map(() => false);
	const pending = new Set<Promise<void>>();
	let failed = false;
	let emitted = 0;
	const advance = () => {
		const until = confirmedUntil(times, confirmed);
		// Only this catch-up's gap moves; one widened by a renewal meanwhile keeps its start.
		if (until === undefined || data.missed?.untilMs !== gap.untilMs) return;
		data.missed = { ...data.missed, afterMs: Math.max(data.missed.afterMs, until) };
		data.coveredUntil = Math.max(data.coveredUntil ?? 0, until);
	};
	for (const [index, event] of events.entries()) {
		while (pending.size >= IN_FLIGHT) await Promise.race(pending);
		if (failed || stopped.aborted) break;
		const key = eventKey(event);
		// A delivery to this process already ran it.
		if (!seen.firstTime(key, Date.now())) {
			confirmed[index] = true;
			continue;
		}
		advance();
		const done = context.helpers.createDeferredPromise<IRun>();
		const settled: Promise<void> = done.promise.then(
			() => {
				confirmed[index] = true;
				pending.delete(settled);
			},
			(error: Error) => {
				failed = true;
				seen.forget(key);
				pending.delete(settled);
				context.logger.error(
					`Vonage VIS Trigger could not run caught-up call event ${key}: ${error.message}`,
				);
			},
		);
		pending.add(settled);
		context.emit(
			[[{ json: eventItem(event, 'catch-up', { webhookId: data.webhookId }) }]],
			undefined,
			done,
			deduplicationKey(context, key),
		);
		emitted++;
	}
	await Promise.all(pending);
	advance();
	return { emitted, complete: confirmed.every(Boolean) };
}

/** The trigger() of the VIS Trigger: checks now on a start, then at an interval until closed. */
export async function keepDelivering(context: ITriggerFunctions): Promise<ITriggerResponse> {
	const data = context.getWorkflowStaticData('node') as RegistrationData;
	const stopped = new AbortController();
	let lifetime = DEFAULT_LIFETIME_MS;
	let running: Promise<void> = Promise.resolve();

	const check = async () => {
		if (!data.url) return;
		try {
			repairRegistrationData(context, data, Date.now());
			const hook = await ensureDelivering(context, data, data.url);
			lifetime = lifetimeOf(hook);
			if (data.missed && !stopped.signal.aborted)
				await catchUp(context, data, { ...data.missed }, stopped.signal);
		} catch (error) {
			// A failure here is retried at the next check; VIS keeps its events for the catch-up.
			context.logger.error(
				`Vonage VIS Trigger could not check its VIS webhook: ${(error as Error).message}`,
			);
		}
	};

	const loop = async () => {
		while (!stopped.signal.aborted) {
			const jitter = 1 + (Math.random() * 2 - 1) * CHECK_JITTER;
			try {
				await sleep(checkEveryMs(lifetime) * jitter, stopped.signal);
			} catch {
				return;
			}
			running = check();
			await running;
		}
	};

	// On n8n's start and on a change of leader, deliveries may have stopped while no process was
	// listening: the first check runs at once. It is not awaited, so n8n's start does not wait on
	// VIS or on the credential's quota; what it changes in static data is saved with the next
	// event it emits, and a check after a restart finds the same registration again.
	const activation = context.getActivationMode();
	if (activation === 'init' || activation === 'leadershipChange') running = check();
	void running.then(loop);

	return {
		closeFunction: async () => {
			stopped.abort();
		},
	};
}
