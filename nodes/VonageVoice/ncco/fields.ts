import type { IDataObject, INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { NCCO_ACTIONS } from './actions';

export { NCCO_ACTION_TYPES, type ActionType } from './actions';
export { ENDPOINT_TYPE_OPTIONS } from './endpoint';

/**
 * The fields of the NCCO builder (builder.ts builds and checks the NCCO from them): a Call
 * Control Object as an ordered list of actions, each with the fields Vonage's NCCO reference
 * gives it (developer.vonage.com/en/voice/voice-api/ncco-reference). Each action's fields are in
 * its file in actions/.
 *
 * ONE ordered list whose entries pick their type: n8n groups a fixedCollection's options apart,
 * which would lose an NCCO's order, its call flow (docs/behaviour.md, "NCCO Build").
 */

/** The fields of one action entry: its Type, then each action's fields, shown for its type. */
function actionFields(): INodeProperties[] {
	const byName = [...NCCO_ACTIONS].sort((a, b) => a.name.localeCompare(b.name));
	return [
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			noDataExpression: true,
			options: byName.map(({ name, type, description }) => ({ name, value: type, description })),
			default: 'talk',
			description: 'The NCCO action this entry is; actions run in the order listed',
		},
		...NCCO_ACTIONS.flatMap((action) => action.fields()),
	];
}

/** The "Actions" field: the NCCO as an ordered list of actions with their own fields. */
export function nccoActionsField(
	name: string,
	displayOptions: INodeProperties['displayOptions'],
	example = 'Hello from n8n',
): INodeProperties {
	const action: INodePropertyCollection = {
		displayName: 'Action',
		name: 'action',
		values: actionFields(),
	};
	return {
		displayName: 'Actions',
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Action',
		default: { action: [{ type: 'talk', text: example }] },
		displayOptions,
		description:
			'The NCCO’s actions, run in this order (Vonage’s NCCO reference describes each). Values can be expressions.',
		options: [action],
	};
}

/** The "NCCO Source" choice: Build from fields, or JSON as before. */
export function nccoSourceField(
	name: string,
	defaultSource: 'build' | 'json',
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties {
	return {
		displayName: 'NCCO Source',
		name,
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Build', value: 'build', description: 'A list of actions with their own fields' },
			{ name: 'JSON', value: 'json', description: 'The NCCO as a JSON array of actions' },
		],
		default: defaultSource,
		displayOptions,
		description: 'How the NCCO is given: built from fields, or written as JSON',
	};
}

/**
 * A version-dependent NCCO Source: nodes of `versions` (those saved before the choice existed,
 * which n8n saved without the parameter) read JSON; newer versions default to Build.
 */
export function nccoSourceFields(
	name: string,
	show: IDataObject,
	jsonVersions: number[],
	firstBuildVersion: number,
): INodeProperties[] {
	return [
		nccoSourceField(name, 'json', { show: { ...show, '@version': jsonVersions } }),
		nccoSourceField(name, 'build', {
			show: { ...show, '@version': [{ _cnd: { gte: firstBuildVersion } }] },
		}),
	];
}
