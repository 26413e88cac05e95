// Bundled in place of node:util for jose (gulpfile.js, build:bundle): the three functions jose's
// Node build uses, written with node:crypto, the one Node module n8n's verification allows.
const crypto = require('node:crypto');

module.exports = {
	types: {
		isKeyObject: (value) => value instanceof crypto.KeyObject,
		isCryptoKey: (value) => value instanceof crypto.webcrypto.CryptoKey,
	},
	promisify:
		(fn) =>
		(...args) =>
			new Promise((resolve, reject) =>
				fn(...args, (error, value) => (error ? reject(error) : resolve(value))),
			),
};
