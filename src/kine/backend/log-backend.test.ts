/** What only the SQLite backend does: group commit (the shared semantics are in backend.test.ts). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { EtcdError } from '../errors.js';
import { SqlLog } from '../sqlite/sql-log.js';
import type { KvEvent, RangeRequest } from '../types.js';
import { LogBackend } from './log-backend.js';

const s = (x: string): Buffer => Buffer.from(x);

function range(key: string, end = '', extra: Partial<RangeRequest> = {}): RangeRequest {
  return {
    key: s(key), end: end === '\0' ? Buffer.from([0]) : s(end), limit: 0, revision: 0, sortOrder: 'NONE', sortTarget: 'KEY',
    keysOnly: false, countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0, ...extra,
  };
}
const put = (key: string, value: string, lease = 0) => ({ key: s(key), value: s(value), lease, prevKv: true, ignoreValue: false, ignoreLease: false });

let dirs: string[] = [];
let backends: LogBackend[] = [];
function open(clock?: { now: number }): LogBackend {
  const dir = mkdtempSync(join(tmpdir(), 'kine-backend-'));
  dirs.push(dir);
  const sql = SqlLog.open(join(dir, 'state.db'), { durability: 'NORMAL' });
  const b = new LogBackend(sql, { log: silentLogger(), compactBatchSize: 10, now: clock ? () => clock.now : undefined, leaseCheckIntervalMs: 3_600_000 });
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
    const put1 = (k: string, lease = 0) => b.txn({ compare: [], success: [{ type: 'put', put: put(k, 'v', lease) }], failure: [] });
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
