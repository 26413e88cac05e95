import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { checkNumberInRange, checkWholeNumber } from '../../../shared/kit/validation';
import { levelField } from '../../ncco/common';

/** Audio into a live call (Stream: Play Audio, Talk: Speak Text), which the Voice API reads alike. */
type CallAudio = 'stream' | 'talk';

/** The volume option of Play Audio and Speak Text: the NCCO's talk and stream field. */
export const levelOption = levelField;

/** The Loop option; `verb` is what is repeated ("play", "read"). */
export const loopOption = (verb: string): INodeProperties => ({
	displayName: 'Loop',
	name: 'loop',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 1,
	description: `How many times to ${verb} it; 0 repeats until stopped`,
});

/** Options → Loop and Level as the request body takes them, checked. */
export function loopAndLevel(options: IDataObject): IDataObject {
	const body: IDataObject = {};
	if (options.loop !== undefined)
		body.loop = checkWholeNumber('Options → Loop', options.loop, 0, 1000);
	if (options.level !== undefined)
		body.level = checkNumberInRange('Options → Level', options.level, -1, 1);
	return body;
}

/**
 * Starts the audio with `body` (PUT), or stops it (DELETE). Acts on a live call: never repeated
 * but after a 429.
 */
export async function sendCallAudio(
	context: IExecuteFunctions,
	itemIndex: number,
	uuid: string,
	audio: CallAudio,
	body?: IDataObject,
) {
	return await vonageRequest(context, {
		api: 'voice',
		method: body ? 'PUT' : 'DELETE',
		path: apiPath`/v1/calls/${uuid}/${audio}`,
		...(body && { body }),
		itemIndex,
		actsOnCall: true,
	});
}
