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

/** An object member: the key as sorted (decoded) and the member's canonical text. */
interface Member {
	key: string;
	text: string;
}

const byKey = (a: Member, b: Member) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * One pass that returns canonical text directly, value by value, so nothing is parsed into a
 * tree and serialised again: at 1 KB per delivery this is what keeps verification cheap.
 */
class Canonicaliser {
	private position = 0;

	constructor(private readonly text: string) {}

	/** The canonical text of the document's top-level `event` object. */
	eventOfDocument(): string {
		this.expect('{');
		let event: string | undefined;
		this.members((key, valueStart) => {
			const isObject = this.text[valueStart] === '{';
			const text = this.value();
			if (key === 'event') event = isObject ? text : undefined; // the last one wins, as in JSON.parse
			return text;
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

	private value(): string {
		this.skipWhitespace();
		const char = this.text[this.position];
		if (char === '{') {
			this.position++;
			return this.object();
		}
		if (char === '[') {
			this.position++;
			return this.array();
		}
		if (char === '"') return this.string().text;
		const literal = this.match(LITERAL);
		if (literal === undefined) this.fail('expected a value');
		return literal;
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

	/** Reads members after the opening brace, through the closing one; `read` returns each value's text. */
	private members(read: (key: string, valueStart: number) => string): Member[] {
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
			members.push({ key: key.value, text: `${key.text}:${read(key.value, this.position)}` });
			this.skipWhitespace();
			const next = this.text[this.position++];
			if (next === '}') return members;
			if (next !== ',') this.fail('expected "," or "}"');
		}
	}

	private object(): string {
		const members = this.members(() => this.value()).sort(byKey);
		// A repeated key: the last one wins, as in JSON.parse.
		let out = '';
		for (let i = 0; i < members.length; i++) {
			if (i + 1 < members.length && members[i + 1].key === members[i].key) continue;
			out += out ? `,${members[i].text}` : members[i].text;
		}
		return `{${out}}`;
	}

	private array(): string {
		this.skipWhitespace();
		if (this.text[this.position] === ']') {
			this.position++;
			return '[]';
		}
		let out = '';
		for (;;) {
			out += out ? `,${this.value()}` : this.value();
			this.skipWhitespace();
			const next = this.text[this.position++];
			if (next === ']') return `[${out}]`;
			if (next !== ',') this.fail('expected "," or "]"');
		}
	}
}

/**
 * Returns the canonical text VIS signs for the `event` member of a delivery body, or throws
 * MalformedJsonError when the body is not JSON or has no `event` object.
 */
export function canonicalEventJson(body: string): string {
	return new Canonicaliser(body).eventOfDocument();
}
