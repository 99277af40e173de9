import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors.js';
import type { Row } from '../sql/row.js';
import { heldBy, LeaseTable, MAX_LEASE_TTL, planGrant, revocationOrder } from './leases.js';

const row = (extra: Partial<Row>): Row => ({
  id: 3, name: '/k', created: 1, deleted: 0, create_revision: 0, prev_revision: 0, lease: 7, value: null, old_value: null, version: null, ...extra,
});

describe('LeaseTable.restore', () => {
  const cases: [string, { id: number; ttl: number }[], { name: string; lease: number }[], [number, number, string[]][]][] = [
    ['stored leases get a full TTL from now', [{ id: 7, ttl: 30 }], [], [[7, 30, []]]],
    ['keys attach to their lease', [{ id: 7, ttl: 30 }], [{ name: '/b', lease: 7 }, { name: '/a', lease: 7 }], [[7, 30, ['/a', '/b']]]],
    ['a Go kine key: its lease id is its TTL', [], [{ name: '/g', lease: 60 }], [[60, 60, ['/g']]]],
    ['... at least the minimum TTL', [], [{ name: '/g', lease: 1 }], [[1, 2, ['/g']]]],
    ['... at most an hour', [], [{ name: '/g', lease: 86_400 }], [[86_400, 3600, ['/g']]]],
  ];
  for (const [name, leases, keys, want] of cases) {
    it(name, () => {
      const t = new LeaseTable();
      t.restore(leases, keys, 2, 1000);
      assert.deepEqual(
        t.all().map((l) => [l.id, l.ttl, [...l.keys].sort()]),
        want,
      );
      for (const l of t.all()) assert.equal(l.expiresAt, 1000 + l.ttl * 1000);
    });
  }
});

describe('LeaseTable bookkeeping', () => {
  const table = (): LeaseTable => {
    const t = new LeaseTable();
    t.add(7, 10, 0);
    t.add(8, 20, 0);
    return t;
  };

  const moves: [string, { name: string; from: number; to: number }[], [string[], string[]]][] = [
    ['attach', [{ name: '/a', from: 0, to: 7 }], [['/a'], []]],
    ['move between leases', [{ name: '/a', from: 0, to: 7 }, { name: '/a', from: 7, to: 8 }], [[], ['/a']]],
    ['detach', [{ name: '/a', from: 0, to: 8 }, { name: '/a', from: 8, to: 0 }], [[], []]],
    ['a lease that is gone is ignored', [{ name: '/a', from: 0, to: 9 }], [[], []]],
  ];
  for (const [name, m, [on7, on8]] of moves) {
    it(`move: ${name}`, () => {
      const t = table();
      t.move(m);
      assert.deepEqual([[...(t.get(7)?.keys ?? [])], [...(t.get(8)?.keys ?? [])]], [on7, on8]);
    });
  }

  const keepAlives: [string, number, number, number | undefined][] = [
    ['renews a lease to a full TTL', 7, 10, 5000 + 10_000],
    ['answers 0 for a missing lease', 9, 0, undefined],
  ];
  for (const [name, id, ttl, expiresAt] of keepAlives) {
    it(`keepAlive ${name}`, () => {
      const t = table();
      assert.equal(t.keepAlive(id, 5000), ttl);
      assert.equal(t.get(id)?.expiresAt, expiresAt);
    });
  }

  const ttls: [string, number, number, { ttl: number; grantedTtl: number; keys: string[] } | undefined][] = [
    ['whole seconds left, rounded up', 7, 2500, { ttl: 8, grantedTtl: 10, keys: ['/a', '/b', 'compact_rev_key'] }],
    ['never below 0', 7, 60_000, { ttl: 0, grantedTtl: 10, keys: ['/a', '/b', 'compact_rev_key'] }],
    ['a missing lease', 9, 0, undefined],
  ];
  for (const [name, id, now, want] of ttls) {
    it(`timeToLive: ${name}`, () => {
      const t = table();
      t.move([{ name: '/b', from: 0, to: 7 }, { name: 'compact_rev_key_apiserver', from: 0, to: 7 }, { name: '/a', from: 0, to: 7 }]);
      const got = t.timeToLive(id, now);
      assert.deepEqual(got === undefined ? undefined : { ...got, keys: got.keys.map((k) => k.toString()) }, want);
    });
  }

  it('ids', () => assert.deepEqual(table().ids(), [7, 8]));
  it('revocationOrder: sorted names', () => {
    const t = table();
    t.move([{ name: '/b', from: 0, to: 7 }, { name: '/a', from: 0, to: 7 }]);
    const l = t.get(7);
    assert.ok(l !== undefined);
    assert.deepEqual(revocationOrder(l), ['/a', '/b']);
  });
});

describe('planGrant', () => {
  const leases = new LeaseTable();
  leases.add(5, 10, 0);
  const o = { leases, minTtl: 2, maxId: 100 };
  const cases: [string, number, number, (() => number) | undefined, { id: number; ttl: number } | Error][] = [
    ['a given id and TTL', 30, 7, undefined, { id: 7, ttl: 30 }],
    ['a short TTL is raised to the minimum', 1, 7, undefined, { id: 7, ttl: 2 }],
    ['id 0 draws a random id in [1, maxId]', 30, 0, () => 0.5, { id: 51, ttl: 30 }],
    ['... skipping ids in use', 30, 0, ((n = [0.04, 0.99]) => () => n.shift() ?? 0)(), { id: 100, ttl: 30 }],
    ['an id in use', 30, 5, undefined, Errors.leaseExist()],
    ['a TTL above etcd maximum', MAX_LEASE_TTL + 1, 7, undefined, Errors.leaseTTLTooLarge()],
  ];
  for (const [name, ttl, id, random, want] of cases) {
    it(name, () => {
      if (want instanceof Error) assert.throws(() => planGrant(ttl, id, { ...o, random }), { message: want.message });
      else assert.deepEqual(planGrant(ttl, id, { ...o, random }), want);
    });
  }
});

describe('heldBy', () => {
  const cases: [string, Row | undefined, boolean][] = [
    ['a live key on the lease', row({}), true],
    ['a missing key', undefined, false],
    ['a deleted key', row({ deleted: 1 }), false],
    ['a key moved to another lease', row({ lease: 8 }), false],
  ];
  for (const [name, r, want] of cases) it(name, () => assert.equal(heldBy(r, 7), want));
});
