import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { callControlFields, callControlOf } from './callControl';
import { callerOf, fromFields } from './from';
import { optionsBody, optionsField } from './options';
import { toEndpoint, toFields } from './to';

/**
 * Placing a Voice API call: the fields and the request body shared by Voice v1 (Vonage Voice
 * node) and Voice v2 (Vonage Platform node), which take the same endpoints, NCCO or answer URL,
 * timers and machine detection. v1 also takes advanced machine detection.
 */
export interface CreateCallFieldsOptions {
	resource: string;
	operation: string;
	advancedMachineDetection: boolean;
	/** Node versions whose NCCO Source defaults to JSON (saved before Build existed), and the first defaulting to Build. */
	nccoVersions: { json: number[]; build: number };
}

/** Display options that show a field for the create operation, when `extra` holds too. */
export type ShowFor = (extra?: IDataObject) => IDisplayOptions;

/** The fields in the order the panel shows them: To, From, Call Control, Options. */
export function createCallFields(options: CreateCallFieldsOptions): INodeProperties[] {
	const { resource, operation } = options;
	const show: ShowFor = (extra = {}) => ({
		show: { resource: [resource], operation: [operation], ...extra },
	});
	return [
		...toFields(show),
		...fromFields(show),
		...callControlFields(options, show),
		optionsField(show, options.advancedMachineDetection),
	];
}

/** The request body of a new call, every field checked; nothing is sent when one is wrong. */
export function createCallBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		to: [toEndpoint(context, itemIndex, options)],
		...callerOf(context, itemIndex),
		...callControlOf(context, itemIndex),
		...optionsBody(options),
	};
}
