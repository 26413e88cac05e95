import type { IDataObject } from 'n8n-workflow';

import { actionAt } from './action';
import { connect } from './actions/connect';
import { input } from './actions/input';
import { record } from './actions/record';
import { stream } from './actions/stream';
import { talk } from './actions/talk';
import { NCCO_ACTION_TYPES, type ActionType } from './fields';
import { parseNcco } from './parse';
import { checkMethod, copyFlags, isSet, list, settingsOf, text } from './values';
import { checkUrl, FieldError } from '../../shared/kit/validation';

/**
 * The NCCO builder: a Call Control Object from the fields of fields.ts instead of JSON,
 * shared by every place that takes an NCCO (Voice → Place a call and Transfer, Platform → Place a
 * call, the Voice Trigger's Default NCCO, and Voice → NCCO → Build for answer workflows). Each
 * action is checked as it is built, and errors name it ("Actions → 2 (Talk) → Text").
 */

const TYPE_LABEL: Record<ActionType, string> = {
	talk: 'Talk',
	stream: 'Stream',
	input: 'Input',
	record: 'Record',
	connect: 'Connect',
	conversation: 'Conversation',
	notify: 'Notify',
};

/** Builds one action; `at` names it in errors ("Actions → 2 (Talk)"). */
function buildAction(entry: IDataObject, at: string): IDataObject {
	const type = text(entry.type) as ActionType;
	if (!NCCO_ACTION_TYPES.includes(type))
		throw new FieldError(
			`${at} → Type`,
			`expected one of ${NCCO_ACTION_TYPES.join(', ')}, got "${text(entry.type)}"`,
		);
	const where = actionAt(`${at} (${TYPE_LABEL[type]})`);
	const { field } = where;
	const options = (name: string) => settingsOf(entry, name);

	switch (type) {
		case 'talk':
			return talk.build(entry, where);
		case 'stream':
			return stream.build(entry, where);
		case 'input':
			return input.build(entry, where);
		case 'record':
			return record.build(entry, where);
		case 'connect':
			return connect.build(entry, where);
		case 'conversation': {
			const name = text(entry.name);
			if (!name)
				throw new FieldError(
					field('Conversation Name'),
					'required: the conversation to create or join',
				);
			const action: IDataObject = { action: 'conversation', name };
			const settings = options('conversationOptions');
			if (isSet(settings.musicOnHoldUrl))
				action.musicOnHoldUrl = [
					checkUrl(field('Conversation Options → Music On Hold URL'), settings.musicOnHoldUrl),
				];
			copyFlags(action, settings, ['startOnEnter', 'endOnExit', 'record', 'mute']);
			if (isSet(settings.canSpeak)) action.canSpeak = list(settings.canSpeak);
			if (isSet(settings.canHear)) action.canHear = list(settings.canHear);
			return action;
		}
		case 'notify': {
			let payload: unknown = entry.payload ?? {};
			if (typeof payload === 'string') {
				let invalid = '';
				try {
					payload = JSON.parse(payload.trim() || '{}');
				} catch (error) {
					invalid = (error as Error).message;
				}
				if (invalid) throw new FieldError(field('Payload'), `not valid JSON (${invalid})`);
			}
			if (!payload || typeof payload !== 'object' || Array.isArray(payload))
				throw new FieldError(field('Payload'), 'expected a JSON object, e.g. {"step": "menu"}');
			if (!isSet(entry.notifyEventUrl))
				throw new FieldError(field('Notify Event URL'), 'required: where Vonage sends the payload');
			const action: IDataObject = {
				action: 'notify',
				payload: payload as IDataObject,
				eventUrl: [checkUrl(field('Notify Event URL'), entry.notifyEventUrl)],
			};
			const method = options('notifyOptions').eventMethod;
			if (isSet(method))
				action.eventMethod = checkMethod(field('Notify Options → Event Method'), method);
			return action;
		}
	}
}

/**
 * The NCCO from the Actions field's value, every action checked (errors name the action by its
 * position and type, and the field), then held to the same limits as a JSON NCCO.
 */
export function buildNcco(value: unknown, label = 'Actions'): IDataObject[] {
	const entries = value && typeof value === 'object' ? (value as IDataObject).action : undefined;
	if (!Array.isArray(entries) || entries.length === 0)
		throw new FieldError(label, 'add at least one action');
	const ncco = (entries as IDataObject[]).map((entry, index) =>
		buildAction(entry ?? {}, `${label} → ${index + 1}`),
	);
	const checked = parseNcco(ncco);
	if (typeof checked === 'string') throw new FieldError(label, checked);
	return checked;
}

/** The NCCO of a place that offers both sources: built from fields, or parsed from JSON. */
export function nccoFrom(
	source: unknown,
	actions: () => unknown,
	json: () => unknown,
	labels: { actions: string; json: string },
): IDataObject[] {
	if (source === 'build') return buildNcco(actions(), labels.actions);
	const ncco = parseNcco(json());
	if (typeof ncco === 'string') throw new FieldError(labels.json, ncco);
	return ncco;
}
