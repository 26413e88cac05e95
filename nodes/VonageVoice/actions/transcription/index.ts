import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as download from './download.operation';

export const transcriptionDescription: INodeProperties[] = [
	operationSelector('transcription', 'download', [
		{
			name: 'Download',
			value: 'download',
			action: 'Download a transcript',
			description:
				'Download a recording’s transcript as JSON, from the transcription_url of a transcription event',
		},
	]),
	...download.description,
];

export const transcriptionOperations = { download: download.execute };
