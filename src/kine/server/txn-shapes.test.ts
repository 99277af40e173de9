import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTxn } from '../backend/txn-check.js';
import { EtcdError } from '../errors.js';
import type { Compare, RequestOp, TxnRequest } from '../types.js';
import { classifyTxn, type TxnShape } from './txn-shapes.js';

const s = (x: string): Buffer => Buffer.from(x);
const NONE = Buffer.alloc(0);
const mod = (key: string, rev: number): Compare => ({ key: s(key), end: NONE, target: 'MOD', result: 'EQUAL', number: rev, value: NONE });
const ver = (key: string, v: number): Compare => ({ key: s(key), end: NONE, target: 'VERSION', result: 'EQUAL', number: v, value: NONE });
const put = (key: string): RequestOp => ({ type: 'put', put: { key: s(key), value: s('v'), lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } });
const get = (key: string, end = ''): RequestOp => ({
  type: 'range',
  range: { key: s(key), end: s(end), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY', keysOnly: false, countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0 },
});
const del = (key: string, end = ''): RequestOp => ({ type: 'delete', delete: { key: s(key), end: s(end), prevKv: false } });
const txn = (compare: Compare[], success: RequestOp[], failure: RequestOp[]): TxnRequest => ({ compare, success, failure });

describe('classifyTxn', () => {
  const cases: [string, TxnRequest, TxnShape][] = [
    ['T1 create', txn([mod('/a', 0)], [put('/a')], []), 'create'],
    ['T2 update', txn([mod('/a', 5)], [put('/a')], [get('/a')]), 'update'],
    ['T2 update from revision 0', txn([mod('/a', 0)], [put('/a')], [get('/a')]), 'update'],
    ['T3 delete', txn([mod('/a', 5)], [del('/a')], [get('/a')]), 'delete'],
    ['T4 compact', txn([ver('compact_rev_key', 3)], [put('compact_rev_key')], [get('compact_rev_key')]), 'compact'],
    ['keys differ -> general', txn([mod('/a', 0)], [put('/b')], []), 'general'],
    ['two puts -> general', txn([mod('/a', 0)], [put('/a'), put('/b')], []), 'general'],
    ['read-only', txn([], [get('/a'), get('/p/', '/p0')], []), 'read'],
    ['VERSION on another key -> general', txn([ver('/a', 1)], [put('/a')], [get('/a')]), 'general'],
  ];
  for (const [name, t, want] of cases) it(name, () => assert.equal(classifyTxn(t), want));
});

describe('checkTxn', () => {
  const cases: [string, TxnRequest, string | undefined][] = [
    ['valid', txn([mod('/a', 0)], [put('/a')], [get('/a')]), undefined],
    ['duplicate put', txn([], [put('/a'), put('/a')], []), 'etcdserver: duplicate key given in txn request'],
    ['put inside a deleted range', txn([], [del('/p/', '/p0'), put('/p/x')], []), 'etcdserver: duplicate key given in txn request'],
    ['then/else may both put the same key', txn([], [{ type: 'txn', txn: txn([], [put('/a')], [put('/a')]) }], []), undefined],
    ['same key in success and failure is fine', txn([], [put('/a')], [put('/a')]), undefined],
    ['empty compare key', txn([mod('', 0)], [], []), 'etcdserver: key is not provided'],
    ['empty put key', txn([], [put('')], []), 'etcdserver: key is not provided'],
    ['too many ops', txn([], Array.from({ length: 129 }, (_, i) => put(`/k${i}`)), []), 'etcdserver: too many operations in txn request'],
  ];
  for (const [name, t, want] of cases) {
    it(name, () => {
      if (want === undefined) assert.doesNotThrow(() => checkTxn(t));
      else assert.throws(() => checkTxn(t), (err: unknown) => err instanceof EtcdError && err.message === want);
    });
  }
});
