import type { IDataObject } from 'n8n-workflow';

import { actionAt } from './action';
import { NCCO_ACTIONS, NCCO_ACTION_TYPES } from './actions';
import { parseNcco } from './parse';
import { text } from './values';
import { FieldError } from '../../shared/kit/validation';

/**
 * The NCCO builder: a Call Control Object from the fields of fields.ts instead of JSON,
 * shared by every place that takes an NCCO (Voice → Place a call and Transfer, Platform → Place a
 * call, the Voice Trigger's Default NCCO, and Voice → NCCO → Build for answer workflows). Each
 * action is checked as it is built (by its file in actions/), and errors name it
 * ("Actions → 2 (Talk) → Text").
 */

/** Builds one action; `at` names it in errors ("Actions → 2"). */
function buildAction(entry: IDataObject, at: string, servedByTrigger: boolean): IDataObject {
	const action = NCCO_ACTIONS.find((candidate) => candidate.type === text(entry.type));
	if (!action)
		throw new FieldError(
			`${at} → Type`,
			`expected one of ${NCCO_ACTION_TYPES.join(', ')}, got "${text(entry.type)}"`,
		);
	return action.build(entry, actionAt(`${at} (${action.name})`, servedByTrigger));
}

/**
 * The NCCO from the Actions field's value, every action checked (errors name the action by its
 * position and type, and the field), then held to the same limits as a JSON NCCO.
 */
export function buildNcco(
	value: unknown,
	label = 'Actions',
	{ servedByTrigger = false } = {},
): IDataObject[] {
	const entries = value && typeof value === 'object' ? (value as IDataObject).action : undefined;
	if (!Array.isArray(entries) || entries.length === 0)
		throw new FieldError(label, 'add at least one action');
	const ncco = (entries as IDataObject[]).map((entry, index) =>
		buildAction(entry ?? {}, `${label} → ${index + 1}`, servedByTrigger),
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
