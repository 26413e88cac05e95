import { connect } from './connect';
import { conversation } from './conversation';
import { input } from './input';
import { notify } from './notify';
import { record } from './record';
import { stream } from './stream';
import { talk } from './talk';

/**
 * The NCCO actions, one file each: fields.ts shows their fields after the Type field in this order
 * (the Type option lists them by name), and builder.ts builds an entry with the one its Type names.
 */
export const NCCO_ACTIONS = [talk, stream, input, record, connect, conversation, notify] as const;

export type ActionType = (typeof NCCO_ACTIONS)[number]['type'];

export const NCCO_ACTION_TYPES: readonly ActionType[] = NCCO_ACTIONS.map((action) => action.type);
