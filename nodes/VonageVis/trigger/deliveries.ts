import { ReplayWindows } from '../../shared/webhook/replayGuard';

/**
 * Deliveries already accepted, per VIS registration, keyed by their verified signature. A day
 * covers VIS's retries (5, 10 s apart) many times over; 20,000 is far above a day of one line's
 * call events (about 64 bytes each, 1.3 MB at most).
 */
export const ACCEPTED_DELIVERY_WINDOW_MS = 24 * 3_600_000;
export const MAX_ACCEPTED_PER_REGISTRATION = 20_000;

export const acceptedDeliveries = new ReplayWindows(
	ACCEPTED_DELIVERY_WINDOW_MS,
	MAX_ACCEPTED_PER_REGISTRATION,
);

/**
 * Call events (id and state) that ran in this process, live or caught up, per trigger node
 * (`workflowId/nodeId`): a catch-up skips what a delivery already ran, and a late delivery what
 * a catch-up ran. Across processes (queue mode) the catch-up window ends where VIS resumed
 * delivering, and n8n's execution deduplication key stops a catch-up event running twice.
 */
export const eventsRun = new ReplayWindows(
	ACCEPTED_DELIVERY_WINDOW_MS,
	MAX_ACCEPTED_PER_REGISTRATION,
);

export const triggerNodeKey = (workflowId: string | undefined, nodeId: string) =>
	`${workflowId ?? ''}/${nodeId}`;
