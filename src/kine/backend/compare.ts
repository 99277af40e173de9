/** etcd's Txn compare semantics (server/etcdserver/txn: applyCompare / compareKV), pure. */
import type { Row } from '../sql/row.js';
import type { Compare, KeyValue } from '../types.js';
import { rowToKv } from './rows.js';

export function compareKv(c: Compare, kv: KeyValue): boolean {
  let r: number;
  switch (c.target) {
    case 'VALUE':
      r = Buffer.compare(kv.value, c.value);
      break;
    case 'VERSION':
      r = Math.sign(kv.version - c.number);
      break;
    case 'CREATE':
      r = Math.sign(kv.createRevision - c.number);
      break;
    case 'MOD':
      r = Math.sign(kv.modRevision - c.number);
      break;
    case 'LEASE':
      r = Math.sign(kv.lease - c.number);
      break;
  }
  switch (c.result) {
    case 'EQUAL':
      return r === 0;
    case 'NOT_EQUAL':
      return r !== 0;
    case 'GREATER':
      return r > 0;
    case 'LESS':
      return r < 0;
  }
}

const ZERO_KV: KeyValue = { key: Buffer.alloc(0), createRevision: 0, modRevision: 0, version: 0, value: Buffer.alloc(0), lease: 0 };

/**
 * A compare over the live keys it names: every key must satisfy it; no keys means comparing the
 * zero KeyValue, except VALUE compares, which always fail on missing keys (as in etcd).
 */
export function applyCompare(c: Compare, kvs: readonly KeyValue[]): boolean {
  if (kvs.length === 0) return c.target === 'VALUE' ? false : compareKv(c, ZERO_KV);
  return kvs.every((kv) => compareKv(c, kv));
}

/** applyCompare over the live rows of the compare's range. */
export function compareRows(c: Compare, rows: readonly Row[]): boolean {
  return applyCompare(c, rows.map(rowToKv));
}
