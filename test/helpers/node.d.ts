/** The types of node.js: Node's modules and globals for the tests and the bench. */
import type { Standin } from './standin';

export const ROOT: string;
export const execFileSync: typeof import('node:child_process').execFileSync;
export const spawn: typeof import('node:child_process').spawn;
export const spawnSync: typeof import('node:child_process').spawnSync;
export const fs: typeof import('node:fs');
export const http: typeof import('node:http');
export const os: typeof import('node:os');
export const path: typeof import('node:path');
export const process: NodeJS.Process;
export function setTimeout(callback: (...args: unknown[]) => void, ms: number): NodeJS.Timeout;
export function setInterval(callback: (...args: unknown[]) => void, ms: number): NodeJS.Timeout;
export function clearInterval(interval: NodeJS.Timeout | undefined): void;
export function collectGarbage(): void;
export const sandbox: {
	createStandin(options?: Record<string, unknown>): Standin;
	/** The stand-in's own canonical JSON (keys sorted at every depth), written apart from the trigger's. */
	canonicalJson(value: unknown): string;
};

/**
 * A value of the sandbox's plain-JavaScript state (a recorded request's body, the state itself),
 * which tests read and change as they please: typing it would restate sandbox/state.js.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type SandboxValue = any;

export type AddressInfo = import('node:net').AddressInfo;
export type Socket = import('node:net').Socket;
export type IncomingHttpHeaders = import('node:http').IncomingHttpHeaders;
export type IncomingMessage = import('node:http').IncomingMessage;
export type Server = import('node:http').Server;
export type ServerResponse = import('node:http').ServerResponse;
