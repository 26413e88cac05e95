import type { IDataObject } from 'n8n-workflow';

import { only, type NccoAction } from '../action';
import {
	bargeInField,
	languageField,
	levelField,
	loopField,
	readAudio,
	readLanguage,
} from '../common';
import { copyFlags, isSet, settingsOf, text } from '../values';
import { checkWholeNumber, FieldError } from '../../../shared/kit/validation';

/** talk: text read aloud (text to speech). */
export const talk: NccoAction<'talk'> = {
	type: 'talk',
	name: 'Talk',
	description: 'Read text aloud (text to speech)',
	fields: () => [
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'Hello, thanks for calling',
			displayOptions: only('talk'),
			description: 'What is said, up to 1,500 characters. SSML is accepted.',
		},
		{
			displayName: 'Talk Options',
			name: 'talkOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('talk'),
			options: [
				bargeInField,
				languageField(
					'The language of the text as a BCP-47 code, e.g. en-US or de-DE (Vonage’s text-to-speech guide lists them)',
				),
				levelField,
				loopField('the text is said'),
				{
					displayName: 'Premium',
					name: 'premium',
					type: 'boolean',
					default: false,
					description:
						'Whether to use the premium (more natural, higher priced) voice of the language',
				},
				{
					displayName: 'Style',
					name: 'style',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 0,
					description:
						'The vocal style of the language (its voice), as numbered in Vonage’s text-to-speech guide',
				},
			],
		},
	],
	build(entry, at) {
		const value = text(entry.text);
		if (!value) throw new FieldError(at.field('Text'), 'required: what is said');
		if (value.length > 1500)
			throw new FieldError(
				at.field('Text'),
				`${value.length} characters; at most 1500 are accepted`,
			);
		const action: IDataObject = { action: 'talk', text: value };
		const settings = settingsOf(entry, 'talkOptions');
		readAudio(action, settings, at, 'Talk Options → ');
		readLanguage(action, settings, at, 'Talk Options → ');
		copyFlags(action, settings, ['premium']);
		if (isSet(settings.style))
			action.style = checkWholeNumber(at.field('Talk Options → Style'), settings.style, 0, 100);
		return action;
	},
};
