import type { IDataObject } from 'n8n-workflow';

import { only, type ActionAt, type NccoAction } from '../action';
import { eventMethodField } from '../common';
import { checkMethod, isSet, settingsOf } from '../values';
import { checkUrl, FieldError } from '../../../shared/kit/validation';

/** notify: a payload sent to your application, to track progress through the NCCO. */
export const notify: NccoAction<'notify'> = {
	type: 'notify',
	name: 'Notify',
	description: 'Send a request to your application to track progress through the NCCO',
	fields: () => [
		{
			displayName: 'Payload',
			name: 'payload',
			type: 'json',
			default: '{}',
			displayOptions: only('notify'),
			description: 'A JSON object sent to the Event URL, e.g. {"step": "menu"}',
		},
		{
			displayName: 'Notify Event URL',
			name: 'notifyEventUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/progress',
			displayOptions: only('notify'),
			description:
				'Where Vonage sends the payload; its answer can be the next NCCO. Empty in NCCO → Build: the Vonage Voice Trigger that serves the NCCO receives it on its Caller Turn output. Required where the NCCO is sent with a call.',
		},
		{
			displayName: 'Notify Options',
			name: 'notifyOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: only('notify'),
			options: [eventMethodField('the payload')],
		},
	],
	build(entry, at) {
		const payload = readPayload(entry.payload ?? {}, at);
		const action: IDataObject = { action: 'notify', payload };
		if (isSet(entry.notifyEventUrl))
			action.eventUrl = [checkUrl(at.field('Notify Event URL'), entry.notifyEventUrl)];
		else if (!at.servedByTrigger)
			throw new FieldError(
				at.field('Notify Event URL'),
				'required: where Vonage sends the payload (only NCCO → Build, served by the Voice Trigger, may leave it empty)',
			);
		const method = settingsOf(entry, 'notifyOptions').eventMethod;
		if (isSet(method))
			action.eventMethod = checkMethod(at.field('Notify Options → Event Method'), method);
		return action;
	},
};

/** The payload: a JSON object, given as JSON text or as an object from an expression. */
function readPayload(value: unknown, at: ActionAt): IDataObject {
	let payload = value;
	if (typeof payload === 'string') {
		let invalid = '';
		try {
			payload = JSON.parse(payload.trim() || '{}');
		} catch (error) {
			invalid = (error as Error).message;
		}
		if (invalid) throw new FieldError(at.field('Payload'), `not valid JSON (${invalid})`);
	}
	if (!payload || typeof payload !== 'object' || Array.isArray(payload))
		throw new FieldError(at.field('Payload'), 'expected a JSON object, e.g. {"step": "menu"}');
	return payload as IDataObject;
}
