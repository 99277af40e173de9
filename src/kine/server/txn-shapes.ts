/**
 * Recognises the Txn shapes kube-apiserver sends (kine-etcd-api.md §3.2 T1-T4). The backend
 * serves every Txn generally; the shape is only used for tracing and metrics, and documents which
 * requests the apiserver depends on.
 */
import type { RequestOp, TxnRequest } from '../types.js';

export type TxnShape = 'create' | 'update' | 'delete' | 'compact' | 'read' | 'general';

const isOp = (ops: readonly RequestOp[], types: readonly RequestOp['type'][]): boolean =>
  ops.length === types.length && ops.every((op, i) => op.type === types[i]);

function keyOf(op: RequestOp | undefined): Buffer | undefined {
  if (op === undefined) return undefined;
  switch (op.type) {
    case 'range':
      return op.range.end.length === 0 ? op.range.key : undefined;
    case 'put':
      return op.put.key;
    case 'delete':
      return op.delete.end.length === 0 ? op.delete.key : undefined;
    case 'txn':
      return undefined;
  }
}

export function classifyTxn(t: TxnRequest): TxnShape {
  const c = t.compare[0];
  if (t.compare.length === 1 && c !== undefined && c.end.length === 0 && c.result === 'EQUAL') {
    const key = c.key;
    const same = (op: RequestOp | undefined): boolean => keyOf(op)?.equals(key) === true;
    if (c.target === 'MOD') {
      if (c.number === 0 && isOp(t.success, ['put']) && t.failure.length === 0 && same(t.success[0])) return 'create';
      if (isOp(t.success, ['put']) && isOp(t.failure, ['range']) && same(t.success[0]) && same(t.failure[0])) return 'update';
      if (isOp(t.success, ['delete']) && (t.failure.length === 0 || (isOp(t.failure, ['range']) && same(t.failure[0]))) && same(t.success[0])) {
        return 'delete';
      }
    }
    if (
      c.target === 'VERSION' &&
      key.toString() === 'compact_rev_key' &&
      isOp(t.success, ['put']) &&
      isOp(t.failure, ['range']) &&
      same(t.success[0]) &&
      same(t.failure[0])
    ) {
      return 'compact';
    }
  }
  const all = [...t.success, ...t.failure];
  if (all.every((op) => op.type === 'range')) return 'read';
  return 'general';
}
