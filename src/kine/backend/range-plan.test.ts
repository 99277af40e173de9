import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors.js';
import type { Row } from '../sql/row.js';
import type { RangeRequest } from '../types.js';
import { checkReadRevision, countResult, liveRow, needsCount, planRange, rangeResult, type RangePlan } from './range-plan.js';

const req = (extra: Partial<RangeRequest> = {}): RangeRequest => ({
  key: Buffer.from('/a'), end: Buffer.from('/b'), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY', keysOnly: false,
  countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0, ...extra,
});
const row = (id: number, name: string, deleted = 0): Row => ({
  id, name, created: 1, deleted, create_revision: 0, prev_revision: 0, lease: 0, value: Buffer.from(`v${String(id)}`), old_value: null, version: null,
});
const CURRENT = 20;
const COMPACT = 5;

describe('checkReadRevision', () => {
  const cases: [string, number, Error | undefined][] = [
    ['0 reads the current revision', 0, undefined],
    ['the current revision', CURRENT, undefined],
    ['the compact revision itself', COMPACT, undefined],
    ['a future revision', CURRENT + 1, Errors.futureRev()],
    ['below the compact revision', COMPACT - 1, Errors.compacted()],
  ];
  for (const [name, rev, err] of cases) {
    it(name, () => {
      if (err === undefined) checkReadRevision(rev, CURRENT, COMPACT);
      else assert.throws(() => checkReadRevision(rev, CURRENT, COMPACT), { message: err.message });
    });
  }
});

describe('planRange', () => {
  type Want = Partial<Omit<RangePlan, 'req'>>;
  const cases: [string, Partial<RangeRequest>, Want][] = [
    ['a single key at the current revision', { end: Buffer.alloc(0) }, { rev: CURRENT, bounds: { kind: 'single', name: '/a' } }],
    ['an older revision', { revision: 7 }, { rev: 7, bounds: { kind: 'range', start: '/a', end: '/b' } }],
    ['an empty range', { key: Buffer.from('/b'), end: Buffer.from('/a') }, { bounds: { kind: 'empty' } }],
    ['to the end of the keyspace', { end: Buffer.from([0]) }, { bounds: { kind: 'range', start: '/a', end: undefined } }],
    ['no limit fetches all', {}, { fetchLimit: 0, fetchKeysOnly: false, countOnly: false, sortOrder: 'NONE' }],
    ['a limit fetches one more to learn `more`', { limit: 10 }, { fetchLimit: 11 }],
    ['keys only without sorting fetches no values', { keysOnly: true, limit: 3 }, { fetchKeysOnly: true, fetchLimit: 4 }],
    ['sorting fetches all rows with values', { keysOnly: true, limit: 3, sortOrder: 'DESCEND' }, { fetchKeysOnly: false, fetchLimit: 0, sortOrder: 'DESCEND' }],
    ['a revision filter fetches all rows', { limit: 3, minModRevision: 2 }, { fetchLimit: 0 }],
    ['count only is a COUNT', { countOnly: true }, { countOnly: true }],
    ['count only with a filter counts what it fetched', { countOnly: true, maxCreateRevision: 9 }, { countOnly: false }],
  ];
  for (const [name, extra, want] of cases) {
    it(name, () => {
      const r = req(extra);
      const plan = planRange(r, CURRENT, COMPACT);
      assert.equal(plan.req, r);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(plan[k as keyof Want], v, k);
    });
  }

  const refused: [string, Partial<RangeRequest>, Error][] = [
    ['an empty key', { key: Buffer.alloc(0) }, Errors.emptyKey()],
    ['a future revision', { revision: CURRENT + 1 }, Errors.futureRev()],
    ['a compacted revision', { revision: COMPACT - 1 }, Errors.compacted()],
  ];
  for (const [name, extra, err] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => planRange(req(extra), CURRENT, COMPACT), { message: err.message }));
  }
});

describe('range results from rows', () => {
  const liveRows: [string, Row | undefined, number][] = [
    ['absent', undefined, 0],
    ['a tombstone', row(3, '/a', 1), 0],
    ['a live key', row(3, '/a'), 1],
  ];
  for (const [name, r, n] of liveRows) it(`liveRow: ${name}`, () => assert.equal(liveRow(r).length, n));

  const counts: [string, Partial<RangeRequest>, number, boolean][] = [
    ['no limit never counts', {}, 50, false],
    ['fewer rows than the fetch limit: their number is the count', { limit: 5 }, 5, false],
    ['the fetch limit reached: COUNT', { limit: 5 }, 6, true],
  ];
  for (const [name, extra, fetched, want] of counts) {
    it(`needsCount: ${name}`, () => assert.equal(needsCount(planRange(req(extra), CURRENT, COMPACT), fetched), want));
  }

  const results: [string, Partial<RangeRequest>, { keys: string[]; more: boolean; values: string[] }][] = [
    ['all rows', {}, { keys: ['/a1', '/a2', '/a3'], more: false, values: ['v1', 'v2', 'v3'] }],
    ['the limit cuts and sets more', { limit: 2 }, { keys: ['/a1', '/a2'], more: true, values: ['v1', 'v2'] }],
    ['keys only drops values', { keysOnly: true }, { keys: ['/a1', '/a2', '/a3'], more: false, values: ['', '', ''] }],
    ['sorted by mod revision, descending', { sortTarget: 'MOD', sortOrder: 'DESCEND' }, { keys: ['/a3', '/a2', '/a1'], more: false, values: ['v3', 'v2', 'v1'] }],
  ];
  const rows = [row(1, '/a1'), row(2, '/a2'), row(3, '/a3')];
  for (const [name, extra, want] of results) {
    it(`rangeResult: ${name}`, () => {
      const out = rangeResult(planRange(req(extra), CURRENT, COMPACT), rows, 7);
      assert.deepEqual(
        { keys: out.kvs.map((k) => k.key.toString()), more: out.more, values: out.kvs.map((k) => k.value.toString()), count: out.count },
        { ...want, count: 7 },
      );
    });
  }

  it('countResult', () => assert.deepEqual(countResult(4), { kvs: [], more: false, count: 4 }));
});
