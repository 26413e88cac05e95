import type { IDataObject } from 'n8n-workflow';

import { actionAt } from './action';
import { stream } from './actions/stream';
import { talk } from './actions/talk';
import { readEvents, readLanguage } from './common';
import { NCCO_ACTION_TYPES, type ActionType } from './fields';
import { parseNcco } from './parse';
import { checkMethod, checkPhoneNumber, copyFlags, isSet, list, settingsOf, text } from './values';
import {
	checkNumberInRange,
	checkUrl,
	checkWholeNumber,
	FieldError,
} from '../../shared/kit/validation';

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
		case 'input': {
			const types = list(entry.inputTypes);
			if (!types.length) throw new FieldError(field('Input Types'), 'choose DTMF, Speech or both');
			const unknown = types.find((t) => t !== 'dtmf' && t !== 'speech');
			if (unknown)
				throw new FieldError(field('Input Types'), `expected dtmf or speech, got "${unknown}"`);
			const action: IDataObject = { action: 'input', type: types };
			const dtmf = options('dtmf');
			if (types.includes('dtmf')) {
				const settings: IDataObject = {};
				if (isSet(dtmf.maxDigits))
					settings.maxDigits = checkWholeNumber(
						field('DTMF Settings → Max Digits'),
						dtmf.maxDigits,
						1,
						20,
					);
				copyFlags(settings, dtmf, ['submitOnHash']);
				if (isSet(dtmf.timeOut))
					settings.timeOut = checkWholeNumber(
						field('DTMF Settings → Time Out'),
						dtmf.timeOut,
						0,
						10,
					);
				if (Object.keys(settings).length) action.dtmf = settings;
			}
			const speech = options('speech');
			if (types.includes('speech')) {
				const settings: IDataObject = {};
				if (isSet(speech.uuid)) settings.uuid = [text(speech.uuid)];
				if (isSet(speech.endOnSilence))
					settings.endOnSilence = checkNumberInRange(
						field('Speech Settings → End On Silence'),
						speech.endOnSilence,
						0.4,
						10,
					);
				readLanguage(settings, speech, where, 'Speech Settings → ');
				if (isSet(speech.context)) settings.context = list(speech.context);
				if (isSet(speech.startTimeout))
					settings.startTimeout = checkWholeNumber(
						field('Speech Settings → Start Timeout'),
						speech.startTimeout,
						1,
						60,
					);
				if (isSet(speech.maxDuration))
					settings.maxDuration = checkWholeNumber(
						field('Speech Settings → Max Duration'),
						speech.maxDuration,
						1,
						60,
					);
				// Vonage needs the speech object to listen for speech, even empty.
				action.speech = settings;
			}
			events(action, options('inputOptions'), 'Input Options → ');
			return action;
		}
		case 'record': {
			const action: IDataObject = { action: 'record' };
			const settings = options('recordOptions');
			if (isSet(settings.format)) {
				const format = text(settings.format);
				if (!['mp3', 'wav', 'ogg'].includes(format))
					throw new FieldError(
						field('Record Options → Format'),
						`expected mp3, wav or ogg, got "${format}"`,
					);
				action.format = format;
			}
			if (settings.split === true) action.split = 'conversation';
			if (isSet(settings.channels)) {
				if (settings.split !== true)
					throw new FieldError(
						field('Record Options → Channels'),
						'needs Split on: channels are the split sides of the conversation',
					);
				action.channels = checkWholeNumber(
					field('Record Options → Channels'),
					settings.channels,
					1,
					32,
				);
			}
			if (isSet(settings.endOnSilence))
				action.endOnSilence = checkWholeNumber(
					field('Record Options → End On Silence'),
					settings.endOnSilence,
					3,
					10,
				);
			if (isSet(settings.endOnKey)) {
				const key = text(settings.endOnKey);
				if (!/^[0-9*#]$/.test(key))
					throw new FieldError(
						field('Record Options → End On Key'),
						`expected one key: a digit, * or #, got "${key}"`,
					);
				action.endOnKey = key;
			}
			if (isSet(settings.timeOut))
				action.timeOut = checkWholeNumber(
					field('Record Options → Time Out'),
					settings.timeOut,
					3,
					7200,
				);
			copyFlags(action, settings, ['beepStart']);
			events(action, settings, 'Record Options → ');
			if (entry.transcribe === true) {
				const transcription = options('transcription');
				const out: IDataObject = {};
				readLanguage(out, transcription, where, 'Transcription → ');
				copyFlags(out, transcription, ['sentimentAnalysis']);
				events(out, transcription, 'Transcription → ');
				action.transcription = out;
			}
			return action;
		}
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
