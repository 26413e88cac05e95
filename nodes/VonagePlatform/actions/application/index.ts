import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { applicationIdField, writeFields } from './common';
import * as create from './create.operation';
import * as deleteApplication from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as update from './update.operation';

// Create and Update each open with a notice and a name field; the description has always listed
// the two notices first, then the two names.
const [createNotice, createName] = create.description;
const [updateNotice, updateName] = update.description;

export const applicationDescription: INodeProperties[] = [
	operationSelector('application', 'list', [
		{
			name: 'Create',
			value: 'create',
			action: 'Create an application',
			description: 'Create an application with its capabilities; outputs its new private key',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete an application',
			description: 'Delete an application by its ID',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get an application',
			description: 'Read an application by its ID',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List applications',
			description: 'List the account’s applications',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update an application',
			description: 'Change fields of an application, keeping everything else as it is',
		},
	]),
	applicationIdField,
	createNotice,
	updateNotice,
	createName,
	updateName,
	...writeFields,
	...deleteApplication.description,
	...get.description,
	...list.description,
];

export const applicationOperations = {
	create: create.execute,
	delete: deleteApplication.execute,
	get: get.execute,
	list: list.execute,
	update: update.execute,
};
