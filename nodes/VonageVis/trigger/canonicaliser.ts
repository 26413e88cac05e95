import { Reader } from './jsonReader';

/** An object member, sorted by its key as decoded. */
export interface Member {
	key: string;
}

const byKey = (a: Member, b: Member) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The sorted text of one JSON value whose grammar was already checked, with `separator` between
 * each name and its value. It returns canonical text directly, value by value, so nothing is
 * parsed into a tree and serialised again.
 */
export class Canonicaliser extends Reader {
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
