import type { IDataObject } from 'n8n-workflow';

import { actionAt } from './action';
import { input } from './actions/input';
import { record } from './actions/record';
import { stream } from './actions/stream';
import { talk } from './actions/talk';
import { readEvents } from './common';
import { NCCO_ACTION_TYPES, type ActionType } from './fields';
import { parseNcco } from './parse';
import { checkMethod, checkPhoneNumber, copyFlags, isSet, list, settingsOf, text } from './values';
import { checkUrl, checkWholeNumber, FieldError } from '../../shared/kit/validation';

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
	const { label, field } = where;
	const options = (name: string) => settingsOf(entry, name);
	const events = (action: IDataObject, settings: IDataObject, prefix: string) =>
		readEvents(action, settings, where, prefix);

	switch (type) {
		case 'talk':
			return talk.build(entry, where);
		case 'stream':
			return stream.build(entry, where);
		case 'input':
			return input.build(entry, where);
		case 'record':
			return record.build(entry, where);
		case 'connect': {
			const raw = options('endpoints').endpoint;
			const endpoints = Array.isArray(raw) ? (raw as IDataObject[]) : [];
			if (!endpoints.length)
				throw new FieldError(field('Endpoints'), 'add the endpoint to connect to');
			const action: IDataObject = {
				action: 'connect',
				endpoint: endpoints.map((endpoint, index) =>
					buildEndpoint(endpoint, `${label} → Endpoints → ${index + 1}`),
				),
			};
			const settings = options('connectOptions');
			if (isSet(settings.from))
				action.from = checkPhoneNumber(field('Connect Options → From'), settings.from);
			if (settings.randomFromNumber === true) {
				if (action.from)
					throw new FieldError(
						field('Connect Options → Random From Number'),
						'give either From or Random From Number, not both',
					);
				action.randomFromNumber = true;
			}
			if (settings.eventTypeSynchronous === true) action.eventType = 'synchronous';
			if (isSet(settings.timeout))
				action.timeout = checkWholeNumber(
					field('Connect Options → Timeout'),
					settings.timeout,
					3,
					7200,
				);
			if (isSet(settings.callLimit))
				action.limit = checkWholeNumber(
					field('Connect Options → Limit'),
					settings.callLimit,
					1,
					7200,
				);
			if (isSet(settings.machineDetection)) {
				const behavior = text(settings.machineDetection);
				if (behavior !== 'continue' && behavior !== 'hangup')
					throw new FieldError(
						field('Connect Options → Machine Detection'),
						`expected continue or hangup, got "${behavior}"`,
					);
				action.machineDetection = behavior;
			}
			if (isSet(settings.ringbackTone))
				action.ringbackTone = checkUrl(
					field('Connect Options → Ringback Tone'),
					settings.ringbackTone,
				);
			events(action, settings, 'Connect Options → ');
			return action;
		}
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

function buildEndpoint(endpoint: IDataObject, at: string): IDataObject {
	const type = text(endpoint.endpointType) || 'phone';
	switch (type) {
		case 'phone': {
			const number = checkPhoneNumber(`${at} → Number`, endpoint.number);
			const out: IDataObject = { type: 'phone', number };
			if (isSet(endpoint.dtmfAnswer)) {
				const digits = text(endpoint.dtmfAnswer);
				if (!/^[0-9*#p]{1,100}$/.test(digits))
					throw new FieldError(
						`${at} → DTMF Answer`,
						`expected 0-9, *, # and p (a pause), got "${digits}"`,
					);
				out.dtmfAnswer = digits;
			}
			return out;
		}
		case 'app': {
			const user = text(endpoint.user);
			if (!user)
				throw new FieldError(`${at} → User`, 'required: the name of a user of the application');
			return { type: 'app', user };
		}
		case 'websocket': {
			const contentType = text(endpoint.contentType) || 'audio/l16;rate=16000';
			if (!/^audio\/l16;rate=(8000|16000)$/.test(contentType))
				throw new FieldError(
					`${at} → Content Type`,
					`expected audio/l16;rate=16000 or audio/l16;rate=8000, got "${contentType}"`,
				);
			return {
				type: 'websocket',
				uri: checkUrl(`${at} → URI`, endpoint.uri, ['ws:', 'wss:']),
				'content-type': contentType,
			};
		}
		case 'sip':
			return { type: 'sip', uri: checkUrl(`${at} → SIP URI`, endpoint.sipUri, ['sip:', 'sips:']) };
		case 'vbc': {
			const extension = text(endpoint.extension);
			if (!/^\d+$/.test(extension))
				throw new FieldError(`${at} → Extension`, `expected digits, got "${extension}"`);
			return { type: 'vbc', extension };
		}
		default:
			throw new FieldError(
				`${at} → Endpoint Type`,
				`expected app, phone, sip, vbc or websocket, got "${type}"`,
			);
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
