/**
 * Walks of a txn tree: whether it needs a write transaction, the ops of the branches taken in
 * execution order, and the nested result assembled from their responses.
 */
import type { RequestOp, ResponseOp, TxnRequest, TxnResult } from '../types.js';

/** An op that reads or writes (a nested txn is walked into instead). */
export type LeafOp = Exclude<RequestOp, { type: 'txn' }>;

/** Whether any branch of the txn could write (decides between answering at once and queueing). */
export function mayWrite(t: TxnRequest): boolean {
  return [...t.success, ...t.failure].some((op) => op.type === 'put' || op.type === 'delete' || (op.type === 'txn' && mayWrite(op.txn)));
}

/** Whether the branches taken (`path`, one entry per txn in evaluation order) write. */
export function hasWrites(t: TxnRequest, path: boolean[], pos: { i: number }): boolean {
  const ok = path[pos.i++] ?? false;
  let writes = false;
  for (const op of ok ? t.success : t.failure) {
    if (op.type === 'put' || op.type === 'delete') writes = true;
    else if (op.type === 'txn' && hasWrites(op.txn, path, pos)) writes = true;
  }
  return writes;
}

/** The branch a txn takes when its compares hold (`ok`) or not. */
export function branch(t: TxnRequest, ok: boolean): readonly RequestOp[] {
  return ok ? t.success : t.failure;
}

/** The leaf ops of the branches taken (`path`, one entry per txn in evaluation order), in execution order. */
export function takenOps(t: TxnRequest, path: readonly boolean[]): LeafOp[] {
  const out: LeafOp[] = [];
  collectOps(t, path, { i: 0 }, out);
  return out;
}

function collectOps(t: TxnRequest, path: readonly boolean[], pos: { i: number }, out: LeafOp[]): void {
  for (const op of branch(t, path[pos.i++] ?? false)) {
    if (op.type === 'txn') collectOps(op.txn, path, pos, out);
    else out.push(op);
  }
}

/** The result tree of `t` along `path` from the responses to takenOps(t, path), in the same order. */
export function txnResult(t: TxnRequest, path: readonly boolean[], responses: readonly ResponseOp[]): TxnResult {
  return assemble(t, path, { i: 0 }, responses, { i: 0 });
}

function assemble(t: TxnRequest, path: readonly boolean[], pos: { i: number }, leaves: readonly ResponseOp[], next: { i: number }): TxnResult {
  const succeeded = path[pos.i++] ?? false;
  const responses: ResponseOp[] = [];
  for (const op of branch(t, succeeded)) {
    if (op.type === 'txn') {
      responses.push({ type: 'txn', txn: assemble(op.txn, path, pos, leaves, next), revision: 0 });
      continue;
    }
    const r = leaves[next.i++];
    if (r === undefined) throw new Error('txn result: fewer responses than ops');
    responses.push(r);
  }
  return { succeeded, responses };
}
