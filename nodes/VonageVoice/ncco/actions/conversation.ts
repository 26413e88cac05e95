import type { IDataObject } from 'n8n-workflow';

import { only, type NccoAction } from '../action';
import { copyFlags, isSet, list, settingsOf, text } from '../values';
import { checkUrl, FieldError } from '../../../shared/kit/validation';

/** conversation: a named conversation (a conference) created or joined. */
export const conversation: NccoAction<'conversation'> = {
	type: 'conversation',
	name: 'Conversation',
	description: 'Create or join a named conversation (a conference)',
	fields: () => [
		{
			displayName: 'Conversation Name',
			name: 'name',
			type: 'string',
			default: '',
			placeholder: 'support-room-1',
			displayOptions: only('conversation'),
			description:
				'The conversation to create or join; calls given the same name talk to each other',
		},
		{
			displayName: 'Conversation Options',
			name: 'conversationOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('conversation'),
			options: [
				{
					displayName: 'Can Hear',
					name: 'canHear',
					type: 'string',
					default: '',
					placeholder: 'leg UUIDs, comma-separated',
					description: 'Only these call legs are heard by this one (comma-separated leg UUIDs)',
				},
				{
					displayName: 'Can Speak',
					name: 'canSpeak',
					type: 'string',
					default: '',
					placeholder: 'leg UUIDs, comma-separated',
					description: 'Only these call legs hear this one (comma-separated leg UUIDs)',
				},
				{
					displayName: 'End On Exit',
					name: 'endOnExit',
					type: 'boolean',
					default: false,
					description: 'Whether the conversation ends when this (moderator) call leaves',
				},
				{
					displayName: 'Music On Hold URL',
					name: 'musicOnHoldUrl',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/hold.mp3',
					description: 'Audio played until the conversation starts',
				},
				{
					displayName: 'Mute',
					name: 'mute',
					type: 'boolean',
					default: false,
					description: 'Whether this call leg joins muted',
				},
				{
					displayName: 'Record',
					name: 'record',
					type: 'boolean',
					default: false,
					description:
						'Whether the conversation is recorded; the recording event goes to the call’s event URL',
				},
				{
					displayName: 'Start On Enter',
					name: 'startOnEnter',
					type: 'boolean',
					default: true,
					description:
						'Whether the conversation starts when this leg joins (off: others wait with music on hold)',
				},
			],
		},
	],
	build(entry, at) {
		const name = text(entry.name);
		if (!name)
			throw new FieldError(
				at.field('Conversation Name'),
				'required: the conversation to create or join',
			);
		const action: IDataObject = { action: 'conversation', name };
		const settings = settingsOf(entry, 'conversationOptions');
		if (isSet(settings.musicOnHoldUrl))
			action.musicOnHoldUrl = [
				checkUrl(at.field('Conversation Options → Music On Hold URL'), settings.musicOnHoldUrl),
			];
		copyFlags(action, settings, ['startOnEnter', 'endOnExit', 'record', 'mute']);
		if (isSet(settings.canSpeak)) action.canSpeak = list(settings.canSpeak);
		if (isSet(settings.canHear)) action.canHear = list(settings.canHear);
		return action;
	},
};
