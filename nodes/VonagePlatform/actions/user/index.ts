import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { channelsField } from './channels';
import { userIdField } from './common';
import * as create from './create.operation';
import * as deleteUser from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export const userDescription: INodeProperties[] = [
	operationSelector('user', 'list', [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a user',
			description: 'Create a user of the application, with its channels',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a user',
			description: 'Delete a user by its ID',
		},
		{ name: 'Get', value: 'get', action: 'Get a user', description: 'Read a user by its ID' },
		{
			name: 'List',
			value: 'list',
			action: 'List users',
			description: 'List the application’s users, page by page',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a user',
			description: 'Change a user’s name, display name, image or channels',
		},
	]),
	userIdField,
	...create.description,
	...update.description,
	channelsField,
	...deleteUser.description,
	...get.description,
	...list.description,
];

export const userOperations = {
	create: create.execute,
	delete: deleteUser.execute,
	get: get.execute,
	list: list.execute,
	update: update.execute,
};
