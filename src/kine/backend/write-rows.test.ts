import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors.js';
import type { NewRow, Row } from '../sql/row.js';
import type { KeyValue, PutRequest } from '../types.js';
import { rowToKv } from './rows.js';
import {
  deleteDone, deleteResult, leaseKeyDelete, newWriteEffects, planPut, putDone, tombstoneRow, writeEffects,
} from './write-rows.js';

const b = (s: string): Buffer => Buffer.from(s);
const row = (extra: Partial<Row>): Row => ({
  id: 10, name: '/k', created: 0, deleted: 0, create_revision: 4, prev_revision: 7, lease: 0, value: b('old'), old_value: b('older'), version: 3,
  ...extra,
});
const put = (extra: Partial<PutRequest> = {}): PutRequest => ({
  key: b('/k'), value: b('new'), lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false, ...extra,
});
const leases = (...ids: number[]) => ({ has: (id: number) => ids.includes(id) });

describe('planPut: the row a put inserts', () => {
  const live = row({});
  const cases: [string, PutRequest, Row | undefined, Partial<NewRow>][] = [
    ['a new key', put(), undefined,
      { created: true, deleted: false, createRevision: 0, prevRevision: 0, lease: 0, value: b('new'), oldValue: null, version: undefined }],
    ['a live key: versions and create revision continue', put(), live,
      { created: false, createRevision: 4, prevRevision: 10, value: b('new'), oldValue: b('old'), version: 4 }],
    ['a created row is version 1 and its own create revision', put(), row({ created: 1, id: 6 }),
      { created: false, createRevision: 6, prevRevision: 6, version: 2 }],
    ['over a tombstone: a new key that links to it', put(), row({ deleted: 1, value: null }),
      { created: true, createRevision: 0, prevRevision: 10, oldValue: null, version: undefined }],
    ['ignore_value keeps the live value', put({ ignoreValue: true, value: b('') }), live, { value: b('old') }],
    ['ignore_value on a null value stores empty', put({ ignoreValue: true, value: b('') }), row({ value: null }), { value: b(''), oldValue: null }],
    ['ignore_lease keeps the live lease', put({ ignoreLease: true }), row({ lease: 9 }), { lease: 9 }],
    ['a granted lease', put({ lease: 5 }), live, { lease: 5 }],
  ];
  for (const [name, p, prev, want] of cases) {
    it(name, () => {
      const plan = planPut(p, '/k', prev, leases(5, 9));
      assert.equal(plan.row.name, '/k');
      for (const [k, v] of Object.entries(want)) assert.deepEqual(plan.row[k as keyof NewRow], v, k);
      assert.deepEqual(plan.value, plan.row.value);
    });
  }

  const refused: [string, PutRequest, Row | undefined, Error][] = [
    ['ignore_value on a missing key', put({ ignoreValue: true }), undefined, Errors.keyNotFound()],
    ['ignore_lease on a deleted key', put({ ignoreLease: true }), row({ deleted: 1 }), Errors.keyNotFound()],
    ['a lease that does not exist', put({ lease: 6 }), live, Errors.leaseNotFound()],
    ['ignore_lease keeping a lease that no longer exists', put({ ignoreLease: true }), row({ lease: 6 }), Errors.leaseNotFound()],
  ];
  for (const [name, p, prev, err] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => planPut(p, '/k', prev, leases(5, 9)), { message: err.message }));
  }
});

describe('putDone: what an inserted put produced', () => {
  const cases: [string, PutRequest, Row | undefined, number, { kv: Partial<KeyValue>; prev: boolean; move: [number, number]; result: boolean }][] = [
    ['a create', put({ lease: 5 }), undefined, 11, { kv: { createRevision: 11, modRevision: 11, version: 1, lease: 5 }, prev: false, move: [0, 5], result: false }],
    ['an update asking for prev_kv', put({ prevKv: true }), row({ lease: 9 }), 11,
      { kv: { createRevision: 4, modRevision: 11, version: 4, lease: 0 }, prev: true, move: [9, 0], result: true }],
    ['an update not asking for prev_kv', put(), row({}), 12, { kv: { createRevision: 4, modRevision: 12, version: 4 }, prev: true, move: [0, 0], result: false }],
  ];
  for (const [name, p, prev, id, want] of cases) {
    it(name, () => {
      const fx = newWriteEffects();
      const plan = planPut(p, '/k', prev, leases(5, 9));
      const result = putDone(p, plan, id, fx);
      const [event] = fx.events;
      assert.equal(fx.events.length, 1);
      assert.equal(event?.type, 'PUT');
      for (const [k, v] of Object.entries(want.kv)) assert.deepEqual(event?.kv[k as keyof KeyValue], v, k);
      assert.deepEqual(event?.kv.key, p.key);
      assert.deepEqual(event?.kv.value, p.value);
      assert.deepEqual(event?.prevKv, want.prev && prev !== undefined ? rowToKv(prev) : undefined);
      assert.deepEqual(fx.leaseMoves, [{ name: '/k', from: want.move[0], to: want.move[1] }]);
      assert.deepEqual(result.prevKv, want.result ? event?.prevKv : undefined);
    });
  }
});

describe('deletes: tombstones and what they produced', () => {
  const cases: [string, Row, Partial<NewRow>][] = [
    ['an updated key', row({ lease: 9 }), { createRevision: 4, prevRevision: 10, lease: 9, version: 3, oldValue: b('old') }],
    ['a created key', row({ created: 1, id: 6, version: null }), { createRevision: 6, prevRevision: 6, version: 1 }],
  ];
  for (const [name, r, want] of cases) {
    it(name, () => {
      const kv = rowToKv(r);
      const t = tombstoneRow(r, kv);
      assert.equal(t.name, r.name);
      assert.deepEqual([t.created, t.deleted, t.value], [false, true, null]);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(t[k as keyof NewRow], v, k);
      const fx = newWriteEffects();
      deleteDone(r, kv, 20, fx);
      assert.deepEqual(fx.events, [
        { type: 'DELETE', kv: { key: kv.key, createRevision: 0, modRevision: 20, version: 0, value: b(''), lease: 0 }, prevKv: kv },
      ]);
      assert.deepEqual(fx.leaseMoves, [{ name: r.name, from: kv.lease, to: 0 }]);
    });
  }

  const kvs = [rowToKv(row({})), rowToKv(row({ name: '/l' }))];
  const results: [string, boolean, number, number][] = [
    ['with prev_kv', true, 2, 2],
    ['without prev_kv', false, 2, 0],
  ];
  for (const [name, prevKv, deleted, prevs] of results) {
    it(`result ${name}`, () => {
      const r = deleteResult({ key: b('/k'), end: b('/m'), prevKv }, kvs);
      assert.deepEqual([r.deleted, r.prevKvs.length], [deleted, prevs]);
    });
  }

  it('a lease revocation deletes the single key of the row', () => {
    assert.deepEqual(leaseKeyDelete(row({ name: '/a/b' })), { key: b('/a/b'), end: b(''), prevKv: false });
  });
});

describe('writeEffects', () => {
  it('passes effects through', () => {
    const fx = newWriteEffects();
    assert.equal(writeEffects(fx), fx);
  });
  it('refuses a write outside a transaction', () => assert.throws(() => writeEffects(undefined), /write outside a transaction/));
});
