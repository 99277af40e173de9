/** Walks of a txn tree that decide whether it needs a write transaction. */
import type { TxnRequest } from '../types.js';

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
