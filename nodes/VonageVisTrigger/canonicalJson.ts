/**
 * VIS signs the JSON of a delivery's `event` with keys sorted alphabetically at every depth
 * and no whitespace. The receiver must rebuild exactly those bytes from the bytes it got,
 * so numbers are kept as the sender wrote them: JSON.parse would turn a 19-digit int64 id
 * into a different number, or 1.0 into 1, and the signature would no longer match.
 */
export class MalformedJsonError extends Error {}

// Sticky patterns match at `lastIndex` without copying the rest of the text for every value.
const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** The forms of a delivery's `event` that VIS may have signed; see `signedEventForms`. */
export interface SignedEventForms {
	/** The event's bytes exactly as they stand in the body. */
	received: string;
	/** Keys sorted at every depth, no whitespace: the documented rule. */
	compact: string;
	/** Keys sorted, `": "` after each name and `,` between members: the docs' printed example. */
	spaced: string;
}

/** A value's canonical text in the compact and in the spaced form. */
interface Canonical {
	compact: string;
	spaced: string;
}

/** An object member: the key as sorted (decoded) and the member's canonical texts. */
interface Member extends Canonical {
	key: string;
}

const byKey = (a: Member, b: Member) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Deeper than any real event; recursion stays far from the stack limit whatever is sent. */
export const MAX_EVENT_DEPTH = 32;

/**
 * One pass that returns canonical text directly, value by value, so nothing is parsed into a
 * tree and serialised again: at 1 KB per delivery this is what keeps verification cheap.
 */
class Canonicaliser {
	private position = 0;
	private depth = 0;

	constructor(
		private readonly text: string,
		private readonly maxDepth: number,
	) {}

	/** The forms of the document's top-level `event` object. */
	eventOfDocument(): SignedEventForms {
		this.expect('{');
		let event: SignedEventForms | undefined;
		this.members((key, valueStart) => {
			const isObject = this.text[valueStart] === '{';
			const value = this.value();
			// The last one wins, as in JSON.parse.
			if (key === 'event') {
				event = isObject ? { received: this.text.slice(valueStart, this.position), ...value } : undefined;
			}
			return value;
		});
		this.skipWhitespace();
		if (this.position !== this.text.length) this.fail('unexpected text after the JSON value');
		if (event === undefined) throw new MalformedJsonError('The body has no "event" object');
		return event;
	}

	private fail(reason: string): never {
		throw new MalformedJsonError(`Malformed JSON at position ${this.position}: ${reason}`);
	}

	private skipWhitespace() {
		for (;;) {
			const code = this.text.charCodeAt(this.position);
			if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
			this.position++;
		}
	}

	private match(pattern: RegExp): string | undefined {
		pattern.lastIndex = this.position;
		const found = pattern.exec(this.text)?.[0];
		if (found !== undefined) this.position += found.length;
		return found;
	}

	private expect(char: string) {
		this.skipWhitespace();
		if (this.text[this.position] !== char) this.fail(`expected "${char}"`);
		this.position++;
	}

	private value(): Canonical {
		this.skipWhitespace();
		const char = this.text[this.position];
		if (char === '{' || char === '[') {
			if (++this.depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
			this.position++;
			const nested = char === '{' ? this.object() : this.array();
			this.depth--;
			return nested;
		}
		if (char === '"') {
			const { text } = this.string();
			return { compact: text, spaced: text };
		}
		const literal = this.match(LITERAL);
		if (literal === undefined) this.fail('expected a value');
		return { compact: literal, spaced: literal };
	}

	/** A string's decoded value (for sorting keys) and its canonical text. */
	private string(): { value: string; text: string } {
		const quoted = this.match(STRING);
		if (quoted === undefined) this.fail('invalid string');
		// Without escapes, the text as received is already what JSON.stringify would write.
		if (!quoted.includes('\\')) return { value: quoted.slice(1, -1), text: quoted };
		const value = JSON.parse(quoted) as string;
		return { value, text: JSON.stringify(value) };
	}

	/** Reads members after the opening brace, through the closing one; `read` returns each value's texts. */
	private members(read: (key: string, valueStart: number) => Canonical): Member[] {
		const members: Member[] = [];
		this.skipWhitespace();
		if (this.text[this.position] === '}') {
			this.position++;
			return members;
		}
		for (;;) {
			this.skipWhitespace();
			if (this.text[this.position] !== '"') this.fail('expected a property name');
			const key = this.string();
			this.expect(':');
			this.skipWhitespace();
			const value = read(key.value, this.position);
			members.push({ key: key.value, compact: `${key.text}:${value.compact}`, spaced: `${key.text}: ${value.spaced}` });
			this.skipWhitespace();
			const next = this.text[this.position++];
			if (next === '}') return members;
			if (next !== ',') this.fail('expected "," or "}"');
		}
	}

	private object(): Canonical {
		const members = this.members(() => this.value()).sort(byKey);
		// A repeated key: the last one wins, as in JSON.parse.
		let compact = '';
		let spaced = '';
		for (let i = 0; i < members.length; i++) {
			if (i + 1 < members.length && members[i + 1].key === members[i].key) continue;
			compact += compact ? `,${members[i].compact}` : members[i].compact;
			spaced += spaced ? `,${members[i].spaced}` : members[i].spaced;
		}
		return { compact: `{${compact}}`, spaced: `{${spaced}}` };
	}

	private array(): Canonical {
		this.skipWhitespace();
		if (this.text[this.position] === ']') {
			this.position++;
			return { compact: '[]', spaced: '[]' };
		}
		let compact = '';
		let spaced = '';
		for (let first = true; ; first = false) {
			const value = this.value();
			compact += first ? value.compact : `,${value.compact}`;
			spaced += first ? value.spaced : `,${value.spaced}`;
			this.skipWhitespace();
			const next = this.text[this.position++];
			if (next === ']') return { compact: `[${compact}]`, spaced: `[${spaced}]` };
			if (next !== ',') this.fail('expected "," or "]"');
		}
	}
}

/**
 * The forms of a delivery body's `event` member that a signature is checked against, or throws
 * MalformedJsonError when the body is not JSON, has no `event` object or is nested too deep.
 */
export function signedEventForms(body: string, maxDepth = MAX_EVENT_DEPTH): SignedEventForms {
	return new Canonicaliser(body, maxDepth).eventOfDocument();
}
