import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { only, type ActionAt, type NccoAction } from '../action';
import {
	eventMethodField,
	eventUrlField,
	languageField,
	readEvents,
	readLanguage,
} from '../common';
import { copyFlags, isSet, settingsOf, text } from '../values';
import { checkWholeNumber, FieldError } from '../../../shared/kit/validation';

/** record: all or part of the call recorded, optionally with a transcript. */
export const record: NccoAction<'record'> = {
	type: 'record',
	name: 'Record',
	description: 'Record all or part of the call, optionally with a transcript',
	fields: () => [
		recordOptionsField(),
		{
			displayName: 'Transcribe',
			name: 'transcribe',
			type: 'boolean',
			default: false,
			displayOptions: only('record'),
			description:
				'Whether Vonage also transcribes the recording; a transcription event then carries the transcript’s URL',
		},
		{
			displayName: 'Transcription',
			name: 'transcription',
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			displayOptions: { show: { type: ['record'], transcribe: [true] } },
			options: [
				eventMethodField('the transcription event'),
				eventUrlField(
					'the transcription event (its transcription_url is what Vonage Voice → Transcription → Download takes)',
				),
				languageField('The language spoken, as a BCP-47 code (default en-US)'),
				{
					displayName: 'Sentiment Analysis',
					name: 'sentimentAnalysis',
					type: 'boolean',
					default: false,
					description: 'Whether the transcript includes a sentiment score',
				},
			],
		},
	],
	build(entry, at) {
		const action: IDataObject = { action: 'record' };
		const settings = settingsOf(entry, 'recordOptions');
		const field = (name: string) => at.field(`Record Options → ${name}`);
		if (isSet(settings.format)) {
			const format = text(settings.format);
			if (!['mp3', 'wav', 'ogg'].includes(format))
				throw new FieldError(field('Format'), `expected mp3, wav or ogg, got "${format}"`);
			action.format = format;
		}
		if (settings.split === true) action.split = 'conversation';
		if (isSet(settings.channels)) {
			if (settings.split !== true)
				throw new FieldError(
					field('Channels'),
					'needs Split on: channels are the split sides of the conversation',
				);
			action.channels = checkWholeNumber(field('Channels'), settings.channels, 1, 32);
		}
		if (isSet(settings.endOnSilence))
			action.endOnSilence = checkWholeNumber(field('End On Silence'), settings.endOnSilence, 3, 10);
		if (isSet(settings.endOnKey)) {
			const key = text(settings.endOnKey);
			if (!/^[0-9*#]$/.test(key))
				throw new FieldError(
					field('End On Key'),
					`expected one key: a digit, * or #, got "${key}"`,
				);
			action.endOnKey = key;
		}
		if (isSet(settings.timeOut))
			action.timeOut = checkWholeNumber(field('Time Out'), settings.timeOut, 3, 7200);
		copyFlags(action, settings, ['beepStart']);
		readEvents(action, settings, at, 'Record Options → ');
		if (entry.transcribe === true)
			action.transcription = readTranscription(settingsOf(entry, 'transcription'), at);
		return action;
	},
};

/** Record Options: what is recorded, how, and until when. */
function recordOptionsField(): INodeProperties {
	return {
		displayName: 'Record Options',
		name: 'recordOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: only('record'),
		options: [
			{
				displayName: 'Beep Start',
				name: 'beepStart',
				type: 'boolean',
				default: false,
				description: 'Whether a beep plays when the recording starts',
			},
			{
				displayName: 'Channels',
				name: 'channels',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 32 },
				default: 2,
				description: '1 to 32 channels, one per participant; needs Split',
			},
			{
				displayName: 'End On Key',
				name: 'endOnKey',
				type: 'string',
				default: '',
				placeholder: '#',
				description: 'A key that stops the recording: a digit, * or #',
			},
			{
				displayName: 'End On Silence (Seconds)',
				name: 'endOnSilence',
				type: 'number',
				typeOptions: { minValue: 3, maxValue: 10 },
				default: 3,
				description: '3 to 10: the recording stops after this long of silence',
			},
			eventMethodField('the recording event'),
			eventUrlField(
				'the recording event (its recording_url is what Vonage Voice → Recording → Download takes)',
			),
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				options: [
					{ name: 'MP3', value: 'mp3' },
					{ name: 'OGG', value: 'ogg' },
					{ name: 'WAV', value: 'wav' },
				],
				default: 'mp3',
				description:
					'The file format of the recording (Vonage records WAV when there are more than 2 channels)',
			},
			{
				displayName: 'Split',
				name: 'split',
				type: 'boolean',
				default: false,
				description:
					'Whether each side of the conversation is recorded on its own channel (split: conversation)',
			},
			{
				displayName: 'Time Out (Seconds)',
				name: 'timeOut',
				type: 'number',
				typeOptions: { minValue: 3, maxValue: 7200 },
				default: 7200,
				description: '3 to 7200: the longest the recording runs',
			},
		],
	};
}

function readTranscription(transcription: IDataObject, at: ActionAt): IDataObject {
	const out: IDataObject = {};
	readLanguage(out, transcription, at, 'Transcription → ');
	copyFlags(out, transcription, ['sentimentAnalysis']);
	readEvents(out, transcription, at, 'Transcription → ');
	return out;
}
