import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { visAuthentication, visCredentials } from '../shared/kit/descriptions';
import { eventFilterOf, eventItem, eventOptions, listChangedEvents } from './events';
import {
	advance,
	MIN_POLL_WINDOW_MS,
	POLL_OVERLAP_MS,
	repairCursor,
	startedFrom,
	type PollCursor,
} from './poll/poll';
import { catchUpWindowMs } from '../shared/kit/catchUp';

export class VonageVisPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage VIS Poll Trigger',
		name: 'vonageVisPollTrigger',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '=Call events, polled',
		description:
			'Start a workflow on the call events of a VBC user’s line by asking VIS at an interval: for an n8n that Vonage cannot reach (no public URL)',
		defaults: { name: 'Vonage VIS Poll Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: visCredentials,
		properties: [
			visAuthentication,
			{
				displayName:
					'Each poll reads the call events that are new or changed since the last one, in one request to VIS (one more per 100 calls when the line is busy). Polling every minute, the shortest interval n8n allows, uses 1 of the credential’s 10 requests a minute. Each call state runs once, with "source": "poll", in the same shape as the Vonage VIS Trigger. After n8n was stopped, the first poll reads on from where the last one ended (up to the Catch-Up Window).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			eventOptions,
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const filter = eventFilterOf(options);
		const now = Date.now();
		// Every poll reads what happened since the last one: a window of 0 (catch-up off) would leave
		// nothing to read, so it bounds only a longer absence, and never below an hour.
		const windowMs = Math.max(catchUpWindowMs(options.catchUpHours), MIN_POLL_WINDOW_MS);

		if (this.getMode() === 'manual') {
			// A test poll shows the newest matching event and moves no cursor.
			const events = await listChangedEvents(this, { afterMs: now - windowMs, filter });
			const newest = events[events.length - 1];
			if (!newest) {
				throw new NodeOperationError(
					this.getNode(),
					'No call event on this VBC line matches the options yet',
					{
						description: 'Make or take a call on the line, then fetch again.',
					},
				);
			}
			return [[{ json: eventItem(newest, 'poll') }]];
		}

		const cursor = this.getWorkflowStaticData('node') as PollCursor;
		if (repairCursor(cursor)) {
			// Its last position is unreadable: the whole window is read again rather than skipped.
			this.logger.warn(
				'Vonage VIS Poll Trigger: its saved cursor was unreadable; reading the whole Catch-Up Window again',
			);
			cursor.afterMs = Math.max(now - windowMs, cursor.since ?? 0) + POLL_OVERLAP_MS;
		}
		if (cursor.afterMs === undefined) {
			// Published just now: calls from here on, not the line's history. What VIS lists now is
			// that history, remembered by key rather than told apart by time, since VIS's clock may
			// be minutes ahead of n8n's; `since` lies an overlap back, for a VIS clock behind.
			cursor.since = now - POLL_OVERLAP_MS;
			let history: IDataObject[] = [];
			try {
				history = await listChangedEvents(this, { afterMs: cursor.since, filter: {} });
			} catch (error) {
				this.logger.warn(
					`Vonage VIS Poll Trigger could not read the line's recent events on publication: ${(error as Error).message}`,
				);
			}
			advance(cursor, history, now);
			return null;
		}
		const floor = Math.max(now - windowMs, cursor.since ?? 0);
		if (cursor.afterMs < floor) {
			this.logger.warn(
				`Vonage VIS Poll Trigger: the last poll was at ${new Date(cursor.afterMs).toISOString()}; only the last ${windowMs / 3_600_000} hours (the Catch-Up Window) are read`,
			);
		}
		const afterMs = Math.max(cursor.afterMs - POLL_OVERLAP_MS, floor);
		const listed = await listChangedEvents(this, {
			afterMs,
			startedFromMs: startedFrom(cursor, afterMs),
			filter: { direction: filter.direction },
		});
		const fresh = advance(cursor, listed, now, filter);
		if (!fresh.length) return null;
		return [fresh.map((event) => ({ json: eventItem(event, 'poll') }))];
	}
}
