import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** The fields that several webhook operations share; each operation file declares only its own. */
export const webhookIdField: INodeProperties = {
	displayName: 'Webhook ID',
	name: 'webhookId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of the webhook: the ID that Create a Webhook or List Webhooks outputs',
	displayOptions: { show: { resource: ['webhook'], operation: ['delete', 'get', 'renew'] } },
};

export const showSigningKeyField: INodeProperties = {
	displayName: 'Show Signing Key',
	name: 'showSigningKey',
	type: 'boolean',
	default: false,
	displayOptions: {
		show: { resource: ['webhook'], operation: ['create', 'get', 'list', 'renew'] },
	},
	description:
		'Whether to output the signing key in plain text. Off by default so that it does not end up in execution logs.',
};

/** The webhook as VIS returned it, its signing key hidden unless Show Signing Key is on. */
export function maskSigningKey(
	context: IExecuteFunctions,
	itemIndex: number,
	webhook: IDataObject,
): IDataObject {
	if (context.getNodeParameter('showSigningKey', itemIndex, false) || !webhook?.signingKey)
		return webhook;
	return { ...webhook, signingKey: '**hidden**' };
}
