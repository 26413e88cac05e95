import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	ITriggerFunctions,
	ITriggerResponse,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { VOICE_EVENT_STATUSES, voiceStatusOptions } from '../shared/kit/callStates';
import { directionFilter, pickerEntry } from '../shared/kit/descriptions';
import { nccoActionsField, nccoSourceFields } from './ncco/fields';
import { applicationsPaginate } from '../shared/request/pagination';
import {
	pointWebhooksHere,
	restoreWebhooks,
	WEBHOOK_PATH,
	webhooksPointHere,
} from './trigger/applicationWebhooks';
import { DEFAULT_NCCO, defaultNcco, SORRY } from './trigger/defaultNcco';
import { outputCount } from './trigger/outputs';
import { receiveCallback } from './trigger/receive';
import { TURN_PATH } from './trigger/turns';
import { FILE_EVENTS } from './trigger/eventFilter';
import { applicationWatchOptions, watchApplication } from './trigger/watch';

/** n8n answers with the last node's output: its items, or its first item's "ncco" field. */
const ANSWERED_BY_LAST_NODE = {
	httpMethod: 'POST',
	responseMode: 'lastNode',
	responseData: '={{$parameter["nccoFrom"] === "nccoField" ? "firstEntryJson" : "allEntries"}}',
	// Only read with firstEntryJson, that is for "nccoField".
	responsePropertyName: 'ncco',
};

