/** What only the PostgreSQL backend does: several kine processes on one database (the shared semantics are in backend/backend.test.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import type { KvEvent, TxnRequest } from '../types.js';
import { PgBackend } from './pg-backend.js';
import { PgLog } from './pg-log.js';
import { findPostgresBin, startTestPostgres, type TestPostgres } from './test-server.js';

const bin = findPostgresBin();
const putTxn = (key: string, value: string): TxnRequest => ({
  compare: [],
  success: [{ type: 'put', put: { key: Buffer.from(key), value: Buffer.from(value), lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } }],
  failure: [],
});

describe('PostgreSQL backend: two kine processes on one database', { skip: bin === undefined ? 'no PostgreSQL binaries' : false }, () => {
  let server: TestPostgres | undefined;
  before(() => {
    if (bin !== undefined) server = startTestPostgres(bin);
  });
  after(() => server?.stop());

  it('writers interleave without clashing, and each watcher sees every revision in order', async () => {
    if (server === undefined) throw new Error('no server');
    const open = async () => {
      const sql = await PgLog.open(server?.url('shared') ?? '', silentLogger());
      const b = new PgBackend(sql, { log: silentLogger(), pollIntervalMs: 20 });
      await b.start();
      return { sql, b };
    };
    const one = await open();
    const two = await open();
    const seen: Record<string, number[]> = { one: [], two: [] };
    const watchAll = (name: 'one' | 'two', b: PgBackend) =>
      b.watch({ key: Buffer.from('/m/'), end: Buffer.from('/m0') }, 0, {
        range: { key: Buffer.from('/m/'), end: Buffer.from('/m0') },
        onEvents: (events: readonly KvEvent[]) => seen[name]?.push(...events.map((e) => e.kv.modRevision)),
      });
    await watchAll('one', one.b);
    await watchAll('two', two.b);
    const revisions: number[] = [];
    for (let i = 0; i < 10; i++) {
      revisions.push((await (i % 2 === 0 ? one.b : two.b).txn(putTxn(`/m/${String(i % 3)}`, String(i)))).revision);
    }
    assert.deepEqual(revisions, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'a write catches up with the other process first');
    const deadline = Date.now() + 5000;
    while ((seen.one?.length ?? 0) < 10 || (seen.two?.length ?? 0) < 10) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(seen.one, revisions);
    assert.deepEqual(seen.two, revisions);
    const r = await two.b.range({
      key: Buffer.from('/m/'), end: Buffer.from('/m0'), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY', keysOnly: false, countOnly: false,
      minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0,
    });
    assert.deepEqual(r.result.kvs.map((kv) => `${kv.key.toString()}=${kv.value.toString()} v${String(kv.version)}`), ['/m/0=9 v4', '/m/1=7 v3', '/m/2=8 v3']);
    for (const p of [one, two]) {
      await p.b.stop();
      await p.sql.close();
    }
  });
});
