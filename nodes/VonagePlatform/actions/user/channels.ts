import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { WEBSOCKET_CONTENT_TYPES } from '../../../VonageVoice/ncco/endpoint';
import { parseJsonObject } from './common';

const numberChannel = (
	name: string,
	displayName: string,
	type: 'string' | 'number' = 'string',
) => ({
	name,
	displayName,
	values: [
		{
			displayName: 'Number',
			name: 'number',
			type,
			default: type === 'number' ? 0 : '',
			...(type === 'string' ? { placeholder: '14155550100' } : {}),
			description: `The user’s ${displayName} number in international format, digits only (country code first, e.g. 14155550100)`,
		} as INodeProperties,
	],
});

const CHANNELS = [
	{
		name: 'messenger',
		displayName: 'Messenger',
		values: [
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				default: '',
				description: 'The user’s Facebook Messenger ID',
			} as INodeProperties,
		],
	},
	numberChannel('mms', 'MMS'),
	numberChannel('pstn', 'PSTN', 'number'),
	{
		name: 'sip',
		displayName: 'SIP',
		values: [
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'The password the SIP endpoint asks for, if it asks; empty when it does not',
			},
			{
				displayName: 'URI',
				name: 'uri',
				type: 'string',
				default: '',
				placeholder: 'sip:4442138907@sip.example.com;transport=tls',
				description: 'The SIP address that calls to the user ring',
			},
			{
				displayName: 'Username',
				name: 'username',
				type: 'string',
				default: '',
				description: 'The user name the SIP endpoint asks for, if it asks; empty when it does not',
			},
		] as INodeProperties[],
	},
	numberChannel('sms', 'SMS'),
	{
		name: 'vbc',
		displayName: 'VBC',
		values: [
			{
				displayName: 'Extension',
				name: 'extension',
				type: 'string',
				default: '',
				placeholder: '1001',
				description: 'The user’s Vonage Business Communications extension, digits only',
			} as INodeProperties,
		],
	},
	numberChannel('viber', 'Viber'),
	{
		name: 'websocket',
		displayName: 'WebSocket',
		values: [
			{
				displayName: 'Content Type',
				name: 'contentType',
				type: 'options',
				options: WEBSOCKET_CONTENT_TYPES,
				default: 'audio/l16;rate=16000',
				description: 'The audio format Vonage streams to the WebSocket',
			},
			{
				displayName: 'Headers (JSON)',
				name: 'headers',
				type: 'json',
				default: '{}',
				description:
					'Headers Vonage sends when it opens the WebSocket, as a JSON object, e.g. {"customer": "42"}',
			},
			{
				displayName: 'URI',
				name: 'uri',
				type: 'string',
				default: '',
				placeholder: 'wss://example.com/socket',
				description:
					'The ws:// or wss:// URL of the WebSocket server that calls to the user connect to',
			},
		] as INodeProperties[],
	},
	numberChannel('whatsapp', 'WhatsApp'),
];

/** Channels, which Create and Update share: how calls and messages reach the user. */
export const channelsField: INodeProperties = {
	displayName: 'Channels',
	name: 'channels',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Channel',
	default: {},
	displayOptions: { show: { resource: ['user'], operation: ['create', 'update'] } },
	description: 'On Update, a channel type given here replaces that type’s current entries',
	options: CHANNELS,
};

/** The body's `channels`, when any is given; a WebSocket's headers are checked as JSON. */
export function channelsOf(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const channelInput = context.getNodeParameter('channels', itemIndex, {}) as Record<
		string,
		IDataObject[]
	>;
	const channels: IDataObject = {};
	for (const [type, entries] of Object.entries(channelInput)) {
		channels[type] = entries.map((entry) =>
			type === 'websocket'
				? {
						uri: entry.uri,
						'content-type': entry.contentType,
						headers: parseJsonObject(entry.headers, 'Channels → WebSocket → Headers'),
					}
				: entry,
		);
	}
	return Object.keys(channels).length ? { channels } : {};
}
