/**
 * VIS signs the JSON of a delivery's `event` with keys sorted alphabetically at every depth
 * and no whitespace. The receiver must rebuild exactly those bytes from the bytes it got,
 * so numbers are kept as the sender wrote them: JSON.parse would turn a 19-digit int64 id
 * into a different number, or 1.0 into 1, and the signature would no longer match.
 */
type JsonNode =
	| { kind: 'literal'; text: string }
	| { kind: 'string'; value: string }
	| { kind: 'array'; items: JsonNode[] }
	| { kind: 'object'; members: Map<string, JsonNode> };

export class MalformedJsonError extends Error {}

// Sticky patterns match at `lastIndex` without copying the rest of the text for every value.
const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
	private position = 0;

	constructor(private readonly text: string) {}

	parseDocument(): JsonNode {
		const value = this.parseValue();
		this.skipWhitespace();
		if (this.position !== this.text.length) this.fail('unexpected text after the JSON value');
		return value;
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

	private parseValue(): JsonNode {
		this.skipWhitespace();
		const char = this.text[this.position];
		if (char === '{') return this.parseObject();
		if (char === '[') return this.parseArray();
		if (char === '"') return { kind: 'string', value: this.parseString() };
		const literal = this.match(LITERAL);
		if (literal === undefined) this.fail('expected a value');
		return { kind: 'literal', text: literal };
	}

	private parseString(): string {
		const quoted = this.match(STRING);
		if (quoted === undefined) this.fail('invalid string');
		// Only strings with escapes need decoding; the rest are taken as they are.
		return quoted.includes('\\') ? JSON.parse(quoted) : quoted.slice(1, -1);
	}

	private expect(char: string) {
		this.skipWhitespace();
		if (this.text[this.position] !== char) this.fail(`expected "${char}"`);
		this.position++;
	}

	private parseObject(): JsonNode {
		const members = new Map<string, JsonNode>();
		this.expect('{');
		this.skipWhitespace();
		if (this.text[this.position] === '}') {
			this.position++;
			return { kind: 'object', members };
		}
		for (;;) {
			this.skipWhitespace();
			if (this.text[this.position] !== '"') this.fail('expected a property name');
			const key = this.parseString();
			this.expect(':');
			members.set(key, this.parseValue());
			this.skipWhitespace();
			const next = this.text[this.position++];
			if (next === '}') return { kind: 'object', members };
			if (next !== ',') this.fail('expected "," or "}"');
		}
	}

	private parseArray(): JsonNode {
		const items: JsonNode[] = [];
		this.expect('[');
		this.skipWhitespace();
		if (this.text[this.position] === ']') {
			this.position++;
			return { kind: 'array', items };
		}
		for (;;) {
			items.push(this.parseValue());
			this.skipWhitespace();
			const next = this.text[this.position++];
			if (next === ']') return { kind: 'array', items };
			if (next !== ',') this.fail('expected "," or "]"');
		}
	}
}

function serialize(node: JsonNode): string {
	switch (node.kind) {
		case 'literal':
			return node.text;
		case 'string':
			return JSON.stringify(node.value);
		case 'array':
			return `[${node.items.map(serialize).join(',')}]`;
		case 'object':
			return `{${[...node.members.keys()]
				.sort()
				.map((key) => `${JSON.stringify(key)}:${serialize(node.members.get(key)!)}`)
				.join(',')}}`;
	}
}

/**
 * Returns the canonical text VIS signs for the `event` member of a delivery body, or throws
 * MalformedJsonError when the body is not JSON or has no `event` object.
 */
export function canonicalEventJson(body: string): string {
	const document = new Parser(body).parseDocument();
	const event = document.kind === 'object' ? document.members.get('event') : undefined;
	if (event?.kind !== 'object') throw new MalformedJsonError('The body has no "event" object');
	return serialize(event);
}
