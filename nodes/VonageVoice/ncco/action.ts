import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** How an action's errors name its fields: "Actions → 2 (Talk) → Text" for `field('Text')`. */
export interface ActionAt {
	field(name: string): string;
	/** The NCCO is served by a Voice Trigger, which gives an empty Event URL its own. */
	servedByTrigger?: boolean;
}

/** `label` names the action: "Actions → 2 (Talk)". */
export function actionAt(label: string, servedByTrigger = false): ActionAt {
	return { field: (name) => `${label} → ${name}`, servedByTrigger };
}

/** The displayOptions of a field that belongs to one action type. */
export const only = (type: string) => ({ show: { type: [type] } });

/**
 * One NCCO action (Vonage's NCCO reference: developer.vonage.com/en/voice/voice-api/ncco-reference):
 * its entry in the Type option, its fields in an Actions entry, and the building of it.
 */
export interface NccoAction<T extends string = string> {
	/** The NCCO's `action`, and the value of the entry's Type option. */
	readonly type: T;
	/** The Type option's name; errors name the action by it ("Actions → 2 (Talk)"). */
	readonly name: string;
	/** The Type option's description. */
	readonly description: string;
	/** The action's fields in an Actions entry, each shown only for its type. */
	fields(): INodeProperties[];
	/** The action from an entry's values, each checked: bad input throws a FieldError naming it. */
	build(entry: IDataObject, at: ActionAt): IDataObject;
}
