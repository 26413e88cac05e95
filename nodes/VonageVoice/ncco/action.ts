/** How an action is named in errors: "Actions → 2 (Talk)", and its fields under it. */
export interface ActionAt {
	readonly label: string;
	/** "Actions → 2 (Talk) → Text" for `field('Text')`. */
	field(name: string): string;
}

export function actionAt(label: string): ActionAt {
	return { label, field: (name) => `${label} → ${name}` };
}

/** The displayOptions of a field that belongs to one action type. */
export const only = (type: string) => ({ show: { type: [type] } });
