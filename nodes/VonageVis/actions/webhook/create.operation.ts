import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { checkUrl, FieldError } from '../../../shared/kit/validation';
import { maskSigningKey } from './common';

/** A shorter HMAC key could be guessed; the trigger makes its own of 64 hex characters. */
const MIN_SIGNING_KEY_LENGTH = 16;

export const description: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/vis-events',
		displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
		description:
			'Where VIS posts the call events of the signed-in user, as a public HTTPS URL. It must answer 200 within 2 seconds, or VIS retries 5 times and then marks the webhook failed. To start a workflow on call events, use the Vonage VIS Trigger instead: it registers and renews its own webhook.',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{ name: 'Call', value: 'CALL', description: 'A call on the user’s line changed state' },
		],
		default: ['CALL'],
		displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
		description: 'The kinds of event VIS sends to the URL (VIS has only call events)',
	},
	{
		displayName: 'Signing Algorithm',
		name: 'signingAlgo',
		type: 'options',
		options: [
			{
				name: 'HMAC SHA-256',
				value: 'HMAC_SHA256',
				description: 'VIS signs each delivery with the Signing Key',
			},
			{
				name: 'None',
				value: 'NONE',
				description: 'Deliveries are not signed: anyone who knows the URL can send fake events',
			},
		],
		default: 'HMAC_SHA256',
		displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
		description:
			'Whether VIS signs each delivery, so the receiver can tell a real event from a forged one',
	},
	{
		displayName: 'Signing Key',
		name: 'signingKey',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		displayOptions: {
			show: { resource: ['webhook'], operation: ['create'], signingAlgo: ['HMAC_SHA256'] },
		},
		placeholder: 'e.g. the output of openssl rand -hex 32',
		description:
			'A random secret of at least 16 characters, made up by you, with which VIS signs each delivery (X-VON-Signature header). The receiver needs the same key to check the signature.',
	},
	{
		displayName: 'Metadata Policy',
		name: 'metadataPolicy',
		type: 'options',
		options: [
			{ name: 'Body', value: 'BODY', description: 'Add a "metadata" object to the body' },
			{ name: 'Header', value: 'HEADER', description: 'Send X-VON-* headers' },
			{ name: 'None', value: 'NONE' },
		],
		default: 'HEADER',
		displayOptions: { show: { resource: ['webhook'], operation: ['create'] } },
		description: 'How VIS sends the signature, webhook ID, delivery ID and attempt number',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const url = checkUrl('URL', this.getNodeParameter('url', itemIndex, ''));
	const events = this.getNodeParameter('events', itemIndex, ['CALL']) as string[];
	if (!events.length) {
		throw new FieldError('Events', 'choose at least one event type');
	}
	const signingAlgo = this.getNodeParameter('signingAlgo', itemIndex) as string;
	const body: IDataObject = {
		url,
		events,
		metadataPolicy: this.getNodeParameter('metadataPolicy', itemIndex),
	};
	if (signingAlgo === 'HMAC_SHA256') {
		const signingKey = String(this.getNodeParameter('signingKey', itemIndex, ''));
		if (signingKey.length < MIN_SIGNING_KEY_LENGTH) {
			throw new FieldError(
				'Signing Key',
				`expected at least ${MIN_SIGNING_KEY_LENGTH} characters (a random one, e.g. openssl rand -hex 32), got ${signingKey.length}`,
			);
		}
		Object.assign(body, { signingAlgo, signingKey });
	}
	const created = await vonageRequest(this, {
		api: 'vis',
		method: 'POST',
		path: '/self/webhooks',
		body,
		itemIndex,
	});
	return maskSigningKey(this, itemIndex, created);
}
