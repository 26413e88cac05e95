import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as download from './download.operation';

export const recordingDescription: INodeProperties[] = [
	operationSelector('recording', 'download', [
		{
			name: 'Download',
			value: 'download',
			action: 'Download a recording',
			description:
				'Download a call recording as a file (binary data), from the recording_url of a record event',
		},
	]),
	...download.description,
];

export const recordingOperations = { download: download.execute };
