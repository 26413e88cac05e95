/**
 * The one module that imports jose (JWT signing for Voice/Users, signed-callback verification).
 * jose is a devDependency: the build replaces this module's compiled output with a bundle of the
 * parts of jose it re-exports (gulpfile.js, build:bundle), so the published package has no
 * runtime dependency, as n8n's verification requires.
 */
export { errors, jwtVerify, SignJWT } from 'jose';
export type { JWTPayload } from 'jose';
