'use strict';
/** The error bodies the stand-in answers with: VIS's errorCode shape and the Vonage Platform's problem+json. */
const crypto = require('node:crypto');

class HttpError extends Error {
	constructor(status, body, headers = {}) {
		super(`HTTP ${status}`);
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}

const visError = (status, errorCode, errorMessage, errors) =>
	new HttpError(status, { errorCode, errorMessage, ...(errors ? { errors } : {}) });
const visInvalid = (errors) =>
	visError(422, 'VALIDATION_ERROR', 'Request validation failed', errors);
const problem = (status, title, detail, extra = {}) =>
	new HttpError(
		status,
		{
			type: `https://developer.vonage.com/api-errors#${title.toLowerCase().replace(/\s+/g, '-')}`,
			title,
			detail,
			instance: crypto.randomUUID(),
			...extra,
		},
		{ 'content-type': 'application/problem+json' },
	);
const invalidParameters = (invalid) =>
	problem(400, 'Bad Request', 'The request failed due to validation errors', {
		invalid_parameters: invalid,
	});

module.exports = { HttpError, visError, visInvalid, problem, invalidParameters };
