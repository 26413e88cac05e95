import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { VOICE_CALL_STATUSES } from '../../shared/kit/callStates';

/** Statuses a call never leaves: their record carries the time they were reached (end_time). */
export const FINAL_STATUSES = VOICE_CALL_STATUSES.filter(
	(status) => !['started', 'ringing', 'answered', 'machine'].includes(status),
) as string[];

/** Where an item came from, so that a workflow can tell. */
export type Source = 'webhook' | 'catch-up';

/**
 * The same for a live status event and a listing of that call in that status: call leg uuid and
 * status. Events without a status (record, transcription) have their own kind and time.
 */
export function voiceEventKey(event: IDataObject): string {
	const escape = (value: unknown) => String(value).replace(/[%:]/g, encodeURIComponent);
	if (isCallStatusEvent(event)) return `${escape(event.uuid)}:${escape(event.status)}`;
	const kind =
		event.type === 'transcription' || 'transcription_url' in event ? 'transcription' : 'record';
	return `${escape(event.uuid ?? event.conversation_uuid)}:${kind}:${escape(event.recording_uuid ?? event.timestamp)}`;
}

/** A call leg's status event (not a record or transcription event, which carry no call status). */
export function isCallStatusEvent(event: IDataObject): boolean {
	return (
		typeof event.uuid === 'string' &&
		event.uuid !== '' &&
		typeof event.status === 'string' &&
		event.type !== 'transcription' &&
		!('transcription_url' in event) &&
		!('recording_url' in event)
	);
}

export function liveItem(event: IDataObject): IDataObject {
	return { ...event, source: 'webhook' satisfies Source, eventKey: voiceEventKey(event) };
}

/** n8n's execution deduplication key (unique in its database, at most 255 characters). */
export function deduplicationKey(workflowId: string | undefined, nodeId: string, key: string) {
	const readable = `vonage-voice:${workflowId ?? ''}:${nodeId}:${key}`;
	return readable.length <= 255
		? readable
		: `vonage-voice:${createHash('sha256').update(readable).digest('hex')}`;
}
