/** Request validation etcd performs before a Txn reaches the store (v3rpc/key.go), pure. */
import { Errors } from '../errors.js';
import type { KeyRange, RequestOp, TxnRequest } from '../types.js';

export const MAX_TXN_OPS = 128;

export function checkTxn(t: TxnRequest, maxOps = MAX_TXN_OPS): void {
  const opc = Math.max(t.compare.length, t.success.length, t.failure.length);
  if (opc > maxOps) throw Errors.tooManyOps();
  for (const c of t.compare) if (c.key.length === 0) throw Errors.emptyKey();
  for (const op of [...t.success, ...t.failure]) checkOp(op, maxOps - opc);
  checkIntervals(t.success);
  checkIntervals(t.failure);
}

function checkOp(op: RequestOp, maxOps: number): void {
  switch (op.type) {
    case 'range':
      if (op.range.key.length === 0) throw Errors.emptyKey();
      return;
    case 'put':
      if (op.put.key.length === 0) throw Errors.emptyKey();
      if (op.put.ignoreValue && op.put.value.length !== 0) throw Errors.valueProvided();
      if (op.put.ignoreLease && op.put.lease !== 0) throw Errors.leaseProvided();
      return;
    case 'delete':
      if (op.delete.key.length === 0) throw Errors.emptyKey();
      return;
    case 'txn':
      checkTxn(op.txn, maxOps);
      return;
  }
}

function inDeleteRange(key: Buffer, d: KeyRange): boolean {
  if (d.end.length === 0) return key.equals(d.key);
  if (Buffer.compare(key, d.key) < 0) return false;
  if (d.end.length === 1 && d.end[0] === 0) return true;
  return Buffer.compare(key, d.end) < 0;
}

/** No key may be put twice, or put and deleted, by one branch (nested then/else may overlap). */
function checkIntervals(ops: readonly RequestOp[]): { puts: Set<string>; dels: KeyRange[] } {
  const dels: KeyRange[] = [];
  for (const op of ops) if (op.type === 'delete') dels.push(op.delete);
  const puts = new Set<string>();
  const hit = (k: string): boolean => dels.some((d) => inDeleteRange(Buffer.from(k, 'latin1'), d));
  for (const op of ops) {
    if (op.type !== 'txn') continue;
    const then = checkIntervals(op.txn.success);
    const els = checkIntervals(op.txn.failure);
    for (const k of then.puts) {
      if (puts.has(k) || hit(k)) throw Errors.duplicateKey();
      puts.add(k);
    }
    for (const k of els.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || hit(k)) throw Errors.duplicateKey();
      puts.add(k);
    }
    dels.push(...then.dels, ...els.dels);
  }
  for (const op of ops) {
    if (op.type !== 'put') continue;
    const k = op.put.key.toString('latin1');
    if (puts.has(k) || hit(k)) throw Errors.duplicateKey();
    puts.add(k);
  }
  return { puts, dels };
}
