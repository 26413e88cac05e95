/**
 * VIS signs the JSON of a delivery's `event` with keys sorted alphabetically at every depth
 * and no whitespace. The receiver must rebuild exactly those bytes from the bytes it got,
 * so numbers are kept as the sender wrote them: JSON.parse would turn a 19-digit int64 id
 * into a different number, or 1.0 into 1, and the signature would no longer match.
 */
import { Canonicaliser, type Member } from './canonicaliser';
import {
	AS_RECEIVED,
	ESCAPED_STRING,
	EventLocator,
	NOTED,
	type LocatedEvent,
} from './eventLocator';

export { MalformedJsonError } from './jsonReader';

/**
 * The forms of a delivery's `event` that VIS may have signed; see `signedEventForms`. Only the
 * form as received is ready at once: a sorted form is built the first time it is read, so a
 * delivery signed over its bytes as received is never canonicalised.
 */
export interface SignedEventForms {
	/** The event's bytes exactly as they stand in the body. */
	readonly received: string;
	/** Keys sorted at every depth, no whitespace: the documented rule. */
	readonly compact: string;
	/** Keys sorted, `": "` after each name and `,` between members: the docs' printed example. */
	readonly spaced: string;
}

/** Deeper than any real event; recursion stays far from the stack limit whatever is sent. */
export const MAX_EVENT_DEPTH = 32;

/** A member of the event, sorted by its decoded key: which member it was in the body. */
interface SortedEntry extends Member {
	index: number;
}

class EventForms implements SignedEventForms {
	readonly received: string;
	private readonly members: number[];
	private entries?: SortedEntry[];
	private compactText?: string;
	private spacedText?: string;

	constructor(
		private readonly body: string,
		event: LocatedEvent,
		private readonly maxDepth: number,
	) {
		this.received = body.slice(event.start, event.end);
		this.members = event.members;
	}

	get compact(): string {
		return (this.compactText ??= this.sorted(':'));
	}

	get spaced(): string {
		return (this.spacedText ??= this.sorted(': '));
	}

	/** Whether member `index` stands in the body as `"key":value`, already canonical. */
	private compactAsReceived(index: number): boolean {
		const at = index * NOTED;
		const noted = this.members;
		return (
			noted[at + 2] === 0 && noted[at + 5] === AS_RECEIVED && noted[at + 3] === noted[at + 1] + 1
		);
	}

	private sorted(separator: string): string {
		const entries = (this.entries ??= this.sortedEntries());
		const { body, members: noted } = this;
		const parts: string[] = [];
		for (let i = 0; i < entries.length; i++) {
			const at = entries[i].index * NOTED;
			if (separator === ':' && this.compactAsReceived(entries[i].index)) {
				// Members next to each other both here and in the body, a bare comma apart, are one
				// slice of the body: an event received nearly in order costs a few slices.
				let last = i;
				while (
					last + 1 < entries.length &&
					entries[last + 1].index === entries[last].index + 1 &&
					this.compactAsReceived(entries[last + 1].index) &&
					noted[entries[last + 1].index * NOTED] === noted[entries[last].index * NOTED + 4] + 1
				) {
					last++;
				}
				parts.push(body.slice(noted[at], noted[entries[last].index * NOTED + 4]));
				i = last;
				continue;
			}
			const keyText = noted[at + 2]
				? JSON.stringify(entries[i].key)
				: body.slice(noted[at], noted[at + 1]);
			const raw = body.slice(noted[at + 3], noted[at + 4]);
			const kind = noted[at + 5];
			const value =
				kind === AS_RECEIVED
					? raw
					: kind === ESCAPED_STRING
						? JSON.stringify(JSON.parse(raw))
						: // One level down: the event object itself counts as one.
							new Canonicaliser(raw, this.maxDepth - 1, separator).document();
			parts.push(keyText + separator + value);
		}
		// join writes one flat string, which the HMAC then reads without flattening a chain of pieces.
		return `{${parts.join(',')}}`;
	}

	/** The event's members by decoded key; of a repeated key only the last (as in JSON.parse). Shared by both forms. */
	private sortedEntries(): SortedEntry[] {
		const { body, members: noted } = this;
		const entries: SortedEntry[] = [];
		for (let at = 0; at < noted.length; at += NOTED) {
			const key = noted[at + 2]
				? (JSON.parse(body.slice(noted[at], noted[at + 1])) as string)
				: body.slice(noted[at] + 1, noted[at + 1] - 1);
			const entry = { key, index: at / NOTED };
			// Insertion sort: an event has a few dozen members at most, often nearly in order. Of equal
			// keys the later replaces the earlier.
			let to = entries.length;
			while (to > 0 && entries[to - 1].key > key) to--;
			if (to > 0 && entries[to - 1].key === key) entries[to - 1] = entry;
			else if (to === entries.length) entries.push(entry);
			else entries.splice(to, 0, entry);
		}
		return entries;
	}
}

/**
 * The forms of a delivery body's `event` member that a signature is checked against, or throws
 * MalformedJsonError when the body is not JSON, has no `event` object or is nested too deep.
 * The whole body is checked here, in one pass that builds no text, except for raw control
 * characters inside strings: the caller parses the form that matched with JSON.parse, which
 * refuses them. A sorted form is built only when read.
 */
export function signedEventForms(body: string, maxDepth = MAX_EVENT_DEPTH): SignedEventForms {
	const event = new EventLocator(body, maxDepth).eventOfDocument();
	return new EventForms(body, event, maxDepth);
}
