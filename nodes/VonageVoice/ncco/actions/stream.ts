import type { IDataObject } from 'n8n-workflow';

import { only, type NccoAction } from '../action';
import { bargeInField, levelField, loopField, readAudio } from '../common';
import { settingsOf } from '../values';
import { checkUrl } from '../../../shared/kit/validation';

/** stream: an audio file played into the call. */
export const stream: NccoAction<'stream'> = {
	type: 'stream',
	name: 'Stream',
	description: 'Play an audio file (MP3 or WAV) into the call',
	fields: () => [
		{
			displayName: 'Stream URL',
			name: 'streamUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/music.mp3',
			displayOptions: only('stream'),
			description: 'A public http(s) URL of an MP3 or 16-bit WAV file to play into the call',
		},
		{
			displayName: 'Stream Options',
			name: 'streamOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('stream'),
			options: [bargeInField, levelField, loopField('the audio plays')],
		},
	],
	build(entry, at) {
		const action: IDataObject = {
			action: 'stream',
			streamUrl: [checkUrl(at.field('Stream URL'), entry.streamUrl)],
		};
		readAudio(action, settingsOf(entry, 'streamOptions'), at, 'Stream Options → ');
		return action;
	},
};
