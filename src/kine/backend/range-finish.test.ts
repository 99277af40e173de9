import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyValue, RangeRequest } from '../types.js';
import { effectiveSortOrder, finishRange, hasRevisionFilters } from './range-finish.js';

const kv = (key: string, mod: number, create: number, value: string): KeyValue => ({
  key: Buffer.from(key), modRevision: mod, createRevision: create, version: 1, value: Buffer.from(value), lease: 0,
});
const req = (extra: Partial<RangeRequest>): RangeRequest => ({
  key: Buffer.from('a'), end: Buffer.from('z'), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY', keysOnly: false,
  countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0, ...extra,
});
const KVS = [kv('a', 5, 2, 'z'), kv('b', 3, 3, 'y'), kv('c', 4, 4, 'x')];

describe('range finishing', () => {
  const orders: [string, Partial<RangeRequest>, RangeRequest['sortOrder']][] = [
    ['KEY, NONE stays natural', {}, 'NONE'],
    ['KEY ASCEND is the natural order', { sortOrder: 'ASCEND' }, 'NONE'],
    ['KEY DESCEND', { sortOrder: 'DESCEND' }, 'DESCEND'],
    ['another target defaults to ASCEND', { sortTarget: 'MOD' }, 'ASCEND'],
  ];
  for (const [name, extra, want] of orders) it(`sort order: ${name}`, () => assert.equal(effectiveSortOrder(req(extra)), want));

  const filters: [Partial<RangeRequest>, boolean][] = [[{}, false], [{ minModRevision: 1 }, true], [{ maxCreateRevision: 9 }, true]];
  for (const [extra, want] of filters) it(`filters: ${JSON.stringify(extra)}`, () => assert.equal(hasRevisionFilters(req(extra)), want));

  const cases: [string, Partial<RangeRequest>, { keys: string[]; more: boolean; count: number; values?: string[] }][] = [
    ['all, in the given order', {}, { keys: ['a', 'b', 'c'], more: false, count: 3 }],
    ['limit sets more, keeps count', { limit: 2 }, { keys: ['a', 'b'], more: true, count: 3 }],
    ['min/max mod revision', { minModRevision: 4, maxModRevision: 4 }, { keys: ['c'], more: false, count: 3 }],
    ['min create revision', { minCreateRevision: 3 }, { keys: ['b', 'c'], more: false, count: 3 }],
    ['sort by value descending', { sortTarget: 'VALUE', sortOrder: 'DESCEND' }, { keys: ['a', 'b', 'c'], more: false, count: 3 }],
    ['sort by mod revision', { sortTarget: 'MOD' }, { keys: ['b', 'c', 'a'], more: false, count: 3 }],
    ['count only', { countOnly: true }, { keys: [], more: false, count: 3 }],
    ['keys only', { keysOnly: true }, { keys: ['a', 'b', 'c'], more: false, count: 3, values: ['', '', ''] }],
  ];
  for (const [name, extra, want] of cases) {
    it(name, () => {
      const r = req(extra);
      const out = finishRange([...KVS], r, effectiveSortOrder(r), 3);
      assert.deepEqual({ keys: out.kvs.map((k) => k.key.toString()), more: out.more, count: out.count }, { keys: want.keys, more: want.more, count: want.count });
      if (want.values !== undefined) assert.deepEqual(out.kvs.map((k) => k.value.toString()), want.values);
    });
  }
});
