/**
 * The one error family of vcluster-ts. Every error we throw is a VClusterError (or a subclass) with a
 * short lower-case message and an optional cause; `formatError` joins the cause chain with ": ".
 * The CLI maps the `code` to an exit code in exactly one place (src/cli/main.ts, via `exitCodeFor`).
 */
import { inspect } from 'node:util';

export const ErrorCode = {
  USAGE: 'USAGE', // bad flags, arguments or names
  CONFIG: 'CONFIG', // invalid vcluster.yaml
  NOT_FOUND: 'NOT_FOUND', // a named vcluster, binary or file does not exist
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  PRECONDITION: 'PRECONDITION', // something the command needs is missing (Go toolchain, binaries, host)
  PROCESS: 'PROCESS', // a child process failed or died
  UNAVAILABLE: 'UNAVAILABLE', // a server could not be reached
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface VClusterErrorOptions {
  readonly cause?: unknown;
  readonly code?: ErrorCode;
  /** One line telling the user what to do about it. */
  readonly hint?: string;
}

export class VClusterError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(message: string, options: VClusterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? ErrorCode.INTERNAL;
    this.hint = options.hint;
  }
}

export class UsageError extends VClusterError {
  constructor(message: string, options: Omit<VClusterErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: ErrorCode.USAGE });
  }
}

export class ConfigError extends VClusterError {
  constructor(message: string, options: Omit<VClusterErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: ErrorCode.CONFIG });
  }
}

export class ProcessError extends VClusterError {
  constructor(message: string, options: Omit<VClusterErrorOptions, 'code'> = {}) {
    super(message, { ...options, code: ErrorCode.PROCESS });
  }
}

/** Joins an error and its causes into one line: "start control plane: kine: listen: address in use". */
export function formatError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 10; depth++) {
    if (cur instanceof Error) {
      if (cur.message) parts.push(cur.message);
      cur = cur.cause;
    } else {
      parts.push(typeof cur === 'string' ? cur : inspect(cur));
      cur = undefined;
    }
  }
  return parts.join(': ');
}

/** The first hint found along the cause chain, if any. */
export function hintOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 10; depth++) {
    if (cur instanceof VClusterError && cur.hint) return cur.hint;
    cur = cur.cause;
  }
  return undefined;
}

/** Exit codes scripts can trust: 2 usage/config, 3 not found, 4 precondition, 1 everything else. */
export function exitCodeFor(err: unknown): number {
  const code = err instanceof VClusterError ? err.code : ErrorCode.INTERNAL;
  switch (code) {
    case ErrorCode.USAGE:
    case ErrorCode.CONFIG:
      return 2;
    case ErrorCode.NOT_FOUND:
      return 3;
    case ErrorCode.PRECONDITION:
      return 4;
    case ErrorCode.ALREADY_EXISTS:
      return 5;
    default:
      return 1;
  }
}

/** Narrows Node's system errors (ENOENT, EADDRINUSE, ...). */
export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}
