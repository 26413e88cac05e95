import type { INodeProperties } from 'n8n-workflow';

/** The volume option of Play Audio and Speak Text, which the Voice API reads the same way. */
export const levelOption: INodeProperties = {
	displayName: 'Level',
	name: 'level',
	type: 'number',
	typeOptions: { minValue: -1, maxValue: 1, numberPrecision: 1 },
	default: 0,
	description: 'Volume from -1 to 1 in steps of 0.1',
};
