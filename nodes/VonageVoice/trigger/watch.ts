import type {
	IDataObject,
	INodeProperties,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import {
	readApplication,
	voiceWebhooksOf,
	writeVoiceWebhooks,
	type VoiceTriggerData,
	type VoiceWebhookName,
} from './applicationWebhooks';
import { catchUpCalls, catchUpEnabled, startCursor } from './catchUp';
import { catchUpOptions } from './catchUpSettings';
import { acceptHandOvers } from './handOver';

/**
 * Vonage sends an application's calls wherever its voice webhooks point, and a person in the
 * dashboard or another workflow can change them while n8n does not notice: the workflow would stay
 * published and hear nothing. So the process that runs triggers reads the application on n8n's
 * start, on a new leader and on publication, then at the chosen interval, and reports a change.
 */

const DEFAULT_CHECK_MINUTES = 5;

export const applicationWatchOptions: INodeProperties[] = [
	{
		displayName: 'Take Over From Another Workflow',
		name: 'takeOverApplication',
		type: 'boolean',
		default: false,
		description:
			'Whether publishing may move the application from another published workflow of this n8n. Off, publishing is refused and names that workflow.',
	},
	{
		displayName: 'Application Check Interval (Minutes)',
		name: 'applicationCheckMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1440 },
		default: DEFAULT_CHECK_MINUTES,
		description:
			'How often the published workflow reads its application to see that the voice webhooks still point here. A change is recorded as a failed execution.',
	},
	{
		displayName: 'When the Application Changes',
		name: 'whenApplicationChanges',
		type: 'options',
		options: [
			{
				name: 'Report It',
				value: 'report',
				description: 'Record a failed execution that says which URL changed, and to what',
			},
			{
				name: 'Point It Back and Report It',
				value: 'pointBack',
				description:
					'Point the changed URLs at this workflow again, and record a failed execution that says so',
			},
		],
		default: 'report',
		description:
			'What to do when someone else points the application’s voice webhooks elsewhere. Reporting is the default: the change may be on purpose (another workflow, a move), and pointing back would undo it without asking.',
	},
	...catchUpOptions,
];

function checkEveryMs(options: IDataObject): number {
	const minutes = Number(options.applicationCheckMinutes);
	return (Number.isFinite(minutes) && minutes >= 1 ? minutes : DEFAULT_CHECK_MINUTES) * 60_000;
}

type Change = [VoiceWebhookName, string | undefined];

/** The webhooks this trigger pointed here that now point elsewhere, with where they point. */
function changesOf(data: VoiceTriggerData, application: IDataObject): Change[] {
	const current = voiceWebhooksOf(application);
	return (Object.entries(data.pointedAt ?? {}) as Array<[VoiceWebhookName, string]>)
		.map(([name]): Change => [name, (current[name] as IDataObject | undefined)?.address as string])
		.filter(([name, address]) => address !== data.pointedAt?.[name]);
}

/** One check: reports (once per distinct change in this process) and, if chosen, points back. */
async function checkApplication(context: ITriggerFunctions, reported: Set<string>) {
	const data = context.getWorkflowStaticData('node') as VoiceTriggerData;
	const applicationId = data.applicationId;
	if (!applicationId || !data.pointedAt) return;
	const report = (key: string, message: string, description: string) => {
		if (reported.has(key)) return;
		reported.add(key);
		context.saveFailedExecution(
			new NodeOperationError(context.getNode(), message, { description }),
		);
	};
	const application = await readApplication(context, applicationId, { notFoundIsUndefined: true });
	if (!application) {
		report(
			'gone',
			`Application ${applicationId} no longer exists, so this workflow gets no calls`,
			'Choose another application in the trigger and publish the workflow again.',
		);
		return;
	}
	const changes = changesOf(data, application);
	if (!changes.length) {
		reported.clear();
		return;
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const pointBack = options.whenApplicationChanges === 'pointBack';
	if (pointBack) {
		const webhooks: IDataObject = { ...voiceWebhooksOf(application) };
		for (const [name] of changes)
			webhooks[name] = {
				...((webhooks[name] as IDataObject | undefined) ?? {}),
				address: data.pointedAt[name],
				http_method: 'POST',
			};
		await writeVoiceWebhooks(context, application, webhooks);
		context.logger.warn(
			`Vonage Voice Trigger pointed ${changes.map(([name]) => name).join(', ')} of application ${applicationId} back at n8n`,
		);
	}
	const what = changes.map(([name, address]) => `${name} now points at ${address ?? 'nothing'}`);
	report(
		JSON.stringify(changes),
		`The voice webhooks of application "${String(application.name)}" (${applicationId}) were changed: ${what.join('; ')}${pointBack ? '. They were pointed back at this workflow.' : ''}`,
		pointBack
			? 'Calls between the change and now went to the other address.'
			: 'Calls go to the other address now. To point them back here, unpublish and publish this workflow, or set Options → When the Application Changes to Point It Back and Report It.',
	);
}

/**
 * The trigger() of the Voice Trigger: checks now on a start, then at an interval until closed;
 * with catch-up on, each check also runs the call statuses Vonage could not deliver, and live
 * status events are emitted here (catchUp.ts).
 */
export async function watchApplication(context: ITriggerFunctions): Promise<ITriggerResponse> {
	const stopped = new AbortController();
	const reported = new Set<string>();
	let stopHandOvers: (() => void) | undefined;
	let catchingUp = false;
	const check = async () => {
		try {
			await checkApplication(context, reported);
		} catch (error) {
			context.logger.error(
				`Vonage Voice Trigger could not check its application: ${(error as Error).message}`,
			);
		}
		if (stopped.signal.aborted || catchingUp) return;
		catchingUp = true;
		try {
			const enabled = await catchUpEnabled(context);
			if (enabled && !stopHandOvers && !stopped.signal.aborted)
				stopHandOvers = acceptHandOvers(context);
			if (!enabled && stopHandOvers) {
				stopHandOvers();
				stopHandOvers = undefined;
			}
			if (enabled && !stopped.signal.aborted) await catchUpCalls(context, stopped.signal);
		} catch (error) {
			// Retried at the next check: the cursor did not move past anything not run.
			context.logger.error(
				`Vonage Voice Trigger could not catch up missed call events: ${(error as Error).message}`,
			);
		} finally {
			catchingUp = false;
		}
	};
	const loop = async () => {
		while (!stopped.signal.aborted) {
			const options = context.getNodeParameter('options', {}) as IDataObject;
			try {
				await sleep(checkEveryMs(options), stopped.signal);
			} catch {
				return;
			}
			await check();
		}
	};
	// A test run ('manual') listens on test URLs that are gone when it ends: nothing to watch.
	if (context.getMode() !== 'manual') {
		const options = context.getNodeParameter('options', {}) as IDataObject;
		// Live final statuses start nothing then: without a catch-up they would be lost.
		if (options.catchUpStatuses === 'finalFromCatchUp' && !(await catchUpEnabled(context)))
			throw new NodeOperationError(
				context.getNode(),
				'Catch-Up Runs: "Final Statuses From the Catch-Up Only" needs the catch-up: a Catch-Up Window above 0 and the Vonage Application JWT credential of this application',
				{
					description:
						'Add the credential (and a window), or choose another Catch-Up Runs: ended calls would otherwise never run.',
				},
			);
		// Written before trigger() returns, so n8n saves it with the activation.
		startCursor(context);
		const fresh = ['activate', 'create'].includes(context.getActivationMode());
		// On publication the application was just read and nothing was missed yet: hand-overs start
		// at once, the first check comes after the interval.
		const first = fresh
			? catchUpEnabled(context).then((enabled) => {
					if (enabled && !stopped.signal.aborted) stopHandOvers = acceptHandOvers(context);
				})
			: check();
		void first.then(loop);
	}
	return {
		closeFunction: async () => {
			stopped.abort();
			stopHandOvers?.();
		},
	};
}
