import type {
	IDataObject,
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
import { directionFilter } from '../shared/kit/descriptions';
import { firstHeader } from '../shared/webhook/headers';
import { nccoActionsField, nccoSourceFields } from './ncco/fields';
import { applicationsPaginate } from '../shared/request/pagination';
import {
	pointWebhooksHere,
	restoreWebhooks,
	WEBHOOK_PATH,
	webhooksPointHere,
	type VoiceTriggerData,
} from './trigger/applicationWebhooks';
import { readWebhookBody } from '../shared/webhook/webhookBody';
import { verifySignedCallback } from './trigger/signedCallback';
import { DEFAULT_NCCO, defaultNcco, SORRY } from './trigger/defaultNcco';
import { FILE_EVENTS, wantedVoiceEvent } from './trigger/eventFilter';
import { firstAcceptance } from './trigger/replayRefusal';
import { applicationWatchOptions, watchApplication } from './trigger/watch';

export class VonageVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage Voice Trigger',
		name: 'vonageVoiceTrigger',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves exactly as 1; n8n does less work per request for it (see the VIS Trigger).
		// Version 3 builds the Default NCCO from fields by default (versions 1 and 2 keep JSON).
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: '={{$parameter["answerCalls"] ? "Answer calls and call events" : "Call events"}}',
		// n8n's node picker merges "Vonage Voice" and "Vonage Voice Trigger" into one entry and shows
		// the trigger's description there, so it describes both.
		description:
			'Place and control the calls of a Vonage API application (Voice API), and start workflows on its call events, answering its calls with an NCCO. For a VBC user’s own line, use Vonage VIS.',
		defaults: { name: 'Vonage Voice Trigger' },
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
		outputs: `={{$parameter["answerCalls"] ? [{ type: "main", displayName: "Call Event" }, { type: "main", displayName: "Incoming Call" }] : [{ type: "main", displayName: "Call Event" }]}}`,
		credentials: [{ name: 'vonageKeySecretApi', required: true }],
		webhooks: [
			// responseData '' makes n8n answer webhookResponse instead of the literal text "firstEntryJson".
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: WEBHOOK_PATH.event_url,
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'lastNode',
				responseData:
					'={{$parameter["nccoFrom"] === "nccoField" ? "firstEntryJson" : "allEntries"}}',
				// Only read with firstEntryJson, that is for "nccoField".
				responsePropertyName: 'ncco',
				path: WEBHOOK_PATH.answer_url,
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: WEBHOOK_PATH.fallback_answer_url,
			},
		],
		properties: [
			{
				displayName:
					"On activation the node points the application's voice event URL (and, when answering calls, its answer and fallback answer URLs) at this workflow, keeping every other setting, and puts the previous URLs back on deactivation.",
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
					"Whether the workflow also answers the application's calls: incoming calls come out of the Incoming Call output, and the last node's output is returned to Vonage as the NCCO",
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
						name: 'Field "Ncco" of the First Item',
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
		const request = this.getRequestObject();
		const path = String(request.path ?? request.url ?? '').split('?')[0];
		// The fallback starts nothing and gives only the Default NCCO, so that a caller whose
		// answer failed never hears silence; Vonage may not sign it after a failed answer.
		if (path.endsWith(`/${WEBHOOK_PATH.fallback_answer_url}`))
			return { webhookResponse: defaultNcco(this) };
		const isAnswer = path.endsWith(`/${WEBHOOK_PATH.answer_url}`);
		const refuse = (status: number, reason: string): IWebhookResponseData => {
			this.logger.warn(
				`Vonage Voice Trigger refused a ${isAnswer ? 'call to answer' : 'call event'} (${status}): ${reason}`,
			);
			this.getResponseObject().status(status).json({ error: reason });
			return { noWebhookResponse: true };
		};

		const headers = this.getHeaderData() as IDataObject;
		const body = await readWebhookBody(headers, request);
		if ('status' in body) return refuse(body.status, body.reason);
		// Parsed from the bytes the token's payload_hash covers, never from a differently decoded parse.
		let call: IDataObject;
		try {
			call = JSON.parse(body.text);
		} catch {
			return refuse(400, 'the body is not JSON');
		}
		if (!call || typeof call !== 'object' || Array.isArray(call))
			return refuse(400, 'the body is not a JSON object');

		const data = this.getWorkflowStaticData('node') as VoiceTriggerData;
		const credentials = await this.getCredentials('vonageKeySecretApi');
		const signatureSecret = String(credentials.signatureSecret ?? '');
		// With a secret, every callback must be signed, whatever the application says: the docs
		// disagree on whether signing is on when it does not say, and an unsigned request proves nothing.
		if (signatureSecret || data.signedCallbacks) {
			if (!signatureSecret)
				return refuse(
					401,
					'the application signs its callbacks but the credential has no Signature Secret',
				);
			const verdict = await verifySignedCallback(firstHeader(headers, 'authorization'), {
				signatureSecret,
				signedPayload: request.rawBody,
				apiKey: String(credentials.apiKey ?? ''),
				applicationId: data.applicationId,
			});
			if ('refused' in verdict) return refuse(401, verdict.refused);
			if (!firstAcceptance(this, data, verdict.claims, firstHeader(headers, 'authorization')!)) {
				if (isAnswer) return refuse(409, 'this call was already answered');
				return { webhookResponse: { status: 'duplicate callback ignored' } };
			}
		}

		if (isAnswer) return { workflowData: [[], [{ json: call }]] };
		const options = this.getNodeParameter('options', {}) as IDataObject;
		if (!wantedVoiceEvent(call, options)) return { webhookResponse: { status: 'filtered out' } };
		return { webhookResponse: { status: 'accepted' }, workflowData: [[{ json: call }]] };
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
		const outputs = this.getNodeParameter('answerCalls', 0, false) ? 2 : 1;
		return Array.from({ length: outputs }, (_output, index) => this.getInputData(index));
	}
}
