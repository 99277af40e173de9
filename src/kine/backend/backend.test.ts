import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { EtcdError } from '../errors.js';
import { SqlLog } from '../sqlite/sql-log.js';
import type { KvEvent, RangeRequest, TxnRequest } from '../types.js';
import { Backend } from './backend.js';

const s = (x: string): Buffer => Buffer.from(x);
const NONE = Buffer.alloc(0);

function range(key: string, end = '', extra: Partial<RangeRequest> = {}): RangeRequest {
  return {
    key: s(key), end: end === '\0' ? Buffer.from([0]) : s(end), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY',
    keysOnly: false, countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0, ...extra,
  };
}
const put = (key: string, value: string, lease = 0) => ({ key: s(key), value: s(value), lease, prevKv: true, ignoreValue: false, ignoreLease: false });
const del = (key: string, end = '') => ({ key: s(key), end: s(end), prevKv: true });

let dirs: string[] = [];
let backends: Backend[] = [];
function open(clock?: { now: number }): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'kine-backend-'));
  dirs.push(dir);
  const sql = SqlLog.open(join(dir, 'state.db'), { durability: 'NORMAL' });
  const b = new Backend(sql, { log: silentLogger(), compactBatchSize: 10, now: clock ? () => clock.now : undefined, leaseCheckIntervalMs: 3_600_000 });
  b.start();
  backends.push(b);
  return b;
}
afterEach(async () => {
  for (const b of backends) {
    await b.stop();
    b.sql.close();
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  backends = [];
});

function etcdError(message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof EtcdError && message.test(err.message);
}

describe('revision semantics', () => {
  it('starts at revision 1 and gives every write the next revision', () => {
    const b = open();
    assert.equal(b.revision(), 1);
    assert.equal(b.put(put('/a', '1')).revision, 2);
    assert.equal(b.put(put('/b', '1')).revision, 3);
    const r = b.put(put('/a', '2'));
    assert.equal(r.revision, 4);
    assert.deepEqual(
      { mod: r.result.prevKv?.modRevision, ver: r.result.prevKv?.version, val: r.result.prevKv?.value.toString() },
      { mod: 2, ver: 1, val: '1' },
    );
    const kv = b.range(range('/a')).result.kvs[0];
    assert.deepEqual({ c: kv?.createRevision, m: kv?.modRevision, v: kv?.version }, { c: 2, m: 4, v: 2 });
  });

  it('tracks real per-key versions, reset by delete', () => {
    const b = open();
    b.put(put('k', '1'));
    b.put(put('k', '2'));
    b.put(put('k', '3'));
    assert.equal(b.range(range('k')).result.kvs[0]?.version, 3);
    b.deleteRange(del('k'));
    assert.equal(b.range(range('k')).result.count, 0);
    const re = b.put(put('k', '4'));
    const kv = b.range(range('k')).result.kvs[0];
    assert.deepEqual({ v: kv?.version, c: kv?.createRevision }, { v: 1, c: re.revision });
  });

  it('reads history: values as of a revision, deleted keys hidden after their deletion only', () => {
    const b = open();
    b.put(put('/h/a', 'a1')); // 2
    b.put(put('/h/b', 'b1')); // 3
    b.put(put('/h/a', 'a2')); // 4
    b.deleteRange(del('/h/b')); // 5
    const at = (rev: number) => b.range(range('/h/', '/h0', { revision: rev })).result.kvs.map((kv) => `${kv.key.toString()}=${kv.value.toString()}`);
    assert.deepEqual(at(3), ['/h/a=a1', '/h/b=b1']);
    assert.deepEqual(at(4), ['/h/a=a2', '/h/b=b1']);
    assert.deepEqual(at(5), ['/h/a=a2']);
    assert.equal(b.range(range('/h/', '/h0', { revision: 3 })).revision, 5, 'header carries the current revision');
  });

  it('limits with more/count, count_only, keys_only and continue keys', () => {
    const b = open();
    for (const k of ['a', 'b', 'c', 'd', 'e']) b.put(put(`/p/${k}`, k));
    const r = b.range(range('/p/', '/p0', { limit: 2 })).result;
    assert.deepEqual(r.kvs.map((kv) => kv.key.toString()), ['/p/a', '/p/b']);
    assert.equal(r.more, true);
    assert.equal(r.count, 5);
    const next = b.range({ ...range('/p/', '/p0', { limit: 2 }), key: Buffer.concat([s('/p/b'), Buffer.from([0])]) }).result;
    assert.deepEqual(next.kvs.map((kv) => kv.key.toString()), ['/p/c', '/p/d']);
    assert.equal(next.count, 3);
    const all = b.range(range('/p/', '/p0', { limit: 5 })).result;
    assert.equal(all.more, false);
    assert.equal(all.count, 5);
    assert.deepEqual(b.range(range('/p/', '/p0', { countOnly: true })).result, { kvs: [], more: false, count: 5 });
    assert.equal(b.range(range('/p/', '/p0', { keysOnly: true })).result.kvs[0]?.value.length, 0);
    assert.deepEqual(b.range(range('/p/c', '\0')).result.kvs.map((kv) => kv.key.toString()), ['/p/c', '/p/d', '/p/e']);
  });

  it('sorts and filters like etcd', () => {
    const b = open();
    b.put(put('/s/b', '1'));
    b.put(put('/s/a', '2'));
    b.put(put('/s/c', '0'));
    const keys = (extra: Partial<RangeRequest>) => b.range(range('/s/', '/s0', extra)).result.kvs.map((kv) => kv.key.toString());
    assert.deepEqual(keys({ sortOrder: 'DESCEND' }), ['/s/c', '/s/b', '/s/a']);
    assert.deepEqual(keys({ sortTarget: 'MOD' }), ['/s/b', '/s/a', '/s/c']);
    assert.deepEqual(keys({ sortTarget: 'VALUE', sortOrder: 'DESCEND', limit: 2 }), ['/s/a', '/s/b']);
    assert.deepEqual(keys({ minModRevision: 3 }), ['/s/a', '/s/c']);
  });

  it('rejects future and compacted revisions with etcd errors', async () => {
    const b = open();
    for (let i = 0; i < 30; i++) b.put(put('/c/x', String(i)));
    assert.throws(() => b.range(range('/c/x', '', { revision: 100 })), etcdError(/required revision is a future revision/));
    await b.compact(20, true);
    assert.throws(() => b.range(range('/c/x', '', { revision: 19 })), etcdError(/required revision has been compacted/));
    assert.equal(b.range(range('/c/x', '', { revision: 20 })).result.kvs[0]?.value.toString(), '18');
    await assert.rejects(b.compact(20, false), etcdError(/has been compacted/));
    await assert.rejects(b.compact(1000, false), etcdError(/future revision/));
    assert.equal(b.range(range('/c/x')).result.kvs[0]?.version, 30);
  });

  it('compaction removes superseded rows and tombstones only', async () => {
    const b = open();
    b.put(put('/d/a', '1')); // 2
    b.put(put('/d/a', '2')); // 3
    b.put(put('/d/b', '1')); // 4
    b.deleteRange(del('/d/b')); // 5
    b.put(put('/d/c', '1')); // 6
    await b.compact(6, true);
    const rows = b.range(range('/d/', '/d0')).result.kvs.map((kv) => `${kv.key.toString()}@${kv.modRevision}`);
    assert.deepEqual(rows, ['/d/a@3', '/d/c@6']);
    assert.equal(b.sql.after('/d/', '/d0', 0, 100, 100).length, 2, 'rows 2, 4 and 5 are gone');
  });
});

describe('compaction under churn', () => {
  it('keeps the table bounded: only the newest row per key survives', async () => {
    const b = open();
    for (let i = 0; i < 2000; i++) b.put(put(`/churn/${i % 20}`, String(i)));
    for (let i = 0; i < 5; i++) b.deleteRange(del(`/churn/${i}`));
    const rev = b.revision();
    await b.compact(rev, true);
    const rows = b.sql.after('', undefined, 0, rev, 100_000);
    assert.equal(rows.length, 15 + 1, '15 live keys + the last tombstone (at the compact revision)');
    assert.equal(b.range(range('/churn/', '/churn0', { countOnly: true })).result.count, 15);
    assert.equal(b.range(range('/churn/19')).result.kvs[0]?.version, 100);
    assert.equal(b.sql.compactedThroughRevision(), rev, 'done in bounded batches of 10 revisions');
  });
});

describe('txn', () => {
  const createTxn = (key: string, value: string): TxnRequest => ({
    compare: [{ key: s(key), end: NONE, target: 'MOD', result: 'EQUAL', number: 0, value: NONE }],
    success: [{ type: 'put', put: put(key, value) }],
    failure: [],
  });
  const updateTxn = (key: string, rev: number, value: string): TxnRequest => ({
    compare: [{ key: s(key), end: NONE, target: 'MOD', result: 'EQUAL', number: rev, value: NONE }],
    success: [{ type: 'put', put: put(key, value) }],
    failure: [{ type: 'range', range: range(key) }],
  });

  it('serves the apiserver create/update/delete shapes', () => {
    const b = open();
    const c = b.txn(createTxn('/t/a', 'v1'));
    assert.equal(c.result.succeeded, true);
    assert.equal(c.revision, 2);
    assert.equal(b.txn(createTxn('/t/a', 'again')).result.succeeded, false);
    const stale = b.txn(updateTxn('/t/a', 1, 'v2'));
    assert.equal(stale.result.succeeded, false);
    const cur = stale.result.responses[0];
    assert.ok(cur?.type === 'range');
    assert.equal(cur.range.kvs[0]?.modRevision, 2);
    const u = b.txn(updateTxn('/t/a', 2, 'v2'));
    assert.equal(u.result.succeeded, true);
    assert.equal(u.revision, 3);
    const delAbsent = b.txn({
      compare: [{ key: s('/t/none'), end: NONE, target: 'MOD', result: 'EQUAL', number: 7, value: NONE }],
      success: [{ type: 'delete', delete: del('/t/none') }],
      failure: [{ type: 'range', range: range('/t/none') }],
    });
    assert.equal(delAbsent.result.succeeded, false, 'delete of an absent key with a revision fails (unlike Go kine)');
    const d = b.txn({
      compare: [{ key: s('/t/a'), end: NONE, target: 'MOD', result: 'EQUAL', number: 3, value: NONE }],
      success: [{ type: 'delete', delete: del('/t/a') }],
      failure: [{ type: 'range', range: range('/t/a') }],
    });
    assert.equal(d.result.succeeded, true);
    assert.equal(d.revision, 4);
    assert.equal(b.txn(createTxn('/t/a', 'v3')).result.succeeded, true, 'MOD == 0 holds for a deleted key');
  });

  it('serves the apiserver compaction shape with real versions', () => {
    const b = open();
    const compactTxn = (version: number, value: string): TxnRequest => ({
      compare: [{ key: s('compact_rev_key'), end: NONE, target: 'VERSION', result: 'EQUAL', number: version, value: NONE }],
      success: [{ type: 'put', put: put('compact_rev_key', value) }],
      failure: [{ type: 'range', range: range('compact_rev_key') }],
    });
    assert.equal(b.txn(compactTxn(0, '0')).result.succeeded, true);
    const fail = b.txn(compactTxn(0, '5')).result;
    assert.equal(fail.succeeded, false);
    const r = fail.responses[0];
    assert.ok(r?.type === 'range');
    assert.deepEqual({ v: r.range.kvs[0]?.version, val: r.range.kvs[0]?.value.toString(), key: r.range.kvs[0]?.key.toString() }, { v: 1, val: '0', key: 'compact_rev_key' });
    assert.equal(b.txn(compactTxn(1, '2')).result.succeeded, true);
  });

  it('serves general txns: several compares and ops, atomically', () => {
    const b = open();
    b.put(put('x', '1'));
    const t: TxnRequest = {
      compare: [
        { key: s('x'), end: NONE, target: 'VALUE', result: 'EQUAL', number: 0, value: s('1') },
        { key: s('y'), end: NONE, target: 'VERSION', result: 'EQUAL', number: 0, value: NONE },
      ],
      success: [{ type: 'put', put: put('y', 'Y') }, { type: 'put', put: put('z', 'Z') }, { type: 'range', range: range('y') }],
      failure: [],
    };
    const r = b.txn(t);
    assert.equal(r.result.succeeded, true);
    const read = r.result.responses[2];
    assert.ok(read?.type === 'range');
    assert.equal(read.range.kvs[0]?.value.toString(), 'Y', 'later ops see earlier writes');
    assert.throws(
      () => b.txn({ compare: [], success: [{ type: 'put', put: put('q', '1') }, { type: 'put', put: put('q', '2') }], failure: [] }),
      etcdError(/duplicate key given in txn request/),
    );
    assert.throws(
      () => b.txn({ compare: [], success: [{ type: 'put', put: put('ok', '1') }, { type: 'put', put: { ...put('w', '1'), lease: 99 } }], failure: [] }),
      etcdError(/requested lease not found/),
    );
    assert.equal(b.range(range('ok')).result.count, 0, 'a failed txn leaves nothing behind');
  });
});

describe('watch', () => {
  it('replays history from a revision, then streams live events, with prev_kv', () => {
    const b = open();
    b.put(put('/w/a', '1')); // 2
    b.put(put('/w/a', '2')); // 3
    b.put(put('/other', 'x')); // 4
    const got: { events: KvEvent[]; rev: number }[] = [];
    const res = b.watch({ key: s('/w/'), end: s('/w0') }, 2, { range: { key: s('/w/'), end: s('/w0') }, onEvents: (events, rev) => got.push({ events: [...events], rev }) });
    assert.equal(res.kind, 'started');
    b.deleteRange(del('/w/a')); // 5
    const flat = got.flatMap((g) => g.events.map((e) => `${e.type} ${e.kv.key.toString()}@${e.kv.modRevision} prev=${e.prevKv?.value.toString() ?? '-'}`));
    assert.deepEqual(flat, ['PUT /w/a@2 prev=-', 'PUT /w/a@3 prev=1', 'DELETE /w/a@5 prev=2']);
    assert.equal(got[0]?.rev, 4, 'catch-up carries the current revision');
  });

  it('delivers nothing below a future start revision', () => {
    const b = open();
    const got: string[] = [];
    b.watch({ key: s('/f'), end: NONE }, 4, { range: { key: s('/f'), end: NONE }, onEvents: (e) => got.push(...e.map((x) => x.kv.value.toString())) });
    for (const v of ['r2', 'r3', 'r4', 'r5']) b.put(put('/f', v));
    assert.deepEqual(got, ['r4', 'r5']);
  });

  it('refuses a start revision below the compaction', async () => {
    const b = open();
    for (let i = 0; i < 5; i++) b.put(put('/w', String(i)));
    await b.compact(4, true);
    const r = b.watch({ key: s('/w'), end: NONE }, 3, { range: { key: s('/w'), end: NONE }, onEvents: () => undefined });
    assert.deepEqual(r, { kind: 'compacted', compactRevision: 4 });
    const atCompaction = b.watch({ key: s('/w'), end: NONE }, 4, { range: { key: s('/w'), end: NONE }, onEvents: () => undefined });
    assert.deepEqual(atCompaction, { kind: 'compacted', compactRevision: 4 }, 'state at revision 3 is gone: relist (as Go kine)');
    assert.equal(b.watch({ key: s('/w'), end: NONE }, 5, { range: { key: s('/w'), end: NONE }, onEvents: () => undefined }).kind, 'started');
  });
});

describe('leases', () => {
  it('expire keys with DELETE events; keep-alive renews; revoke deletes', () => {
    const clock = { now: 1_000_000 };
    const b = open(clock);
    const l = b.leaseGrant(5, 0);
    assert.equal(l.ttl, 5);
    b.put(put('/l/a', '1', l.id));
    const events: KvEvent[] = [];
    b.watch({ key: s('/l/'), end: s('/l0') }, 0, { range: { key: s('/l/'), end: s('/l0') }, onEvents: (e) => events.push(...e) });
    clock.now += 4000;
    assert.equal(b.leaseKeepAlive(l.id), 5);
    clock.now += 4000;
    (b as unknown as { expireLeases(): void }).expireLeases();
    assert.equal(b.range(range('/l/a')).result.count, 1, 'renewed lease is still alive');
    clock.now += 2000;
    (b as unknown as { expireLeases(): void }).expireLeases();
    assert.equal(b.range(range('/l/a')).result.count, 0);
    assert.deepEqual(events.map((e) => `${e.type} ${e.kv.key.toString()} lease=${e.prevKv?.lease ?? 0}`), [`DELETE /l/a lease=${l.id}`]);
    assert.equal(b.leaseTimeToLive(l.id), undefined);
    assert.equal(b.leaseKeepAlive(l.id), 0);
    const l2 = b.leaseGrant(60, 0);
    b.put(put('/l/b', '1', l2.id));
    assert.deepEqual(b.leaseTimeToLive(l2.id)?.keys.map(String), ['/l/b']);
    b.leaseRevoke(l2.id);
    assert.equal(b.range(range('/l/b')).result.count, 0);
    assert.throws(() => b.leaseRevoke(l2.id), etcdError(/requested lease not found/));
    assert.equal(b.leaseGrant(1, 0).ttl, 2, 'minimum TTL as etcd');
    assert.throws(() => b.leaseGrant(10, b.leaseList()[0] ?? 0), etcdError(/lease already exists/));
  });
});

describe('group commit', () => {
  it('commits concurrent writes together, each answered with its own revision, failures isolated', async () => {
    const b = open();
    const events: KvEvent[] = [];
    const deliveries: number[] = [];
    b.watch({ key: s('/g/'), end: s('/g0') }, 0, {
      range: { key: s('/g/'), end: s('/g0') },
      onEvents: (e, rev) => {
        events.push(...e);
        deliveries.push(rev);
      },
    });
    const put1 = (k: string, lease = 0) => b.txnQueued({ compare: [], success: [{ type: 'put', put: put(k, 'v', lease) }], failure: [] });
    const results = await Promise.allSettled([put1('/g/a'), put1('/g/b', 424242), put1('/g/c'), put1('/g/a')]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value.revision : (r.reason as Error).message)),
      [2, 'etcdserver: requested lease not found', 3, 4],
    );
    assert.deepEqual(events.map((e) => `${e.kv.key.toString()}@${e.kv.modRevision}`), ['/g/a@2', '/g/c@3', '/g/a@4']);
    assert.deepEqual(deliveries, [4], 'the batch reaches a watcher in one delivery, at the batch revision');
    assert.equal(b.range(range('/g/a')).result.kvs[0]?.version, 2);
    assert.equal(b.range(range('/g/b')).result.count, 0);
    await assert.rejects(put1('/g/alone', 777), etcdError(/requested lease not found/));
    assert.equal(b.revision(), 4, 'a failed write alone leaves the revision as it was');
    assert.equal((await put1('/g/next')).revision, 5);
  });
});
