import type { IDataObject } from 'n8n-workflow';

/**
 * Events that are not a call's status: a record action's recording is ready (recording_url), or its
 * transcript is (type "transcription", transcription_url). They carry no call status and no
 * direction, so the Statuses list names them as kinds of their own.
 */
export const FILE_EVENTS = [
	{ name: 'Recording Ready (Record Event)', value: 'record' },
	{ name: 'Transcript Ready (Transcription Event)', value: 'transcription' },
];

/** The kind of a Voice event: one of FILE_EVENTS' values, or its call status. */
function voiceEventKind(event: IDataObject): string {
	if (event.type === 'transcription' || 'transcription_url' in event) return 'transcription';
	if ('recording_url' in event) return 'record';
	return String(event.status);
}

/**
 * Whether an event passes the Statuses and Direction options. Record and transcription events pass
 * when their kind is chosen; with no Statuses chosen they pass as before, unless a Direction is set
 * (they have none), so a workflow saved before they were listed gets the same events.
 */
export function wantedVoiceEvent(event: IDataObject, options: IDataObject): boolean {
	const statuses = (options.statuses as string[] | undefined) ?? [];
	const kind = voiceEventKind(event);
	const anyDirection = !options.direction || options.direction === 'any';
	if (FILE_EVENTS.some((fileEvent) => fileEvent.value === kind) && statuses.includes(kind))
		return true;
	return (
		(!statuses.length || statuses.includes(kind)) &&
		(anyDirection || options.direction === event.direction)
	);
}
