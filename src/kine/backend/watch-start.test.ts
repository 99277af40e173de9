import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row } from '../sql/row.js';
import type { KeyRange, KvEvent } from '../types.js';
import { WatchHub, type WatchListener } from './watch-hub.js';
import { liveListener, nextPageFrom, planReplay, watchCompacted, watchReplays, type ReplayScan } from './watch-start.js';

const range = (key: string, end = ''): KeyRange => ({ key: Buffer.from(key), end: end === '\0' ? Buffer.from([0]) : Buffer.from(end) });
const event = (key: string, rev: number): KvEvent => ({
  type: 'PUT', kv: { key: Buffer.from(key), createRevision: rev, modRevision: rev, version: 1, value: Buffer.alloc(0), lease: 0 }, prevKv: undefined,
});
const recorder = (r: KeyRange): { l: WatchListener; got: number[][] } => {
  const got: number[][] = [];
  return { got, l: { range: r, onEvents: (events) => got.push(events.map((e) => e.kv.modRevision)) } };
};

describe('watch start', () => {
  const CURRENT = 20;
  const COMPACT = 5;
  const cases: [string, number, boolean, boolean][] = [
    ['from now (0)', 0, false, false],
    ['from the compact revision', COMPACT, true, true],
    ['just after the compact revision', COMPACT + 1, false, true],
    ['from the current revision', CURRENT, false, true],
    ['from the next revision', CURRENT + 1, false, false],
    ['from a future revision', CURRENT + 5, false, false],
  ];
  for (const [name, start, compacted, replays] of cases) {
    it(name, () => assert.deepEqual([watchCompacted(start, COMPACT), watchReplays(start, CURRENT)], [compacted, replays]));
  }

  const live: [string, number, number[][]][] = [
    ['a watch from now gets every live event', 0, [[19, 21, 23]]],
    ['a watch from the next revision too', 21, [[19, 21, 23]]],
    ['a watch from a future revision only gets events from it on', 22, [[23]]],
    ['... and nothing while none is due', 30, []],
  ];
  for (const [name, start, want] of live) {
    it(name, () => {
      const r = recorder(range('/a', '\0'));
      liveListener(r.l, start, 20).onEvents([event('/a', 19), event('/b', 21), event('/c', 23)], 23);
      assert.deepEqual(r.got, want);
    });
  }
});

describe('planReplay', () => {
  const cases: [string, KeyRange, number, ReplayScan][] = [
    ['from a compacted revision', range('/a'), 5, { kind: 'compacted' }],
    ['from the next revision: nothing yet', range('/a'), 21, { kind: 'none' }],
    ['an empty range', range('/b', '/a'), 6, { kind: 'none' }],
    ['a single key reads that name only', range('/a'), 6, { kind: 'scan', start: '/a', end: '/a\u0000', from: 6, to: 20 }],
    ['a prefix', range('/a/', '/a0'), 20, { kind: 'scan', start: '/a/', end: '/a0', from: 20, to: 20 }],
    ['to the end of the keyspace', range('/a', '\0'), 6, { kind: 'scan', start: '/a', end: undefined, from: 6, to: 20 }],
  ];
  for (const [name, r, from, want] of cases) it(name, () => assert.deepEqual(planReplay(r, from, 20, 5), want));

  const row = (id: number): Row => ({
    id, name: '/a', created: 1, deleted: 0, create_revision: 0, prev_revision: 0, lease: 0, value: null, old_value: null, version: null,
  });
  const pages: [string, Row[], number | undefined][] = [
    ['an empty page is the last', [], undefined],
    ['a short page is the last', [row(3), row(4)], undefined],
    ['a full page continues after its last row', [row(3), row(4), row(9)], 10],
  ];
  for (const [name, rows, want] of pages) it(`nextPageFrom: ${name}`, () => assert.equal(nextPageFrom(rows, 3), want));
});

describe('WatchHub.register', () => {
  it('routes events by range until cancelled', () => {
    const hub = new WatchHub();
    const a = recorder(range('/a'));
    const all = recorder(range('/', '\0'));
    const start = hub.register(a.l);
    hub.register(all.l);
    hub.publish([event('/a', 1), event('/b', 2)], 2);
    assert.equal(start.kind, 'started');
    if (start.kind === 'started') start.registration.cancel();
    hub.publish([event('/a', 3)], 3);
    assert.deepEqual([a.got, all.got, hub.size()], [[[1]], [[1, 2], [3]], 1]);
  });
});
