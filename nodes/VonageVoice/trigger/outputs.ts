import type {
	IDataObject,
	INodeExecutionData,
	IExecuteFunctions,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

/** Outputs from version 4 with Answer Calls: Call Event, Incoming Call, Caller Turn. */
const TURN_OUTPUT_VERSION = 4;

type NodeContext = IExecuteFunctions | ITriggerFunctions | IWebhookFunctions;

/** Whether this node answers callers' turns on an output of their own (version 4 on). */
export function answersTurns(
	context: { getNode(): { typeVersion: number } },
	answerCalls: boolean,
) {
	return answerCalls && context.getNode().typeVersion >= TURN_OUTPUT_VERSION;
}

/** How many outputs the node has: Call Event, then Incoming Call and Caller Turn when it answers. */
export function outputCount(context: NodeContext): number {
	const answerCalls = context.getNodeParameter('answerCalls', false) as boolean;
	return answersTurns(context, answerCalls) ? 3 : answerCalls ? 2 : 1;
}

/**
 * One item on output `index`, with a list for every output, also the empty ones: n8n passes them
 * to execute() as its inputs.
 */
export function onOutput(
	context: NodeContext,
	index: number,
	json: IDataObject,
): INodeExecutionData[][] {
	return Array.from({ length: outputCount(context) }, (_list, output) =>
		output === index ? [{ json }] : [],
	);
}
