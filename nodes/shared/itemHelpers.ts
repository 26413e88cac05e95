import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { normalizePhoneNumber } from './phoneNumber';
import { unsafePathSegmentReason } from './urlPath';

export type OperationHandler = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/** Reads a required ID parameter and refuses values that would not address one resource. */
export function requiredId(context: IExecuteFunctions, parameter: string, label: string, itemIndex: number): string {
	const value = String(context.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	const unsafe = unsafePathSegmentReason(value);
	if (unsafe) throw new NodeOperationError(context.getNode(), `${label}: ${unsafe}`, { itemIndex });
	return value;
}

/** Converts an n8n date-time parameter to epoch milliseconds, naming the field when it is not a date. */
export function epochMillis(context: IExecuteFunctions, value: unknown, label: string, itemIndex: number): number {
	const millis = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(millis)) {
		throw new NodeOperationError(context.getNode(), `${label}: expected a date and time, got "${String(value)}"`, {
			itemIndex,
		});
	}
	return millis;
}

/**
 * The item loop shared by the action nodes: one handler per resource/operation, arrays become
 * one item per element, every output is paired with its input, and with Continue On Fail the
 * failing item carries its error while the others go on.
 */
export async function runOperations(
	context: IExecuteFunctions,
	handlers: Record<string, Record<string, OperationHandler>>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];
	// Read once, as n8n's own nodes do: resource and operation are fixed choices, and reading them
	// per item costs a parameter resolution each (measured inside n8n: bench/n8n.js).
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const handler = handlers[resource]?.[operation];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (!handler) {
				throw new NodeOperationError(context.getNode(), `Operation "${operation}" is not supported for resource "${resource}"`, {
					itemIndex,
				});
			}
			const result = await handler.call(context, itemIndex);
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			hideSecretParameters(error);
			if (context.continueOnFail()) {
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
				continue;
			}
			// Both constructors hand back an error that already is one of theirs, HTTP details intact.
			if (error instanceof NodeApiError) throw new NodeApiError(context.getNode(), error as unknown as JsonObject, { itemIndex });
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
		}
	}
	return [output];
}

/** Parameters that hold secrets. n8n copies a node's parameters into every error it reports. */
const SECRET_PARAMETERS = ['signingKey'];

function hideSecretParameters(error: unknown) {
	const node = (error as { node?: { parameters?: IDataObject } })?.node;
	if (!node?.parameters) return;
	for (const name of SECRET_PARAMETERS) {
		if (node.parameters[name] !== undefined) node.parameters = { ...node.parameters, [name]: '**hidden**' };
	}
}

/** Reads a phone number parameter, refusing anything VIS could not dial before a request is made. */
export function requiredPhoneNumber(
	context: IExecuteFunctions,
	parameter: string,
	label: string,
	itemIndex: number,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '');
	const phoneNumber = normalizePhoneNumber(raw);
	if (!phoneNumber) {
		throw new NodeOperationError(
			context.getNode(),
			`${label}: expected a phone number of 7 to 15 digits with an optional leading +, got "${String(raw)}"`,
			{ itemIndex, description: 'Spaces, dashes, dots and brackets are allowed and removed.' },
		);
	}
	return phoneNumber;
}
