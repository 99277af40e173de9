/**
 * The reconcile contract (controller-runtime's pkg/reconcile): a Request names an object and says
 * nothing about what happened to it; reconciliation is level-based and reads the current state.
 */
import { ErrorCode, VClusterError, type VClusterErrorOptions } from '../lib/errors.js';

export interface Request {
  /** Empty or absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
}

export interface Result {
  /** Process the request again after this many milliseconds (the item's backoff is reset). */
  readonly requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(request: Request, signal: AbortSignal): Promise<Result>;
}

/** Adapts a function to a Reconciler. */
export function reconcilerFunc(fn: (request: Request, signal: AbortSignal) => Promise<Result>): Reconciler {
  return { reconcile: fn };
}

/** An error that retrying cannot fix: logged and counted, never requeued. */
export class TerminalError extends VClusterError {
  constructor(message: string, options: Omit<VClusterErrorOptions, 'code'> & { code?: ErrorCode } = {}) {
    super(message, options);
  }
}

export function isTerminalError(err: unknown): boolean {
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 10; depth++) {
    if (cur instanceof TerminalError) return true;
    cur = cur.cause;
  }
  return false;
}

/** The queue key of a request: "namespace/name", or "name" for cluster-scoped objects. */
export function requestKey(request: Request): string {
  return request.namespace ? `${request.namespace}/${request.name}` : request.name;
}

/** The request of a queue key (names never contain "/"). */
export function parseRequestKey(key: string): Request {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
