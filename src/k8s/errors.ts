/**
 * Narrowing API errors, and mapping them into the VClusterError family. Our client throws
 * KubeApiError (a VClusterError carrying the HTTP code and the API server's Status); the helpers
 * also understand client-node's ApiException, whose body may be the Status as an object or as
 * JSON text.
 */
import { ErrorCode, VClusterError, isErrnoException, type ErrorCode as ErrorCodeT } from '../lib/errors.js';
import type { KubeStatus } from './types.js';

/** An error answer of the API server. `message` is the server's own (`pods "x" not found`). */
export class KubeApiError extends VClusterError {
  /** HTTP status code (404, 409, ...). */
  readonly statusCode: number;
  readonly status: KubeStatus;
  constructor(statusCode: number, status: KubeStatus, options: { cause?: unknown } = {}) {
    super(
      status.message || `the server answered HTTP ${statusCode}${status.reason ? ` (${status.reason})` : ''}`,
      {
        code: errorCodeForHttp(statusCode, status.reason),
        ...(options.cause === undefined ? {} : { cause: options.cause }),
      },
    );
    this.statusCode = statusCode;
    this.status = status;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

/** Maps an HTTP status (and Status reason) to our error codes. */
export function errorCodeForHttp(statusCode: number, reason?: string): ErrorCodeT {
  if (statusCode === 404) return ErrorCode.NOT_FOUND;
  if (statusCode === 409 && reason === 'AlreadyExists') return ErrorCode.ALREADY_EXISTS;
  if (statusCode === 401 || statusCode === 403) return ErrorCode.PRECONDITION;
  if (statusCode === 504 || reason === 'Timeout') return ErrorCode.TIMEOUT;
  if (statusCode === 429 || statusCode >= 500) return ErrorCode.UNAVAILABLE;
  return ErrorCode.INTERNAL;
}

function parseStatus(body: unknown): KubeStatus {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.trim() || undefined };
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const status: KubeStatus = {};
  if (str('kind')) status.kind = str('kind');
  if (str('status')) status.status = str('status');
  if (str('message')) status.message = str('message');
  if (str('reason')) status.reason = str('reason');
  if (typeof v.code === 'number') status.code = v.code;
  if (typeof v.details === 'object' && v.details !== null) status.details = v.details;
  return status;
}

function isApiExceptionShape(err: unknown): boolean {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'body' in err && 'headers' in err;
}

/** The HTTP code and Status of an API error (ours or client-node's), else undefined. */
export function apiErrorOf(err: unknown): { statusCode: number; status: KubeStatus } | undefined {
  if (err instanceof KubeApiError) return { statusCode: err.statusCode, status: err.status };
  // client-node's ApiException, recognised by shape so this module never loads client-node.
  if (err instanceof Error && err.name === 'ApiException' || isApiExceptionShape(err)) {
    const e = err as { code: number; body: unknown };
    return { statusCode: e.code, status: parseStatus(e.body) };
  }
  return undefined;
}

function hasStatus(err: unknown, code: number, reason?: string): boolean {
  const api = apiErrorOf(err);
  if (!api) return false;
  if (api.statusCode !== code && api.status.code !== code) return false;
  return reason === undefined || api.status.reason === undefined || api.status.reason === reason;
}

export const isNotFound = (err: unknown): boolean => hasStatus(err, 404, 'NotFound');
/** 409 Conflict: a stale resourceVersion (optimistic concurrency); re-read and retry. */
export const isConflict = (err: unknown): boolean =>
  hasStatus(err, 409) && apiErrorOf(err)?.status.reason !== 'AlreadyExists';
export const isAlreadyExists = (err: unknown): boolean => apiErrorOf(err)?.status.reason === 'AlreadyExists';
/** 410 Gone / Expired: a watch or list resourceVersion too old; relist. */
export const isGone = (err: unknown): boolean => hasStatus(err, 410);
export const isForbidden = (err: unknown): boolean => hasStatus(err, 403);
export const isUnauthorized = (err: unknown): boolean => hasStatus(err, 401);
/** 422 Invalid: the object failed validation. */
export const isInvalid = (err: unknown): boolean => hasStatus(err, 422);
/** 429 or 5xx, or the server could not be reached: worth retrying later. */
export function isTransient(err: unknown): boolean {
  const api = apiErrorOf(err);
  if (api) return api.statusCode === 429 || api.statusCode >= 500;
  return isConnectionError(err);
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
]);
export function isConnectionError(err: unknown): boolean {
  for (let cur: unknown = err, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
    if (isErrnoException(cur) && cur.code !== undefined && CONNECTION_CODES.has(cur.code)) return true;
  }
  return false;
}

/** Returns undefined for NotFound, and rethrows anything else: `await ignoreNotFound(client.get(...))`. */
export async function ignoreNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Swallows AlreadyExists: `await ignoreAlreadyExists(client.create(obj))`. */
export async function ignoreAlreadyExists<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (isAlreadyExists(err)) return undefined;
    throw err;
  }
}

/**
 * Any error from talking to a cluster as a VClusterError with the right code and a short context:
 * `toVClusterError(err, 'get service my-vc')` → "get service my-vc: services \"my-vc\" not found".
 */
export function toVClusterError(err: unknown, context: string): VClusterError {
  const api = apiErrorOf(err);
  if (api) {
    const message = api.status.message || `HTTP ${api.statusCode}`;
    // no cause: the server's message is all there is to say (client-node's ApiException message is a multi-line dump)
    return new VClusterError(`${context}: ${message}`, {
      code: errorCodeForHttp(api.statusCode, api.status.reason),
    });
  }
  if (isConnectionError(err)) {
    return new VClusterError(context, {
      code: ErrorCode.UNAVAILABLE,
      cause: err,
      hint: 'is the cluster running and the kubeconfig context right?',
    });
  }
  if (err instanceof VClusterError) return new VClusterError(context, { code: err.code, cause: err });
  return new VClusterError(context, { code: ErrorCode.INTERNAL, cause: err });
}

export interface RetryOnConflictOptions {
  /** @default 5 */
  readonly attempts?: number;
  /** Delay before retry n (0-based). @default 10 ms × 2^n */
  readonly backoff?: (attempt: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `fn` (which should re-read the object each time) again while it fails with 409 Conflict,
 * like client-go's retry.RetryOnConflict. Any other error, or the last conflict, is thrown.
 */
export async function retryOnConflict<T>(
  fn: () => Promise<T>,
  options: RetryOnConflictOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const backoff = options.backoff ?? ((n: number) => 10 * 2 ** n);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) || attempt + 1 >= attempts) throw err;
      await sleep(backoff(attempt));
    }
  }
}
