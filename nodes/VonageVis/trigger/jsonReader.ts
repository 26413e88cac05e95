/** JSON grammar, checked as VIS signs it: what the event locator and the canonicaliser share. */
export class MalformedJsonError extends Error {}

// Sticky patterns match at `lastIndex` without copying the rest of the text for every value.
const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A string's unescaped characters are every UTF-16 unit but the control characters U+0000 to
// U+001F, `"` (U+0022) and `\` (U+005C), named here as the ranges between them.
const STRING = /"(?:[\u0020\u0021\u0023-\u005b\u005d-\uffff]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Reads JSON text from a position, checking its grammar (all but raw control characters in
 * strings; see skipString); what the locator and canonicaliser share.
 */
export class Reader {
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
	 * Moves past a string; true when it has no escape, so its text is already canonical. Without a
	 * backslash it ends at the next quote (indexOf, for speed); its raw control characters are left
	 * to the JSON.parse of verifyDelivery, once its HMAC matched.
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
