import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as create from './create.operation';

export const voiceCallDescription: INodeProperties[] = [
	operationSelector('voiceCall', 'create', [
		// "Place", as the VIS and Voice nodes say it; the value stays "create" for saved workflows.
		{
			name: 'Place',
			value: 'create',
			action: 'Place a call',
			description:
				'Place a call for the application with Voice API v2 (beta), which can also call IP endpoints; control it afterwards with the Vonage Voice node (v1). Without that need, Vonage Voice → Place a Call (v1) is the stable choice.',
		},
	]),
	...create.description,
];

export const voiceCallOperations = { create: create.execute };
