import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** Error body shapes: VIS `{errorCode, errorMessage, errors[]}` and Nexmo RFC 7807 problems. */
interface VisErrorBody {
	errorCode?: string;
	errorMessage?: string;
	errors?: Array<{ field?: string; message?: string }>;
}
interface ProblemBody {
	type?: string;
	title?: string;
	detail?: string;
	invalid_parameters?: Array<{ name?: string; reason?: string }>;
}

const STATUS_HINTS: Record<number, string> = {
	401: 'The credentials were refused: check them in the credential settings',
	403: 'The credentials are valid but not allowed to do this',
	404: 'Not found: check the ID',
	408: 'Vonage timed out',
	429: 'Vonage rate limit reached (VIS allows about 10 requests per minute per token)',
};

function fieldList(items: Array<{ field?: string; message?: string }>): string {
	return items
		.map((item) => (item.field ? `${item.field}: ${item.message ?? 'invalid'}` : item.message ?? ''))
		.filter(Boolean)
		.join('; ');
}

/** Reads the API's own explanation out of an error body, naming fields where the API names them. */
export function describeApiError(status: number, body: unknown): { message: string; description?: string } {
	const parsed = typeof body === 'object' && body !== null ? (body as VisErrorBody & ProblemBody) : {};
	const fields = [
		...(Array.isArray(parsed.errors) ? parsed.errors : []),
		...(Array.isArray(parsed.invalid_parameters)
			? parsed.invalid_parameters.map((p) => ({ field: p.name, message: p.reason }))
			: []),
	];
	const headline =
		parsed.errorMessage ?? parsed.title ?? parsed.errorCode ?? STATUS_HINTS[status] ?? `HTTP ${status}`;
	const parts = [headline];
	if (parsed.detail && parsed.detail !== headline) parts.push(parsed.detail);
	const fieldText = fieldList(fields);
	if (fieldText) parts.push(fieldText);
	const description = STATUS_HINTS[status] && STATUS_HINTS[status] !== headline ? STATUS_HINTS[status] : undefined;
	return { message: `Vonage: ${parts.join(' — ')}`, description };
}

export function apiError(node: INode, status: number, body: unknown, itemIndex?: number): NodeApiError {
	const { message, description } = describeApiError(status, body);
	const response: JsonObject =
		typeof body === 'object' && body !== null ? (body as JsonObject) : { body: String(body ?? '') };
	return new NodeApiError(node, response, { message, description, httpCode: String(status), itemIndex });
}
