import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { vonageRequest, type VonageContext } from './transport';

export interface PageLimit {
	returnAll: boolean;
	/** Ignored when returnAll is true. */
	limit: number;
	itemIndex?: number;
	/**
	 * A page that is not a list is an error instead of the end of the listing: for callers that
	 * move a cursor past what they read (a catch-up, a poll), where an empty result would be taken
	 * as "nothing happened" and the events skipped for good.
	 */
	requireList?: boolean;
	/** Stops requesting pages once aborted (a trigger closed mid catch-up); the caller checks it. */
	signal?: AbortSignal;
}

/**
 * Return All stops with an error after this many pages (100,000 records at 100 a page), so a
 * server that keeps inventing pages cannot keep an execution requesting forever.
 */
export const MAX_PAGES = 1000;

function tooManyPages(context: VonageContext, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`Return All stopped after ${MAX_PAGES} pages: the API kept announcing more. Use a Limit or narrower filters.`,
		{ itemIndex },
	);
}

function wanted(limit: PageLimit): number {
	return limit.returnAll ? Number.POSITIVE_INFINITY : Math.max(0, limit.limit);
}

/** The largest VIS page we ask for; the API does not document a maximum. */
export const VIS_PAGE_SIZE = 100;

/** A page of a HAL listing (Applications v2, Users v1, Voice v1 calls): records under `_embedded`. */
interface HalPage<Records extends string> {
	_embedded?: Partial<Record<Records, IDataObject[]>>;
	_links?: { next?: { href?: unknown } };
	total_pages?: unknown;
}

/**
 * VIS lists: `offset` is documented as a page number (not a record offset), so pages are
 * requested as offset=1,2,3… with the same `size` each, until a short page arrives.
 */
export async function visPaginate(
	context: VonageContext,
	path: string,
	query: IDataObject,
	limit: PageLimit,
): Promise<IDataObject[]> {
	const max = wanted(limit);
	// The size must stay the same on every page, or page N would no longer follow page N-1.
	const size = Math.min(VIS_PAGE_SIZE, max);
	const results: IDataObject[] = [];
	for (let page = 1; results.length < max; page++) {
		if (page > MAX_PAGES) throw tooManyPages(context, limit.itemIndex);
		if (limit.signal?.aborted) break;
		const items = await vonageRequest<unknown>(context, {
			api: 'vis',
			method: 'GET',
			path,
			query: { ...query, offset: page, size },
			itemIndex: limit.itemIndex,
		});
		if (!Array.isArray(items)) {
			if (!limit.requireList) break;
			throw new NodeOperationError(
				context.getNode(),
				`VIS answered GET ${path} (page ${page}) with ${items === null ? 'null' : typeof items} where a list of records was expected; nothing was read, so nothing is skipped`,
				{ itemIndex: limit.itemIndex },
			);
		}
		results.push(...items);
		if (items.length < size) break;
	}
	return results.slice(0, max === Number.POSITIVE_INFINITY ? undefined : max);
}

/** Applications v2: `page` from 1 with `page_size` up to 100, `total_pages` says when to stop. */
export async function applicationsPaginate(
	context: VonageContext,
	limit: PageLimit,
): Promise<IDataObject[]> {
	const max = wanted(limit);
	const pageSize = Math.min(100, max);
	const results: IDataObject[] = [];
	for (let page = 1; results.length < max; page++) {
		if (page > MAX_PAGES) throw tooManyPages(context, limit.itemIndex);
		const response = await vonageRequest<HalPage<'applications'> | undefined>(context, {
			api: 'applications',
			method: 'GET',
			path: '/v2/applications',
			query: { page, page_size: pageSize },
			itemIndex: limit.itemIndex,
		});
		const items: IDataObject[] = response?._embedded?.applications ?? [];
		results.push(...items);
		const totalPages = Number(response?.total_pages ?? page);
		if (items.length === 0 || page >= totalPages) break;
	}
	return results.slice(0, Number.isFinite(max) ? max : undefined);
}

/**
 * Users v1: cursor pagination. Only the `cursor` is taken from `_links.next.href`; the host
 * stays the credential's, so a link can never send the JWT elsewhere.
 */
export async function usersPaginate(
	context: VonageContext,
	query: IDataObject,
	limit: PageLimit,
): Promise<IDataObject[]> {
	const max = wanted(limit);
	const pageSize = Math.min(100, max);
	const results: IDataObject[] = [];
	const seenCursors = new Set<string>();
	let cursor: string | undefined;
	while (results.length < max) {
		if (seenCursors.size >= MAX_PAGES) throw tooManyPages(context, limit.itemIndex);
		const response = await vonageRequest<HalPage<'users'> | undefined>(context, {
			api: 'users',
			method: 'GET',
			path: '/v1/users',
			query: { ...query, page_size: pageSize, ...(cursor ? { cursor } : {}) },
			itemIndex: limit.itemIndex,
		});
		results.push(...(response?._embedded?.users ?? []));
		cursor = nextCursor(response?._links?.next?.href);
		if (!cursor || seenCursors.has(cursor)) break;
		seenCursors.add(cursor);
	}
	return results.slice(0, Number.isFinite(max) ? max : undefined);
}

export function nextCursor(href: unknown): string | undefined {
	if (typeof href !== 'string' || href === '') return undefined;
	try {
		return new URL(href, 'https://placeholder.invalid').searchParams.get('cursor') ?? undefined;
	} catch {
		return undefined;
	}
}

/**
 * Voice v1 call lists: `record_index` and `page_size`, with `_links.next` while there is more.
 * Only `record_index` is taken from the link; the host stays the credential's.
 */
export async function voiceCallsPaginate(
	context: VonageContext,
	query: IDataObject,
	limit: PageLimit,
): Promise<IDataObject[]> {
	const max = wanted(limit);
	const pageSize = Math.min(Number(query.page_size ?? 100), max);
	const results: IDataObject[] = [];
	let recordIndex = Number(query.record_index ?? 0);
	for (let page = 1; results.length < max; page++) {
		if (page > MAX_PAGES) throw tooManyPages(context, limit.itemIndex);
		const response = await vonageRequest<HalPage<'calls'> | undefined>(context, {
			api: 'voice',
			method: 'GET',
			path: '/v1/calls',
			query: { ...query, page_size: pageSize, record_index: recordIndex },
			itemIndex: limit.itemIndex,
		});
		const calls = response?._embedded?.calls ?? [];
		results.push(...calls);
		const next = nextRecordIndex(response?._links?.next?.href);
		if (calls.length === 0 || next === undefined || next <= recordIndex) break;
		recordIndex = next;
	}
	return results.slice(0, Number.isFinite(max) ? max : undefined);
}

function nextRecordIndex(href: unknown): number | undefined {
	if (typeof href !== 'string' || href === '') return undefined;
	if (!URL.canParse(href, 'https://placeholder.invalid')) return undefined;
	const value = Number(
		new URL(href, 'https://placeholder.invalid').searchParams.get('record_index'),
	);
	return Number.isInteger(value) && value >= 0 ? value : undefined;
}
