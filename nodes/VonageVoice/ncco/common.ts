import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { ActionAt } from './action';
import { checkLanguage, checkMethod, isSet } from './values';
import { checkNumberInRange, checkUrl, checkWholeNumber } from '../../shared/kit/validation';

/** Fields that several NCCO actions have, each with the reading of its value. */

/** The methods Voice can call an answer, event or action URL with. */
export const HTTP_METHODS: INodePropertyOptions[] = [
	{ name: 'GET', value: 'GET' },
	{ name: 'POST', value: 'POST' },
];

export const eventMethodField = (what: string): INodeProperties => ({
	displayName: 'Event Method',
	name: 'eventMethod',
	type: 'options',
	options: HTTP_METHODS,
	default: 'POST',
	description: `How Vonage sends ${what} to the Event URL`,
});

export const eventUrlField = (
	what: string,
	notSet = 'the call’s own event URL (the one the Vonage Voice Trigger sets)',
): INodeProperties => ({
	displayName: 'Event URL',
	name: 'eventUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/events',
	description: `Where Vonage sends ${what}. Not set: ${notSet}.`,
});

/** Event URL and Event Method from `settings`, as the NCCO takes them; `prefix` is the collection's. */
export function readEvents(
	action: IDataObject,
	settings: IDataObject,
	at: ActionAt,
	prefix: string,
): void {
	if (isSet(settings.eventUrl))
		action.eventUrl = [checkUrl(at.field(`${prefix}Event URL`), settings.eventUrl)];
	if (isSet(settings.eventMethod))
		action.eventMethod = checkMethod(at.field(`${prefix}Event Method`), settings.eventMethod);
}

export const bargeInField: INodeProperties = {
	displayName: 'Barge In',
	name: 'bargeIn',
	type: 'boolean',
	default: false,
	description:
		'Whether a key press ends this action early; the next action that is not a talk or stream must then be an input',
};

export const levelField: INodeProperties = {
	displayName: 'Level',
	name: 'level',
	type: 'number',
	typeOptions: { minValue: -1, maxValue: 1, numberPrecision: 1 },
	default: 0,
	description: 'Audio level from -1 to 1 in steps of 0.1; 0 is unchanged',
};

/** `what`: "the text is said", "the audio plays". */
export const loopField = (what: string): INodeProperties => ({
	displayName: 'Loop',
	name: 'loop',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 1,
	description: `How many times ${what}; 0 repeats it until the call ends`,
});

/** Barge In, Level and Loop (talk and stream) from `settings`; `prefix` is the collection's. */
export function readAudio(
	action: IDataObject,
	settings: IDataObject,
	at: ActionAt,
	prefix: string,
): void {
	if (settings.bargeIn !== undefined) action.bargeIn = settings.bargeIn === true;
	if (isSet(settings.level))
		action.level = checkNumberInRange(at.field(`${prefix}Level`), settings.level, -1, 1);
	if (isSet(settings.loop))
		action.loop = checkWholeNumber(at.field(`${prefix}Loop`), settings.loop, 0, 1000);
}

/** A BCP-47 language option (talk, speech input, transcription); read with `readLanguage`. */
export const languageField = (description: string): INodeProperties => ({
	displayName: 'Language',
	name: 'language',
	type: 'string',
	default: '',
	placeholder: 'en-US',
	description,
});

/** The Language option of `settings`, checked, onto `target`; `prefix` is the collection's. */
export function readLanguage(
	target: IDataObject,
	settings: IDataObject,
	at: ActionAt,
	prefix: string,
): void {
	if (isSet(settings.language))
		target.language = checkLanguage(at.field(`${prefix}Language`), settings.language);
}
