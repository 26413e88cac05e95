import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { VoiceTriggerData } from './applicationWebhooks';
import { DEFAULT_CATCH_UP_HOURS, MAX_CATCH_UP_HOURS } from '../../shared/kit/catchUp';
import { FINAL_STATUSES, isCallStatusEvent } from './voiceEvents';

export const catchUpOptions: INodeProperties[] = [
	{
		displayName: 'Catch-Up Window (Hours)',
		name: 'catchUpHours',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_CATCH_UP_HOURS },
		default: DEFAULT_CATCH_UP_HOURS,
		description: `How far back call statuses Vonage could not deliver (n8n down or unreachable) are read from Vonage and run, at most ${MAX_CATCH_UP_HOURS} hours. Needs the Vonage Application JWT credential of the same application. 0 turns catch-up off. A longer gap is recorded as a failed execution.`,
	},
	{
		displayName: 'Catch-Up Runs',
		name: 'catchUpStatuses',
		type: 'options',
		options: [
			{
				name: 'Every Status Change',
				value: 'all',
				description:
					'For n8n in one process (regular mode): each status a call is listed with runs once, live or caught up',
			},
			{
				name: 'Final Statuses Only (Queue Mode)',
				value: 'final',
				description:
					'For queue mode: only ended calls are caught up; a live run on a webhook processor and its catch-up can both run, so remove duplicates on eventKey',
			},
			{
				name: 'Final Statuses From the Catch-Up Only (Queue Mode, Once)',
				value: 'finalFromCatchUp',
				description:
					'For queue mode: an ended call runs once, from the catch-up, within one Application Check Interval of its end; its live final status starts nothing. Other statuses run live.',
			},
		],
		default: 'all',
		description: 'Which call statuses a catch-up runs',
	},
];

/**
 * With Final Statuses From the Catch-Up Only, a final status that reaches a process where the
 * trigger does not run (a queue-mode webhook processor) starts nothing: only the trigger's emit
 * carries n8n's deduplication key, so the catch-up runs it, once.
 */
export function leftToCatchUp(options: IDataObject, event: IDataObject): boolean {
	return (
		options.catchUpStatuses === 'finalFromCatchUp' &&
		isCallStatusEvent(event) &&
		FINAL_STATUSES.includes(String(event.status))
	);
}

/** What the catch-up keeps in the node's static data (saved by n8n with each emit). */
export interface CatchUpData extends VoiceTriggerData {
	catchUp?: {
		/** Final statuses reached up to this time (epoch ms) have run or were refused as run. */
		afterMs: number;
		/** Final keys run near the cursor, with their times. */
		recent?: Record<string, number>;
		/** The gap before the window already reported, so a restart does not report it twice. */
		reportedBeforeMs?: number;
		/**
		 * When the trigger last emitted (saved with that emit): the cursor is saved only with emits,
		 * so in a quiet spell it stays behind, but the calls before this time did run.
		 */
		lastEmitAt?: number;
	};
}
