import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RangeRequest, RequestOp, ResponseOp, TxnRequest, TxnResult } from '../types.js';
import { branch, hasWrites, mayWrite, takenOps, txnResult, type LeafOp } from './txn-walk.js';

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

describe('txn taken ops and results', () => {
  const r = (key: string): RequestOp => ({ type: 'range', range: { ...RANGE, key: Buffer.from(key) } });
  const answer = (op: LeafOp): ResponseOp =>
    op.type === 'range' ? { type: 'range', range: { kvs: [], more: false, count: op.range.key.length }, revision: 7 } : { type: 'put', put: { prevKv: undefined }, revision: 8 };
  // A result tree in a comparable form: [succeeded, ...responses], a leaf as its range's count or 'put', a nested txn as its tree.
  type Shape = [boolean, ...(number | string | Shape)[]];
  const shape = (t: TxnResult): Shape => [
    t.succeeded,
    ...t.responses.map((op): number | string | Shape => (op.type === 'txn' ? shape(op.txn) : op.type === 'range' ? op.range.count : op.type)),
  ];
  const cases: [string, TxnRequest, boolean[], string[], Shape][] = [
    ['the success branch', txn([r('a'), write], [r('bb')]), [true], ['range', 'put'], [true, 1, 'put']],
    ['the failure branch', txn([r('a'), write], [r('bb')]), [false], ['range'], [false, 2]],
    ['a nested txn in order', txn([r('a'), nested(txn([r('bb')], [write])), r('ccc')]), [true, true], ['range', 'range', 'range'], [true, 1, [true, 2], 3]],
    ['a nested failure', txn([nested(txn([r('bb')], [write])), r('a')]), [true, false], ['put', 'range'], [true, [false, 'put'], 1]],
    ['nested txns on the branch not taken are not walked', txn([nested(txn([write]))], [r('a')]), [false], ['range'], [false, 1]],
    ['an empty branch', txn([], []), [true], [], [true]],
  ];
  for (const [name, t, path, ops, want] of cases) {
    it(name, () => {
      const leaves = takenOps(t, path);
      assert.deepEqual(leaves.map((op) => op.type), ops);
      assert.deepEqual(shape(txnResult(t, path, leaves.map(answer))), want);
    });
  }
  it('refuses fewer responses than ops', () => assert.throws(() => txnResult(txn([read]), [true], []), /fewer responses/));
  it('branch', () => assert.deepEqual([branch(txn([read], [write]), true), branch(txn([read], [write]), false)], [[read], [write]]));
});
