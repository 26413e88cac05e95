import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FieldError } from './validation';

/** An output item that carries binary data (a downloaded file) besides its JSON. */
export class ItemWithBinary {
	constructor(
		readonly json: IDataObject,
		readonly binary: IBinaryKeyData,
	) {}
}

export function withBinary(json: IDataObject, binary: IBinaryKeyData): ItemWithBinary {
	return new ItemWithBinary(json, binary);
}

export type OperationHandler = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[] | ItemWithBinary>;

/**
 * The router of the action nodes: the one item loop that dispatches every resource/operation to
 * its handler. Arrays become one item per element, every output is paired with its input, and
 * with Continue On Fail the failing item carries its error while the others go on.
 */
export async function routeOperations(
	context: IExecuteFunctions,
	handlers: Record<string, Record<string, OperationHandler>>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];
	// Read once, as n8n's own nodes do: resource and operation are fixed choices.
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const handler = handlers[resource]?.[operation];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (!handler) {
				throw new NodeOperationError(
					context.getNode(),
					`Operation "${operation}" is not supported for resource "${resource}"`,
					{
						itemIndex,
					},
				);
			}
			const result = await handler.call(context, itemIndex);
			if (result instanceof ItemWithBinary) {
				output.push({ json: result.json, binary: result.binary, pairedItem: { item: itemIndex } });
				continue;
			}
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			if (context.continueOnFail()) {
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw withSecretParametersHidden(itemError(context, error, itemIndex));
		}
	}
	return [output];
}

/**
 * The item's error as n8n shows it. Bad input (FieldError) becomes a NodeOperationError here and
 * nowhere else. Both constructors hand back an error that already is one of theirs, HTTP details intact.
 */
function itemError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError)
		return new NodeApiError(context.getNode(), error as unknown as JsonObject, { itemIndex });
	if (error instanceof FieldError)
		return new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: error.description,
		});
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** Parameters that hold secrets. n8n copies a node's parameters into every error it reports. */
const SECRET_PARAMETERS = ['signingKey'];

function withSecretParametersHidden(error: Error): Error {
	const node = (error as { node?: { parameters?: IDataObject } }).node;
	for (const name of SECRET_PARAMETERS) {
		if (node?.parameters?.[name] !== undefined)
			node.parameters = { ...node.parameters, [name]: '**hidden**' };
	}
	return error;
}
