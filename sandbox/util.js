'use strict';
/** Small formats several of the stand-in's APIs share. */

const DAY = 86_400_000;
const isPhone = (v) => typeof v === 'string' && /^\+?\d{7,15}$/.test(v);
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const iso = (ms) => new Date(ms).toISOString();

module.exports = { DAY, isPhone, b64url, iso };
