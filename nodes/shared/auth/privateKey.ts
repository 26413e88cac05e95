import { createPrivateKey, type KeyObject } from 'node:crypto';

export class PrivateKeyError extends Error {}

/** jose refuses RS256 with shorter keys; saying so here names the field. */
const MIN_RSA_BITS = 2048;

const PEM_BLOCK = /-----BEGIN ((?:RSA )?PRIVATE KEY)-----([\s\S]*?)-----END \1-----/;

/**
 * Accepts the shapes a PEM key takes after being pasted into a form field: literal `\n`
 * sequences, Windows line endings, or all line breaks lost. Returns a canonical PEM.
 */
export function normalizePrivateKeyPem(raw: string): string {
	const text = String(raw ?? '')
		.replace(/\\r\\n|\\n|\\r/g, '\n')
		.replace(/\r\n?/g, '\n')
		.trim();
	if (text === '') {
		throw new PrivateKeyError('Private Key is empty: paste the private.key file Vonage gave you');
	}
	if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text)) {
		throw new PrivateKeyError(
			'Private Key: the key is encrypted with a passphrase; paste the unencrypted private.key Vonage gave you (or decrypt it first, e.g. openssl pkey -in key.pem -out private.key)',
		);
	}
	const match = PEM_BLOCK.exec(text);
	if (!match) {
		throw new PrivateKeyError(
			'Private Key: expected a PEM block starting with "-----BEGIN PRIVATE KEY-----" (PKCS#8) or "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1)',
		);
	}
	const [, label, body] = match;
	const base64 = body.replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
		throw new PrivateKeyError(
			'Private Key: the text between the BEGIN and END lines is not base64',
		);
	}
	const lines = base64.match(/.{1,64}/g) ?? [];
	return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function loadRsaPrivateKey(raw: string): KeyObject {
	const pem = normalizePrivateKeyPem(raw);
	let key: KeyObject | undefined;
	try {
		key = createPrivateKey({ key: pem, format: 'pem' });
	} catch {
		// The crypto message can quote key material; it is never passed on.
	}
	if (!key)
		throw new PrivateKeyError('Private Key: the PEM block could not be parsed as a private key');
	if (key.asymmetricKeyType !== 'rsa') {
		throw new PrivateKeyError(
			`Private Key: expected an RSA key (Vonage signs with RS256), got ${key.asymmetricKeyType ?? 'an unknown type'}`,
		);
	}
	const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
	if (bits < MIN_RSA_BITS) {
		throw new PrivateKeyError(
			`Private Key: the RSA key has ${bits} bits; RS256 signing needs at least ${MIN_RSA_BITS}`,
		);
	}
	return key;
}
