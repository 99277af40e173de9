/**
 * The Backend contract: the same etcd revision semantics from every backend (SQLite always;
 * PostgreSQL when its binaries are installed: a private server on a unix socket).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { EtcdError } from '../errors.js';
import { PgBackend } from '../postgres/pg-backend.js';
import { PgLog } from '../postgres/pg-log.js';
import { findPostgresBin, startTestPostgres, type TestPostgres } from '../postgres/test-server.js';
import { SqlLog } from '../sqlite/sql-log.js';
import type { DeleteRequest, DeleteResult, KvEvent, PutRequest, PutResult, RangeRequest, Revisioned, TxnRequest } from '../types.js';
import type { Backend } from './backend.js';
import { LogBackend } from './log-backend.js';

const s = (x: string): Buffer => Buffer.from(x);
const NONE = Buffer.alloc(0);

function range(key: string, end = '', extra: Partial<RangeRequest> = {}): RangeRequest {
  return {
    key: s(key), end: end === '\0' ? Buffer.from([0]) : s(end), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY',
    keysOnly: false, countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0, ...extra,
  };
}
const put = (key: string, value: string, lease = 0): PutRequest => ({ key: s(key), value: s(value), lease, prevKv: true, ignoreValue: false, ignoreLease: false });
const del = (key: string, end = ''): DeleteRequest => ({ key: s(key), end: s(end), prevKv: true });

async function putKv(b: Backend, p: PutRequest): Promise<Revisioned<PutResult>> {
  const r = await b.txn({ compare: [], success: [{ type: 'put', put: p }], failure: [] });
  const op = r.result.responses[0];
  return { revision: r.revision, result: op?.type === 'put' ? op.put : { prevKv: undefined } };
}
async function deleteKv(b: Backend, d: DeleteRequest): Promise<Revisioned<DeleteResult>> {
  const r = await b.txn({ compare: [], success: [{ type: 'delete', delete: d }], failure: [] });
  const op = r.result.responses[0];
  return { revision: r.revision, result: op?.type === 'delete' ? op.delete : { deleted: 0, prevKvs: [] } };
}

function etcdError(message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof EtcdError && message.test(err.message);
}

/** A backend under test with a view of its log. */
interface Harness {
  readonly b: Backend;
  /** Rows of any kind in [start, end) with from <= id <= to. */
  rowCount(start: string, end: string | undefined, from: number, to: number): Promise<number>;
  compactedThrough(): number;
  expireLeases(): Promise<void>;
  close(): Promise<void>;
}
type Opener = (clock?: { now: number }) => Promise<Harness>;
const options = (clock?: { now: number }) => ({
  log: silentLogger(), compactBatchSize: 10, now: clock ? () => clock.now : undefined, leaseCheckIntervalMs: 3_600_000,
});

