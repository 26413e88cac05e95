import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { pickerEntry, visAuthentication, visCredentials } from '../shared/kit/descriptions';
import { firstHeader } from '../shared/webhook/headers';
import { eventFilterOf, eventItem, eventKey, eventOptions, isWanted } from './events';
import { acceptedDeliveries, eventsRun, triggerNodeKey } from './trigger/deliveries';
import { keepDelivering } from './trigger/keeper';
import { checkRegistration, createRegistration, deleteRegistration } from './trigger/registration';
import type { RegistrationData } from './trigger/registrationData';
import { verifyDelivery } from './trigger/verifyDelivery';

export class VonageVisTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage VIS Trigger',
		name: 'vonageVisTrigger',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves exactly as 1, but spares n8n's binaryData expression on every request
		// (docs/behaviour.md, "Busy lines in detail").
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '=Call events',
		// n8n's node picker merges "Vonage VIS" and "Vonage VIS Trigger" into one entry and shows the
		// trigger's description there, so it describes both.
		description:
			'Control the calls of a VBC user’s own line (Vonage Business Communications) with the Vonage Integration Suite (VIS), and start workflows on that line’s call events. For the calls of a Vonage API application, use Vonage Voice.',
		defaults: { name: 'Vonage VIS Trigger' },
		// What the editor says while a test run waits for this trigger (a tooltip above the node on
		// the canvas), also when the run was started from a node after it.
		eventTriggerDescription: 'Waiting for a call event: make or take a call on the VBC user’s line',
		triggerPanel: {
			header: 'Make or take a call on the signed-in VBC user’s line to send a call event',
			executionsHelp: {
				// n8n 2.41 labels the button "Execute step" for every trigger but its own Webhook node, and
				// an empty output "Test this trigger".
				inactive:
					'<b>While building your workflow</b>, click "Execute step" (or "Test this trigger"), then make or take a call on the VBC user’s line: the node registers a test webhook at VIS and shows the first call event here.<br /><br /><b>Once you’re happy with your workflow</b>, publish it: it then runs on every call event of the line.',
				active:
					'<b>The workflow is published</b>: it runs on every call event VIS delivers to its registered webhook. The node renews the registration before it expires and removes it when the workflow is unpublished.<br /><br /><b>To test changes</b>, click "Execute step" and make or take a call on the line: the node shows the first call event here.',
			},
			activationHint:
				'Publish the workflow to register its webhook at VIS and run it on every call event.',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: visCredentials,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Without it n8n answers the literal text "firstEntryJson"; empty makes it send webhookResponse.
				responseData: '',
				path: 'vis-events',
			},
		],
		properties: [
			pickerEntry(
				'On a call event of the VBC line',
				'Ringing, answered, held, missed, ended…: each state of a call on the signed-in user’s line',
			),
			visAuthentication,
			{
				displayName:
					'When the workflow is published, the node registers it at VIS with its own signing key, keeps the registration renewed (also after n8n was down, when VIS stops delivering), runs the call events VIS could not deliver meanwhile with "source": "catch-up", and removes the registration when the workflow is unpublished. Deliveries whose signature does not match are refused. If VIS cannot reach this n8n, use the Vonage VIS Poll Trigger.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			eventOptions,
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkRegistration(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createRegistration(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteRegistration(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const data = this.getWorkflowStaticData('node') as RegistrationData;
		const headers = this.getHeaderData() as IDataObject;
		const refuse = (status: number, reason: string): IWebhookResponseData => {
			// The reason is logged and answered; the signing key and signature are not.
			this.logger.warn(`Vonage VIS Trigger refused a delivery (${status}): ${reason}`);
			this.getResponseObject().status(status).json({ error: reason });
			return { noWebhookResponse: true };
		};

		const verified = await verifyDelivery(this, data.signingKey, headers);
		if ('reason' in verified) return refuse(verified.status, verified.reason);
		const { event, signature } = verified;

		// VIS signs only the event, so the same event sent again (a retry, or a replay with new
		// delivery headers) is recognised by its verified HMAC.
		const node = triggerNodeKey(this.getWorkflow().id, this.getNode().id);
		if (!acceptedDeliveries.for(node).firstTime(signature.toLowerCase(), Date.now())) {
			return { webhookResponse: { status: 'duplicate delivery ignored' } };
		}

		const options = this.getNodeParameter('options', {}) as IDataObject;
		if (!isWanted(event, eventFilterOf(options))) {
			return { webhookResponse: { status: 'filtered out' } };
		}
		// A catch-up in this process may have run this event (id and state) already.
		if (!eventsRun.for(node).firstTime(eventKey(event), Date.now())) {
			return { webhookResponse: { status: 'duplicate event ignored' } };
		}

		const deliveryId = firstHeader(headers, 'x-von-delivery-id') ?? '';
		// The attempt header is not signed: passed on only when it is a whole number.
		const attemptHeader = firstHeader(headers, 'x-von-attempt');
		const attempt =
			attemptHeader !== undefined && /^\d{1,9}$/.test(attemptHeader.trim())
				? Number(attemptHeader)
				: undefined;
		return {
			webhookResponse: { status: 'accepted' },
			// eventKey ("<event id>:<state>") is the same for a redelivery and for the same event found
			// by a catch-up, so a de-duplication step can key on it across n8n processes.
			workflowData: [
				[
					{
						json: eventItem(event, 'webhook', {
							deliveryId,
							...(attempt === undefined ? {} : { attempt }),
							webhookId: data.webhookId,
						}),
					},
				],
			],
		};
	}

	/**
	 * Runs on the process that runs triggers, on n8n's start and on publication: keeps VIS
	 * delivering and catches up what it dropped (trigger/keeper.ts). It emits nothing else.
	 */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await keepDelivering(this);
	}

	/**
	 * Passes the event on. A node with both webhook() and trigger() would otherwise have n8n call
	 * trigger() again when it runs this node inside an execution (a test run included, whose data
	 * came from webhook()); n8n runs execute() first when a node has one.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
