import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as build from './build.operation';

/**
 * NCCO → Build: the last node of an answer workflow (Vonage Voice Trigger, Answer Calls With This
 * Workflow), giving the NCCO that answers the call without a Code node. It sends nothing to
 * Vonage, so it needs no credential.
 */
export const nccoDescription: INodeProperties[] = [
	operationSelector('ncco', 'build', [
		{
			name: 'Build',
			value: 'build',
			action: 'Build an NCCO',
			description:
				'Output an NCCO built from fields, e.g. to answer a call from a Vonage Voice Trigger workflow; sends nothing to Vonage',
		},
	]),
	...build.description,
];

export const nccoOperations = { build: build.execute };