const openSqlite: Opener = (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'kine-backend-'));
  const sql = SqlLog.open(join(dir, 'state.db'), { durability: 'NORMAL' });
  const b = new LogBackend(sql, options(clock));
  b.start();
  return Promise.resolve({
    b,
    rowCount: (start, end, from, to) => Promise.resolve(sql.after(start, end, from, to, 1_000_000).length),
    compactedThrough: () => sql.compactedThroughRevision(),
    expireLeases: () => {
      (b as unknown as { expireLeases(): void }).expireLeases();
      return Promise.resolve();
    },
    close: async () => {
      await b.stop();
      sql.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
};

let pgServer: TestPostgres | undefined;
let pgDatabases = 0;
const openPostgres: Opener = async (clock) => {
  if (pgServer === undefined) throw new Error('no PostgreSQL server');
  const sql = await PgLog.open(pgServer.url(`contract${String(++pgDatabases)}`), silentLogger());
  const b = new PgBackend(sql, { ...options(clock), pollIntervalMs: 0 });
  await b.start();
  return {
    b,
    rowCount: async (start, end, from, to) => (await sql.after(start, end, from, to, 1_000_000)).length,
    compactedThrough: () => sql.compactedThroughRevision(),
    expireLeases: () => (b as unknown as { expireLeases(): Promise<void> }).expireLeases(),
    close: async () => {
      await b.stop();
      await sql.close();
    },
  };
};

const pgBin = findPostgresBin();
const BACKENDS: { name: string; open: Opener; skip: string | false }[] = [
  { name: 'sqlite', open: openSqlite, skip: false },
  { name: 'postgres', open: openPostgres, skip: pgBin === undefined ? 'no PostgreSQL binaries (set PG_BIN or install postgresql)' : false },
];

before(() => {
  if (pgBin !== undefined) pgServer = startTestPostgres(pgBin);
});
after(() => {
  pgServer?.stop();
});

for (const backend of BACKENDS) {
  describe(`backend contract: ${backend.name}`, { skip: backend.skip }, () => {
    let open: Opener = () => Promise.reject(new Error('unset'));
    let opened: Harness[] = [];
    before(() => {
      open = async (clock) => {
        const h = await backend.open(clock);
        opened.push(h);
        return h;
      };
    });
    afterEach(async () => {
      for (const h of opened) await h.close();
      opened = [];
    });
    contract(() => open);
  });
}

function contract(getOpen: () => Opener): void {
  const open: Opener = (clock) => getOpen()(clock);
  describe('revision semantics', () => {
    it('starts at revision 1 and gives every write the next revision', async () => {
      const h = await open();
      const b = h.b;
      assert.equal(b.currentRevision(), 1);
      assert.equal((await putKv(b, put('/a', '1'))).revision, 2);
      assert.equal((await putKv(b, put('/b', '1'))).revision, 3);
      const r = (await putKv(b, put('/a', '2')));
      assert.equal(r.revision, 4);
      assert.deepEqual(
        { mod: r.result.prevKv?.modRevision, ver: r.result.prevKv?.version, val: r.result.prevKv?.value.toString() },
        { mod: 2, ver: 1, val: '1' },
      );
      const kv = (await b.range(range('/a'))).result.kvs[0];
      assert.deepEqual({ c: kv?.createRevision, m: kv?.modRevision, v: kv?.version }, { c: 2, m: 4, v: 2 });
    });

    it('tracks real per-key versions, reset by delete', async () => {
      const h = await open();
      const b = h.b;
      await putKv(b, put('k', '1'));
      await putKv(b, put('k', '2'));
      await putKv(b, put('k', '3'));
      assert.equal((await b.range(range('k'))).result.kvs[0]?.version, 3);
      await deleteKv(b, del('k'));
      assert.equal((await b.range(range('k'))).result.count, 0);
      const re = (await putKv(b, put('k', '4')));
      const kv = (await b.range(range('k'))).result.kvs[0];
      assert.deepEqual({ v: kv?.version, c: kv?.createRevision }, { v: 1, c: re.revision });
    });

    it('reads history: values as of a revision, deleted keys hidden after their deletion only', async () => {
      const h = await open();
      const b = h.b;
      await putKv(b, put('/h/a', 'a1')); // 2
      await putKv(b, put('/h/b', 'b1')); // 3
      await putKv(b, put('/h/a', 'a2')); // 4
      await deleteKv(b, del('/h/b')); // 5
      const at = async (rev: number) => (await b.range(range('/h/', '/h0', { revision: rev }))).result.kvs.map((kv) => `${kv.key.toString()}=${kv.value.toString()}`);
      assert.deepEqual(await at(3), ['/h/a=a1', '/h/b=b1']);
      assert.deepEqual(await at(4), ['/h/a=a2', '/h/b=b1']);
      assert.deepEqual(await at(5), ['/h/a=a2']);
      assert.equal((await b.range(range('/h/', '/h0', { revision: 3 }))).revision, 5, 'header carries the current revision');
    });

    it('limits with more/count, count_only, keys_only and continue keys', async () => {
      const h = await open();
      const b = h.b;
      for (const k of ['a', 'b', 'c', 'd', 'e']) (await putKv(b, put(`/p/${k}`, k)));
      const r = (await b.range(range('/p/', '/p0', { limit: 2 }))).result;
      assert.deepEqual(r.kvs.map((kv) => kv.key.toString()), ['/p/a', '/p/b']);
      assert.equal(r.more, true);
      assert.equal(r.count, 5);
      const next = (await b.range({ ...range('/p/', '/p0', { limit: 2 }), key: Buffer.concat([s('/p/b'), Buffer.from([0])]) })).result;
      assert.deepEqual(next.kvs.map((kv) => kv.key.toString()), ['/p/c', '/p/d']);
      assert.equal(next.count, 3);
      const all = (await b.range(range('/p/', '/p0', { limit: 5 }))).result;
      assert.equal(all.more, false);
      assert.equal(all.count, 5);
      assert.deepEqual((await b.range(range('/p/', '/p0', { countOnly: true }))).result, { kvs: [], more: false, count: 5 });
      assert.equal((await b.range(range('/p/', '/p0', { keysOnly: true }))).result.kvs[0]?.value.length, 0);
      assert.deepEqual((await b.range(range('/p/c', '\0'))).result.kvs.map((kv) => kv.key.toString()), ['/p/c', '/p/d', '/p/e']);
    });

    it('sorts and filters like etcd', async () => {
      const h = await open();
      const b = h.b;
      await putKv(b, put('/s/b', '1'));
      await putKv(b, put('/s/a', '2'));
      await putKv(b, put('/s/c', '0'));
      const keys = async (extra: Partial<RangeRequest>) => (await b.range(range('/s/', '/s0', extra))).result.kvs.map((kv) => kv.key.toString());
      assert.deepEqual(await keys({ sortOrder: 'DESCEND' }), ['/s/c', '/s/b', '/s/a']);
      assert.deepEqual(await keys({ sortTarget: 'MOD' }), ['/s/b', '/s/a', '/s/c']);
      assert.deepEqual(await keys({ sortTarget: 'VALUE', sortOrder: 'DESCEND', limit: 2 }), ['/s/a', '/s/b']);
      assert.deepEqual(await keys({ minModRevision: 3 }), ['/s/a', '/s/c']);
    });

    it('rejects future and compacted revisions with etcd errors', async () => {
      const h = await open();
      const b = h.b;
      for (let i = 0; i < 30; i++) (await putKv(b, put('/c/x', String(i))));
      await assert.rejects(async () => (await b.range(range('/c/x', '', { revision: 100 }))), etcdError(/required revision is a future revision/));
      await b.compact(20, true);
      await assert.rejects(async () => (await b.range(range('/c/x', '', { revision: 19 }))), etcdError(/required revision has been compacted/));
      assert.equal((await b.range(range('/c/x', '', { revision: 20 }))).result.kvs[0]?.value.toString(), '18');
      await assert.rejects(b.compact(20, false), etcdError(/has been compacted/));
      await assert.rejects(b.compact(1000, false), etcdError(/future revision/));
      assert.equal((await b.range(range('/c/x'))).result.kvs[0]?.version, 30);
    });

    it('compaction removes superseded rows and tombstones only', async () => {
      const h = await open();
      const b = h.b;
      await putKv(b, put('/d/a', '1')); // 2
      await putKv(b, put('/d/a', '2')); // 3
      await putKv(b, put('/d/b', '1')); // 4
      await deleteKv(b, del('/d/b')); // 5
      await putKv(b, put('/d/c', '1')); // 6
      await b.compact(6, true);
      const rows = (await b.range(range('/d/', '/d0'))).result.kvs.map((kv) => `${kv.key.toString()}@${kv.modRevision}`);
      assert.deepEqual(rows, ['/d/a@3', '/d/c@6']);
      assert.equal(await h.rowCount('/d/', '/d0', 0, 100), 2, 'rows 2, 4 and 5 are gone');
    });
  });

  describe('compaction under churn', () => {
    it('keeps the table bounded: only the newest row per key survives', async () => {
      const h = await open();
      const b = h.b;
      for (let i = 0; i < 2000; i++) (await putKv(b, put(`/churn/${i % 20}`, String(i))));
      for (let i = 0; i < 5; i++) (await deleteKv(b, del(`/churn/${i}`)));
      const rev = b.currentRevision();
      await b.compact(rev, true);
      assert.equal(await h.rowCount('', undefined, 0, rev), 15 + 1, '15 live keys + the last tombstone (at the compact revision)');
      assert.equal((await b.range(range('/churn/', '/churn0', { countOnly: true }))).result.count, 15);
      assert.equal((await b.range(range('/churn/19'))).result.kvs[0]?.version, 100);
      assert.equal(h.compactedThrough(), rev, 'done in bounded batches of 10 revisions');
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

    it('serves the apiserver create/update/delete shapes', async () => {
      const h = await open();
      const b = h.b;
      const c = (await b.txn(createTxn('/t/a', 'v1')));
      assert.equal(c.result.succeeded, true);
      assert.equal(c.revision, 2);
      assert.equal((await b.txn(createTxn('/t/a', 'again'))).result.succeeded, false);
      const stale = (await b.txn(updateTxn('/t/a', 1, 'v2')));
      assert.equal(stale.result.succeeded, false);
      const cur = stale.result.responses[0];
      assert.ok(cur?.type === 'range');
      assert.equal(cur.range.kvs[0]?.modRevision, 2);
      const u = (await b.txn(updateTxn('/t/a', 2, 'v2')));
      assert.equal(u.result.succeeded, true);
      assert.equal(u.revision, 3);
      const delAbsent = (await b.txn({
        compare: [{ key: s('/t/none'), end: NONE, target: 'MOD', result: 'EQUAL', number: 7, value: NONE }],
        success: [{ type: 'delete', delete: del('/t/none') }],
        failure: [{ type: 'range', range: range('/t/none') }],
      }));
      assert.equal(delAbsent.result.succeeded, false, 'delete of an absent key with a revision fails (unlike Go kine)');
      const d = (await b.txn({
        compare: [{ key: s('/t/a'), end: NONE, target: 'MOD', result: 'EQUAL', number: 3, value: NONE }],
        success: [{ type: 'delete', delete: del('/t/a') }],
        failure: [{ type: 'range', range: range('/t/a') }],
      }));
      assert.equal(d.result.succeeded, true);
      assert.equal(d.revision, 4);
      assert.equal((await b.txn(createTxn('/t/a', 'v3'))).result.succeeded, true, 'MOD == 0 holds for a deleted key');
    });

    it('serves the apiserver compaction shape with real versions', async () => {
      const h = await open();
      const b = h.b;
      const compactTxn = (version: number, value: string): TxnRequest => ({
        compare: [{ key: s('compact_rev_key'), end: NONE, target: 'VERSION', result: 'EQUAL', number: version, value: NONE }],
        success: [{ type: 'put', put: put('compact_rev_key', value) }],
        failure: [{ type: 'range', range: range('compact_rev_key') }],
      });
      assert.equal((await b.txn(compactTxn(0, '0'))).result.succeeded, true);
      const fail = (await b.txn(compactTxn(0, '5'))).result;
      assert.equal(fail.succeeded, false);
      const r = fail.responses[0];
      assert.ok(r?.type === 'range');
      assert.deepEqual({ v: r.range.kvs[0]?.version, val: r.range.kvs[0]?.value.toString(), key: r.range.kvs[0]?.key.toString() }, { v: 1, val: '0', key: 'compact_rev_key' });
      assert.equal((await b.txn(compactTxn(1, '2'))).result.succeeded, true);
    });

    it('serves general txns: several compares and ops, atomically', async () => {
      const h = await open();
      const b = h.b;
      await putKv(b, put('x', '1'));
      const t: TxnRequest = {
        compare: [
          { key: s('x'), end: NONE, target: 'VALUE', result: 'EQUAL', number: 0, value: s('1') },
          { key: s('y'), end: NONE, target: 'VERSION', result: 'EQUAL', number: 0, value: NONE },
        ],
        success: [{ type: 'put', put: put('y', 'Y') }, { type: 'put', put: put('z', 'Z') }, { type: 'range', range: range('y') }],
        failure: [],
      };
      const r = (await b.txn(t));
      assert.equal(r.result.succeeded, true);
      const read = r.result.responses[2];
      assert.ok(read?.type === 'range');
      assert.equal(read.range.kvs[0]?.value.toString(), 'Y', 'later ops see earlier writes');
      await assert.rejects(
        async () => (await b.txn({ compare: [], success: [{ type: 'put', put: put('q', '1') }, { type: 'put', put: put('q', '2') }], failure: [] })),
        etcdError(/duplicate key given in txn request/),
      );
      await assert.rejects(
        async () => (await b.txn({ compare: [], success: [{ type: 'put', put: put('ok', '1') }, { type: 'put', put: { ...put('w', '1'), lease: 99 } }], failure: [] })),
        etcdError(/requested lease not found/),
      );
      assert.equal((await b.range(range('ok'))).result.count, 0, 'a failed txn leaves nothing behind');
    });
  });

  describe('watch', () => {
    it('replays history from a revision, then streams live events, with prev_kv', async () => {
      const h = await open();
      const b = h.b;
      await putKv(b, put('/w/a', '1')); // 2
      await putKv(b, put('/w/a', '2')); // 3
      await putKv(b, put('/other', 'x')); // 4
      const got: { events: KvEvent[]; rev: number }[] = [];
      const res = (await b.watch({ key: s('/w/'), end: s('/w0') }, 2, { range: { key: s('/w/'), end: s('/w0') }, onEvents: (events, rev) => got.push({ events: [...events], rev }) }));
      assert.equal(res.kind, 'started');
      await deleteKv(b, del('/w/a')); // 5
      const flat = got.flatMap((g) => g.events.map((e) => `${e.type} ${e.kv.key.toString()}@${e.kv.modRevision} prev=${e.prevKv?.value.toString() ?? '-'}`));
      assert.deepEqual(flat, ['PUT /w/a@2 prev=-', 'PUT /w/a@3 prev=1', 'DELETE /w/a@5 prev=2']);
      assert.equal(got[0]?.rev, 4, 'catch-up carries the current revision');
    });

    it('delivers nothing below a future start revision', async () => {
      const h = await open();
      const b = h.b;
      const got: string[] = [];
      (await b.watch({ key: s('/f'), end: NONE }, 4, { range: { key: s('/f'), end: NONE }, onEvents: (e) => got.push(...e.map((x) => x.kv.value.toString())) }));
      for (const v of ['r2', 'r3', 'r4', 'r5']) (await putKv(b, put('/f', v)));
      assert.deepEqual(got, ['r4', 'r5']);
    });

    it('refuses a start revision below the compaction', async () => {
      const h = await open();
      const b = h.b;
      for (let i = 0; i < 5; i++) (await putKv(b, put('/w', String(i))));
      await b.compact(4, true);
      const r = (await b.watch({ key: s('/w'), end: NONE }, 3, { range: { key: s('/w'), end: NONE }, onEvents: () => undefined }));
      assert.deepEqual(r, { kind: 'compacted', compactRevision: 4 });
      const atCompaction = (await b.watch({ key: s('/w'), end: NONE }, 4, { range: { key: s('/w'), end: NONE }, onEvents: () => undefined }));
      assert.deepEqual(atCompaction, { kind: 'compacted', compactRevision: 4 }, 'state at revision 3 is gone: relist (as Go kine)');
      assert.equal((await b.watch({ key: s('/w'), end: NONE }, 5, { range: { key: s('/w'), end: NONE }, onEvents: () => undefined })).kind, 'started');
    });
  });

  describe('leases', () => {
    it('expire keys with DELETE events; keep-alive renews; revoke deletes', async () => {
      const clock = { now: 1_000_000 };
      const h = await open(clock);
      const b = h.b;
      const l = (await b.leaseGrant(5, 0));
      assert.equal(l.ttl, 5);
      await putKv(b, put('/l/a', '1', l.id));
      const events: KvEvent[] = [];
      (await b.watch({ key: s('/l/'), end: s('/l0') }, 0, { range: { key: s('/l/'), end: s('/l0') }, onEvents: (e) => events.push(...e) }));
      clock.now += 4000;
      assert.equal(b.leaseKeepAlive(l.id), 5);
      clock.now += 4000;
      await h.expireLeases();
      assert.equal((await b.range(range('/l/a'))).result.count, 1, 'renewed lease is still alive');
      clock.now += 2000;
      await h.expireLeases();
      assert.equal((await b.range(range('/l/a'))).result.count, 0);
      assert.deepEqual(events.map((e) => `${e.type} ${e.kv.key.toString()} lease=${e.prevKv?.lease ?? 0}`), [`DELETE /l/a lease=${l.id}`]);
      assert.equal(b.leaseTimeToLive(l.id), undefined);
      assert.equal(b.leaseKeepAlive(l.id), 0);
      const l2 = (await b.leaseGrant(60, 0));
      await putKv(b, put('/l/b', '1', l2.id));
      assert.deepEqual(b.leaseTimeToLive(l2.id)?.keys.map(String), ['/l/b']);
      (await b.leaseRevoke(l2.id));
      assert.equal((await b.range(range('/l/b'))).result.count, 0);
      await assert.rejects(async () => (await b.leaseRevoke(l2.id)), etcdError(/requested lease not found/));
      assert.equal((await b.leaseGrant(1, 0)).ttl, 2, 'minimum TTL as etcd');
      await assert.rejects(async () => (await b.leaseGrant(10, b.leaseList()[0] ?? 0)), etcdError(/lease already exists/));
    });
  });}
