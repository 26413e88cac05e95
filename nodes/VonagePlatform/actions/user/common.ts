import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { FieldError } from '../../../shared/kit/validation';

/** The field that Get, Update and Delete share; each operation file declares only its own. */
export const userIdField: INodeProperties = {
	displayName: 'User ID',
	name: 'userId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'USR-82e028d9-5201-4f1e-8188-604b2d3471ec',
	description: 'The ID of the user (starts USR-): the ID that Create a User or List Users outputs',
	displayOptions: { show: { resource: ['user'], operation: ['get', 'update', 'delete'] } },
};

/** What PATCH /v1/users/{id} accepts: name, display name, image and channels. */
export const updatableUserFields: INodeProperties[] = [
	{
		displayName: 'Display Name',
		name: 'displayName',
		type: 'string',
		default: '',
		placeholder: 'Jamie Doe',
		description: 'The name other users see, e.g. in a Client SDK app',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/avatar.png',
		description: 'A public URL of the user’s picture',
	},
];

/** A JSON object given as text (or already parsed), or a FieldError naming the field. */
export function parseJsonObject(value: unknown, label: string): IDataObject {
	try {
		const parsed = typeof value === 'string' ? JSON.parse(value || '{}') : value;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
			return parsed as IDataObject;
	} catch {
		// Not JSON: the error below names the field and says what was expected.
	}
	throw new FieldError(label, 'expected a JSON object');
}

/**
 * The body's user fields, checked: name, display name, image and properties. Channels come from
 * the Channels field (channels.ts).
 */
export function userBody(fields: IDataObject): IDataObject {
	const body: IDataObject = {};
	if (fields.name) {
		if (!/^\S{1,255}$/.test(String(fields.name))) {
			throw new FieldError(
				'Name',
				`expected 1 to 255 characters without spaces, got "${fields.name}"`,
			);
		}
		body.name = fields.name;
	}
	if (fields.displayName) body.display_name = fields.displayName;
	if (fields.imageUrl) body.image_url = fields.imageUrl;
	const properties: IDataObject = {};
	if (fields.customData !== undefined)
		properties.custom_data = parseJsonObject(fields.customData, 'Custom Data (JSON)');
	if (fields.ttl !== undefined) properties.ttl = fields.ttl;
	if (Object.keys(properties).length) body.properties = properties;
	return body;
}