export class VonageVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage Voice Trigger',
		name: 'vonageVoiceTrigger',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves exactly as 1; n8n does less work per request for it (see the VIS Trigger).
		// Version 3 builds the Default NCCO from fields by default (versions 1 and 2 keep JSON).
		// Version 4 answers callers' turns (input, notify) on their own output; 1 to 3 pass them on
		// as call events, which is what their saved workflows expect.
		version: [1, 2, 3, 4],
		defaultVersion: 4,
		subtitle: '={{$parameter["answerCalls"] ? "Answer calls and call events" : "Call events"}}',
		// n8n's node picker merges "Vonage Voice" and "Vonage Voice Trigger" into one entry and shows
		// the trigger's description there, so it describes both.
		description:
			'Place and control the calls of a Vonage API application (Voice API), and start workflows on its call events, answering its calls with an NCCO. For a VBC user’s own line, use Vonage VIS.',
		defaults: { name: 'Vonage Voice Trigger' },
		// What the editor says while a test run waits for this trigger (a tooltip above the node on
		// the canvas), also when the run was started from a node after it.
		eventTriggerDescription:
			'Waiting for a call to a number linked to the application, or for one of its call events',
		triggerPanel: {
			header: 'Call a number linked to the application to send a call event',
			executionsHelp: {
				// n8n 2.41 labels the button "Execute step" for every trigger but its own Webhook node, and
				// an empty output "Test this trigger".
				inactive:
					'<b>While building your workflow</b>, click "Execute step" (or "Test this trigger"), then call a number linked to the application: for the test, the node points the application’s webhooks at n8n and shows the first call event here.<br /><br /><b>Once you’re happy with your workflow</b>, publish it: it then runs on every call of the application.',
				active:
					'<b>The workflow is published</b>: it runs on the application’s call events (and answers its calls when set to). Unpublishing puts the application’s previous webhooks back.<br /><br /><b>To test changes</b>, click "Execute step" and call a number linked to the application: the node shows the first call event here.',
			},
			activationHint: "Publish the workflow to point the application's voice webhooks at it.",
		},
		inputs: [],
		outputs: `={{$parameter["answerCalls"] ? [{ type: "main", displayName: "Call Event" }, { type: "main", displayName: "Incoming Call" }].concat($nodeVersion >= 4 ? [{ type: "main", displayName: "Caller Turn" }] : []) : [{ type: "main", displayName: "Call Event" }]}}`,
		// The JWT credential (optional) lets the trigger read GET /v1/calls to catch up (trigger/catchUp.ts).
		credentials: [
			{ name: 'vonageKeySecretApi', required: true },
			{ name: 'vonageJwtApi', required: false },
		],
		webhooks: [
			// Call events are answered at once with webhookResponse: n8n 2.41 sends it before the run
			// only in onReceived mode (responseData '' sends it instead of "firstEntryJson"). A call to
			// answer and a caller's turn get the last node's NCCO.
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: WEBHOOK_PATH.event_url,
			},
			{ name: 'default', path: WEBHOOK_PATH.answer_url, ...ANSWERED_BY_LAST_NODE },
			{ name: 'default', path: TURN_PATH, ...ANSWERED_BY_LAST_NODE },
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: WEBHOOK_PATH.fallback_answer_url,
			},
		],
		properties: [
			// n8n's picker lists a trigger by this hidden field's option (else "On new … event").
			pickerEntry(
				'On a call, or a call event, of a Voice application',
				'Answer the calls of a Vonage API application, hold a conversation with the caller, or react to its call events',
			),
			{
				displayName:
					"When you publish the workflow, the node points the application's voice event URL (and, when answering calls, its answer and fallback answer URLs) at it, keeping every other setting, and puts the previous URLs back when you unpublish it.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Application Name or ID',
				name: 'applicationId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getApplications' },
				required: true,
				default: '',
				description:
					'The Vonage application whose calls start this workflow. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Answer Calls With This Workflow',
				name: 'answerCalls',
				type: 'boolean',
				default: false,
				description:
					"Whether the workflow also answers the application's calls: incoming calls come out of the Incoming Call output, and the last node's output is returned to Vonage as the NCCO. From version 4, what the caller then presses or says (an NCCO input's result, or a notify) comes out of the Caller Turn output and is answered the same way with the next NCCO.",
			},
			{
				displayName: 'NCCO From',
				name: 'nccoFrom',
				type: 'options',
				displayOptions: { show: { answerCalls: [true] } },
				options: [
					{
						name: 'Each Item Is an Action',
						value: 'eachItem',
						description:
							'The last node outputs one item per NCCO action, e.g. {"action":"talk","text":"Hello"}',
					},
					{
						name: 'The Whole NCCO in One Item',
						value: 'nccoField',
						description:
							'The last node outputs one item whose "ncco" field is the whole NCCO array',
					},
				],
				default: 'eachItem',
				description: 'How the workflow’s last node gives the NCCO that answers the call',
			},
			...nccoSourceFields('defaultNccoSource', { answerCalls: [true] }, [1, 2], 3),
			{
				...nccoActionsField(
					'defaultNccoActions',
					{ show: { answerCalls: [true], defaultNccoSource: ['build'] } },
					SORRY,
				),
				displayName: 'Default NCCO Actions',
				description:
					'What callers hear when the workflow fails or does not answer in time: Vonage then asks the fallback answer URL, which this node serves with these actions. Values can be expressions.',
			},
			{
				displayName: 'Default NCCO',
				name: 'defaultNcco',
				type: 'json',
				displayOptions: { show: { answerCalls: [true], defaultNccoSource: ['json'] } },
				default: DEFAULT_NCCO,
				description:
					'What callers hear when the workflow fails or does not answer in time: Vonage then asks the fallback answer URL, which this node serves with this NCCO',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					directionFilter((word) => word),
					{
						displayName: 'Statuses',
						name: 'statuses',
						type: 'multiOptions',
						options: [...voiceStatusOptions(VOICE_EVENT_STATUSES), ...FILE_EVENTS],
						default: [],
						description:
							'Start only for events with these statuses. Empty means all. Record and transcription events carry no status: choose Recording Ready and Transcript Ready to get them with a filter (Direction does not apply to them then).',
					},
					...applicationWatchOptions,
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getApplications(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const applications = await applicationsPaginate(this, { returnAll: true, limit: 0 });
				// The label is the name alone: with the id beside it the editor cut the id mid-way. The id
				// is the option's description, which the list shows under the name.
				return applications
					.map((application) => ({
						name: String(application.name ?? '').trim() || 'Unnamed application',
						value: String(application.id),
						description: `ID ${String(application.id)}`,
					}))
					.sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value));
			},
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await webhooksPointHere(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials('vonageKeySecretApi');
				const answerCalls = this.getNodeParameter('answerCalls', false) as boolean;
				await pointWebhooksHere(this, (signed) => {
					if (answerCalls) defaultNcco(this);
					if (signed && !String(credentials.signatureSecret ?? '')) {
						throw new NodeOperationError(
							this.getNode(),
							"Signature Secret: required, because this application signs its callbacks (signed_callbacks is on). Enter the account's signature secret in the Vonage API key and secret credential.",
						);
					}
				});
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await restoreWebhooks(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this);
	}

	/** Runs on the process that runs triggers: watches that the application still points here. */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await watchApplication(this);
	}

	/**
	 * Passes the call on, on the output webhook() chose. Without it n8n would call trigger() again
	 * when it runs this node inside an execution; n8n runs execute() first when a node has one.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return Array.from({ length: outputCount(this) }, (_output, index) => this.getInputData(index));
	}
}
