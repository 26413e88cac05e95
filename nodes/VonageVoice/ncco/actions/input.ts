import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { only, type ActionAt, type NccoAction } from '../action';
import {
	eventMethodField,
	eventUrlField,
	languageField,
	readEvents,
	readLanguage,
} from '../common';
import { copyFlags, isSet, list, settingsOf, text } from '../values';
import { checkNumberInRange, checkWholeNumber, FieldError } from '../../../shared/kit/validation';

/** input: keypad digits (DTMF) or speech collected from the caller. */
export const input: NccoAction<'input'> = {
	type: 'input',
	name: 'Input',
	description: 'Collect keypad digits (DTMF) or speech from the caller',
	fields: () => [
		{
			displayName: 'Input Types',
			name: 'inputTypes',
			type: 'multiOptions',
			options: [
				{ name: 'DTMF (Keypad)', value: 'dtmf' },
				{ name: 'Speech', value: 'speech' },
			],
			default: ['dtmf'],
			displayOptions: only('input'),
			description: 'What the caller may answer with: keypad digits, speech, or both',
		},
		dtmfSettingsField(),
		speechSettingsField(),
		{
			displayName: 'Input Options',
			name: 'inputOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('input'),
			options: [
				eventMethodField('the digits or speech'),
				eventUrlField(
					'the digits or speech; its answer can be the next NCCO',
					'the Vonage Voice Trigger that answers the call receives them on its Caller Turn output, where the workflow builds the next NCCO',
				),
				{
					displayName: 'Step Name',
					name: 'step',
					type: 'string',
					default: '',
					placeholder: 'sales-menu',
					description:
						'Names this question, so the workflow can tell which one the caller answered: the Vonage Voice Trigger puts it in the Caller Turn item as "step". Letters, digits, "-", "_" and "." (up to 64); only in NCCO → Build with no Event URL.',
				},
			],
		},
	],
	build(entry, at) {
		const types = list(entry.inputTypes);
		if (!types.length) throw new FieldError(at.field('Input Types'), 'choose DTMF, Speech or both');
		const unknown = types.find((t) => t !== 'dtmf' && t !== 'speech');
		if (unknown)
			throw new FieldError(at.field('Input Types'), `expected dtmf or speech, got "${unknown}"`);
		const action: IDataObject = { action: 'input', type: types };
		if (types.includes('dtmf')) {
			const dtmf = readDtmf(settingsOf(entry, 'dtmf'), at);
			if (Object.keys(dtmf).length) action.dtmf = dtmf;
		}
		// Vonage needs the speech object to listen for speech, even empty.
		if (types.includes('speech')) action.speech = readSpeech(settingsOf(entry, 'speech'), at);
		const options = settingsOf(entry, 'inputOptions');
		readEvents(action, options, at, 'Input Options → ');
		if (isSet(options.step)) action[STEP] = readStep(options.step, action, at);
		return action;
	},
};

/** Carried to the Voice Trigger, which turns it into its Event URL's `step` (nothing else sends it). */
export const STEP = 'step';
export const STEP_PATTERN = /^[\w.-]{1,64}$/;

function readStep(value: unknown, action: IDataObject, at: ActionAt): string {
	const field = at.field('Input Options → Step Name');
	if (!at.servedByTrigger)
		throw new FieldError(
			field,
			'only NCCO → Build, whose NCCO a Vonage Voice Trigger serves, can name a step',
		);
	if (action.eventUrl)
		throw new FieldError(field, 'leave Event URL empty: the step comes back to the Voice Trigger');
	const step = text(value);
	if (!STEP_PATTERN.test(step))
		throw new FieldError(
			field,
			`expected letters, digits, "-", "_" or "." (up to 64), got "${step}"`,
		);
	return step;
}

/** DTMF Settings: how keypad digits are collected. */
function dtmfSettingsField(): INodeProperties {
	return {
		displayName: 'DTMF Settings',
		name: 'dtmf',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: only('input'),
		description: 'Used when DTMF is an input type',
		options: [
			{
				displayName: 'Max Digits',
				name: 'maxDigits',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 4,
				description: 'How many digits the caller can press, 1 to 20',
			},
			{
				displayName: 'Submit On Hash',
				name: 'submitOnHash',
				type: 'boolean',
				default: false,
				description: 'Whether pressing # sends the digits at once',
			},
			{
				displayName: 'Time Out (Seconds)',
				name: 'timeOut',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description: '0 to 10: the digits are sent after this long without a key press',
			},
		],
	};
}

/** Speech Settings: how speech is listened for. */
function speechSettingsField(): INodeProperties {
	return {
		displayName: 'Speech Settings',
		name: 'speech',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: only('input'),
		description: 'Used when speech is an input type',
		options: [
			{
				displayName: 'Context',
				name: 'context',
				type: 'string',
				default: '',
				placeholder: 'sales, support, billing',
				description:
					'Words or phrases the caller is likely to say, comma-separated; they improve recognition',
			},
			{
				displayName: 'End On Silence (Seconds)',
				name: 'endOnSilence',
				type: 'number',
				typeOptions: { minValue: 0.4, maxValue: 10, numberPrecision: 1 },
				default: 2,
				description: '0.4 to 10: the speech is taken as finished after this long without speaking',
			},
			languageField('The language the caller speaks, as a BCP-47 code (default en-US)'),
			{
				displayName: 'Leg UUID',
				name: 'uuid',
				type: 'string',
				default: '',
				placeholder: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
				description: 'The call leg whose speech is captured. Not set: the leg that joined first.',
			},
			{
				displayName: 'Max Duration (Seconds)',
				name: 'maxDuration',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60 },
				default: 60,
				description: '1 to 60: the longest the caller may speak',
			},
			{
				displayName: 'Start Timeout (Seconds)',
				name: 'startTimeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60 },
				default: 10,
				description: '1 to 60: how long to wait for the caller to start speaking',
			},
		],
	};
}

function readDtmf(dtmf: IDataObject, at: ActionAt): IDataObject {
	const settings: IDataObject = {};
	if (isSet(dtmf.maxDigits))
		settings.maxDigits = checkWholeNumber(
			at.field('DTMF Settings → Max Digits'),
			dtmf.maxDigits,
			1,
			20,
		);
	copyFlags(settings, dtmf, ['submitOnHash']);
	if (isSet(dtmf.timeOut))
		settings.timeOut = checkWholeNumber(at.field('DTMF Settings → Time Out'), dtmf.timeOut, 0, 10);
	return settings;
}

function readSpeech(speech: IDataObject, at: ActionAt): IDataObject {
	const settings: IDataObject = {};
	if (isSet(speech.uuid)) settings.uuid = [text(speech.uuid)];
	if (isSet(speech.endOnSilence))
		settings.endOnSilence = checkNumberInRange(
			at.field('Speech Settings → End On Silence'),
			speech.endOnSilence,
			0.4,
			10,
		);
	readLanguage(settings, speech, at, 'Speech Settings → ');
	if (isSet(speech.context)) settings.context = list(speech.context);
	if (isSet(speech.startTimeout))
		settings.startTimeout = checkWholeNumber(
			at.field('Speech Settings → Start Timeout'),
			speech.startTimeout,
			1,
			60,
		);
	if (isSet(speech.maxDuration))
		settings.maxDuration = checkWholeNumber(
			at.field('Speech Settings → Max Duration'),
			speech.maxDuration,
			1,
			60,
		);
	return settings;
}
