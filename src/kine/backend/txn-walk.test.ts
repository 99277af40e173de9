import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RangeRequest, RequestOp, TxnRequest } from '../types.js';
import { hasWrites, mayWrite } from './txn-walk.js';

const RANGE: RangeRequest = {
  key: Buffer.from('k'), end: Buffer.alloc(0), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY', keysOnly: false,
  countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0,
};
const read: RequestOp = { type: 'range', range: RANGE };
const write: RequestOp = { type: 'put', put: { key: Buffer.from('k'), value: Buffer.alloc(0), lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } };
const txn = (success: RequestOp[], failure: RequestOp[] = []): TxnRequest => ({ compare: [], success, failure });
const nested = (t: TxnRequest): RequestOp => ({ type: 'txn', txn: t });

describe('txn walks', () => {
  const cases: [string, TxnRequest, boolean[], boolean, boolean][] = [
    ['reads only', txn([read], [read]), [true], false, false],
    ['a write on the branch taken', txn([write], [read]), [true], true, true],
    ['a write on the branch not taken', txn([write], [read]), [false], true, false],
    ['a write in a nested txn taken', txn([nested(txn([read], [write]))]), [true, false], true, true],
    ['a write in a nested txn not taken', txn([nested(txn([read], [write]))]), [true, true], true, false],
  ];
  for (const [name, t, path, may, has] of cases) {
    it(name, () => assert.deepEqual([mayWrite(t), hasWrites(t, path, { i: 0 })], [may, has]));
  }
});
