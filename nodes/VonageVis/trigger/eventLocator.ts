import { MalformedJsonError, Reader } from './jsonReader';

/** The kinds of member value the locator tells apart, so a sorted form needs no second scan. */
export const AS_RECEIVED = 0; // a literal, or a string without escapes: its canonical text is its text
export const ESCAPED_STRING = 1;
export const NESTED = 2;
/** Numbers noted per member of the event: key start, key end, key has escapes, value start, value end, value kind. */
export const NOTED = 6;

/** Where the event object lies in the body, and its members as NOTED numbers each. */
export interface LocatedEvent {
	start: number;
	end: number;
	members: number[];
}

/**
 * Checks the whole body's grammar and finds its top-level `event` object in one pass that builds
 * no text: what every delivery needs before its first HMAC. Of the event's own members it notes
 * where each key and value lies, so a sorted form is built later without reading the event again.
 */
export class EventLocator extends Reader {
	eventOfDocument(): LocatedEvent {
		this.expect('{');
		let event: LocatedEvent | undefined;
		if (!this.empty('}')) {
			do {
				const keyStart = this.name();
				const plainKey = this.skipString();
				const isEvent = plainKey
					? this.position - keyStart === 7 && this.text.startsWith('"event"', keyStart)
					: JSON.parse(this.text.slice(keyStart, this.position)) === 'event';
				this.expect(':');
				this.skipWhitespace();
				const start = this.position;
				// The last one wins, as in JSON.parse.
				if (isEvent && this.text[start] === '{') {
					const members = this.eventMembers();
					event = { start, end: this.position, members };
				} else {
					if (isEvent) event = undefined;
					this.skipValue();
				}
			} while (!this.next('}'));
		}
		this.skipWhitespace();
		if (this.position !== this.text.length) this.fail('unexpected text after the JSON value');
		if (event === undefined) throw new MalformedJsonError('The body has no "event" object');
		return event;
	}

	/** Reads the event object, noting NOTED numbers per member. */
	private eventMembers(): number[] {
		const members: number[] = [];
		const { text } = this;
		this.enter();
		if (!this.empty('}')) {
			for (;;) {
				const keyStart = this.name();
				const escapedKey = this.skipString() ? 0 : 1;
				const keyEnd = this.position;
				// Compact text (no whitespace) takes the short way past each colon and comma.
				if (text.charCodeAt(this.position) === 58) this.position++;
				else this.expect(':');
				let code = text.charCodeAt(this.position);
				if (code === 32 || code === 9 || code === 10 || code === 13) {
					this.skipWhitespace();
					code = text.charCodeAt(this.position);
				}
				const valueStart = this.position;
				let kind = AS_RECEIVED;
				if (code === 34) kind = this.skipString() ? AS_RECEIVED : ESCAPED_STRING;
				else if (code === 123 || code === 91) {
					kind = NESTED;
					this.skipValue();
				} else this.skipLiteral();
				members.push(keyStart, keyEnd, escapedKey, valueStart, this.position, kind);
				code = text.charCodeAt(this.position);
				if (code === 44) this.position++;
				else if (code === 125) {
					this.position++;
					break;
				} else if (this.next('}')) break;
			}
		}
		this.depth--;
		return members;
	}
}
