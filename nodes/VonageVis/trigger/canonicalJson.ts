/**
 * VIS signs the JSON of a delivery's `event` with keys sorted alphabetically at every depth
 * and no whitespace. The receiver must rebuild exactly those bytes from the bytes it got,
 * so numbers are kept as the sender wrote them: JSON.parse would turn a 19-digit int64 id
 * into a different number, or 1.0 into 1, and the signature would no longer match.
 */
export class MalformedJsonError extends Error {}

// Sticky patterns match at `lastIndex` without copying the rest of the text for every value.
const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A string's unescaped characters are every UTF-16 unit but the control characters U+0000 to
// U+001F, `"` (U+0022) and `\` (U+005C), named here as the ranges between them.
const STRING = /"(?:[\u0020\u0021\u0023-\u005b\u005d-\uffff]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

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

/** An object member, sorted by its key as decoded. */
interface Member {
	key: string;
}

const byKey = (a: Member, b: Member) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The kinds of member value the locator tells apart, so a sorted form needs no second scan. */
const AS_RECEIVED = 0; // a literal, or a string without escapes: its canonical text is its text
const ESCAPED_STRING = 1;
const NESTED = 2;
/** Numbers noted per member of the event: key start, key end, key has escapes, value start, value end, value kind. */
const NOTED = 6;

/**
 * Reads JSON text from a position, checking its grammar (all but raw control characters in
 * strings; see skipString); what the locator and canonicaliser share.
 */
class Reader {
	protected position = 0;
	protected depth = 0;
	/** Where the next backslash at or after the last string's start is (text length when none). */
	private nextBackslash = -1;

	constructor(
		protected readonly text: string,
		protected readonly maxDepth: number,
	) {}

	protected fail(reason: string): never {
		throw new MalformedJsonError(`Malformed JSON at position ${this.position}: ${reason}`);
	}

	protected skipWhitespace() {
		for (;;) {
			const code = this.text.charCodeAt(this.position);
			if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
			this.position++;
		}
	}

	/**
	 * Moves past a string; true when it has no escape, so its text is already canonical. A string
	 * without a backslash ends at the next quote, found with indexOf: a pattern reading it character
	 * by character costs more than the HMAC of a long one. Such a string is not checked for raw
	 * control characters, which JSON forbids; the text is used only once its HMAC matched, and
	 * then JSON.parse refuses it (see the trigger's webhook()).
	 */
	protected skipString(): boolean {
		const end = this.text.indexOf('"', this.position + 1);
		if (end === -1) this.fail('invalid string');
		if (this.nextBackslash < this.position) {
			const found = this.text.indexOf('\\', this.position);
			this.nextBackslash = found === -1 ? this.text.length : found;
		}
		if (this.nextBackslash > end) {
			this.position = end + 1;
			return true;
		}
		STRING.lastIndex = this.position;
		if (!STRING.test(this.text)) this.fail('invalid string');
		this.position = STRING.lastIndex;
		return false;
	}

	protected skipLiteral() {
		LITERAL.lastIndex = this.position;
		if (!LITERAL.test(this.text)) this.fail('expected a value');
		this.position = LITERAL.lastIndex;
	}

	protected enter() {
		if (++this.depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
		this.position++;
	}

	/** At the first member or element: true (and past it) when the container is empty. */
	protected empty(close: string): boolean {
		this.skipWhitespace();
		if (this.text[this.position] !== close) return false;
		this.position++;
		return true;
	}

	/** After a member or an element: true past the closing `close`, false past a comma. */
	protected next(close: string): boolean {
		this.skipWhitespace();
		const char = this.text[this.position++];
		if (char === close) return true;
		if (char !== ',') this.fail(`expected "," or "${close}"`);
		return false;
	}

	/** At a property name: where its opening quote is. */
	protected name(): number {
		this.skipWhitespace();
		if (this.text[this.position] !== '"') this.fail('expected a property name');
		return this.position;
	}

	protected expect(char: string) {
		this.skipWhitespace();
		if (this.text[this.position] !== char) this.fail(`expected "${char}"`);
		this.position++;
	}

	protected skipValue() {
		this.skipWhitespace();
		const char = this.text[this.position];
		if (char === '"') this.skipString();
		else if (char === '{') {
			this.enter();
			if (!this.empty('}')) {
				do {
					this.name();
					this.skipString();
					this.expect(':');
					this.skipValue();
				} while (!this.next('}'));
			}
			this.depth--;
		} else if (char === '[') {
			this.enter();
			if (!this.empty(']')) {
				do this.skipValue();
				while (!this.next(']'));
			}
			this.depth--;
		} else this.skipLiteral();
	}
}

/** Where the event object lies in the body, and its members as NOTED numbers each. */
interface LocatedEvent {
	start: number;
	end: number;
	members: number[];
}

/**
 * Checks the whole body's grammar and finds its top-level `event` object in one pass that builds
 * no text: what every delivery needs before its first HMAC. Of the event's own members it notes
 * where each key and value lies, so a sorted form is built later without reading the event again.
 */
class EventLocator extends Reader {
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

/**
 * The sorted text of one JSON value whose grammar was already checked, with `separator` between
 * each name and its value. It returns canonical text directly, value by value, so nothing is
 * parsed into a tree and serialised again.
 */
class Canonicaliser extends Reader {
	constructor(
		text: string,
		maxDepth: number,
		private readonly separator: string,
	) {
		super(text, maxDepth);
	}

	document(): string {
		const text = this.value();
		this.skipWhitespace();
		if (this.position !== this.text.length) this.fail('unexpected text after the JSON value');
		return text;
	}

	private value(): string {
		this.skipWhitespace();
		const char = this.text[this.position];
		if (char === '{' || char === '[') {
			this.enter();
			const nested = char === '{' ? this.object() : this.array();
			this.depth--;
			return nested;
		}
		const start = this.position;
		if (char === '"') {
			if (this.skipString()) return this.text.slice(start, this.position);
			return JSON.stringify(JSON.parse(this.text.slice(start, this.position)));
		}
		this.skipLiteral();
		return this.text.slice(start, this.position);
	}

	private object(): string {
		const members: Array<Member & { text: string }> = [];
		if (!this.empty('}')) {
			do {
				const start = this.name();
				const plain = this.skipString();
				const quoted = this.text.slice(start, this.position);
				const key = plain ? quoted.slice(1, -1) : (JSON.parse(quoted) as string);
				this.expect(':');
				members.push({
					key,
					text: (plain ? quoted : JSON.stringify(key)) + this.separator + this.value(),
				});
			} while (!this.next('}'));
		}
		return `{${lastOfEachKey(members)
			.map((member) => member.text)
			.join(',')}}`;
	}

	private array(): string {
		if (this.empty(']')) return '[]';
		let text = '';
		do text += text ? `,${this.value()}` : this.value();
		while (!this.next(']'));
		return `[${text}]`;
	}
}

/** Members sorted by key; of a repeated key the last one is kept, as in JSON.parse. */
function lastOfEachKey<T extends Member>(members: T[]): T[] {
	// The sort is stable, so repeated keys stay in the order received.
	members.sort(byKey);
	return members.filter(
		(member, i) => i + 1 === members.length || members[i + 1].key !== member.key,
	);
}

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
