import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import type { Backend } from '../backend/backend.js';
import { LogBackend } from '../backend/log-backend.js';
import type { BidiCall } from '../grpc/grpc-server.js';
import { SqlLog } from '../sqlite/sql-log.js';
import { WatchSession } from './watch.js';

/** A stream stand-in: records writes; `pending` simulates a client that stopped reading. */
class FakeCall implements BidiCall {
  pending = 0;
  readonly sent: Record<string, unknown>[] = [];
  private drained: (() => void)[] = [];
  write(m: Record<string, unknown>): void {
    this.sent.push(m);
  }
  onDrained(fn: () => void): void {
    this.drained.push(fn);
  }
  drain(): void {
    this.pending = 0;
    const fns = this.drained;
    this.drained = [];
    for (const f of fns) f();
  }
  end(): void {
    // nothing to end
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kine-watch-'));
const sql = SqlLog.open(join(dir, 'state.db'), { durability: 'NORMAL' });
const backend = new LogBackend(sql, { log: silentLogger() });
backend.start();
after(async () => {
  await backend.stop();
  sql.close();
  rmSync(dir, { recursive: true, force: true });
});

const put = (key: string, value: string): void => {
  backend.put({ key: Buffer.from(key), value: Buffer.from(value), lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false });
};
const eventsOf = (m: Record<string, unknown>): string[] =>
  ((m.events as { kv: { key: Buffer; mod_revision: number } }[] | undefined) ?? []).map((e) => `${e.kv.key.toString()}@${e.kv.mod_revision}`);

describe('WatchSession', () => {
  it('sends created, then events; answers progress requests with the current revision', () => {
    const call = new FakeCall();
    const s = new WatchSession(call, { backend, log: silentLogger(), progressIntervalMs: 0, maxResponseBytes: 1 << 20 });
    s.handle({ create_request: { key: Buffer.from('/a/'), range_end: Buffer.from('/a0') } });
    put('/a/1', 'x');
    s.handle({ progress_request: {} });
    s.handle({ cancel_request: { watch_id: '0' } });
    put('/a/2', 'y');
    s.close();
    assert.deepEqual(
      call.sent.map((m) => [m.watch_id, m.created ?? false, m.canceled ?? false, eventsOf(m).join(','), (m.header as { revision: number }).revision]),
      [
        [0, true, false, '', 1],
        [0, false, false, '/a/1@2', 2],
        [-1, false, false, '', 2],
        [0, false, true, '', 2],
      ],
    );
  });

  it('stops taking live events while the client does not read, then replays them on drain', () => {
    const call = new FakeCall();
    const s = new WatchSession(call, { backend, log: silentLogger(), progressIntervalMs: 0, maxResponseBytes: 1 << 20 });
    s.handle({ create_request: { key: Buffer.from('/b/'), range_end: Buffer.from('/b0'), prev_kv: true } });
    call.pending = 5000;
    put('/b/1', '1');
    put('/b/2', '2');
    s.handle({ progress_request: {} });
    assert.equal(call.sent.length, 1, 'only the created response: no events, no progress while lagging');
    call.drain();
    put('/b/3', '3');
    s.close();
    const events = call.sent.flatMap(eventsOf);
    const rev = backend.revision();
    assert.deepEqual(events, [`/b/1@${rev - 2}`, `/b/2@${rev - 1}`, `/b/3@${rev}`]);
  });
});

/** The SQLite backend starting watches a turn later, as an asynchronous (PostgreSQL) backend does. */
function deferredWatches(b: LogBackend): Backend {
  const later = <T>(fn: () => T): Promise<T> => new Promise((res) => setImmediate(() => res(fn())));
  return {
    start: () => b.start(),
    stop: () => b.stop(),
    currentRevision: () => b.currentRevision(),
    compactRevision: () => b.compactRevision(),
    range: (r) => b.range(r),
    txn: (t) => b.txn(t),
    compact: (r, p) => b.compact(r, p),
    watch: (r, start, l) => later(() => b.watch(r, start, l)),
    replay: (r, from, sink) => later(() => b.replay(r, from, sink)),
    dbSize: () => b.dbSize(),
    leaseGrant: (ttl, id) => b.leaseGrant(ttl, id),
    leaseRevoke: (id) => b.leaseRevoke(id),
    leaseKeepAlive: (id) => b.leaseKeepAlive(id),
    leaseTimeToLive: (id) => b.leaseTimeToLive(id),
    leaseList: () => b.leaseList(),
  };
}
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WatchSession on an asynchronous backend', () => {
  it('answers no progress request until the watch has replayed its history', async () => {
    put('/c/1', '1');
    const from = backend.revision();
    const call = new FakeCall();
    const s = new WatchSession(call, { backend: deferredWatches(backend), log: silentLogger(), progressIntervalMs: 0, maxResponseBytes: 1 << 20 });
    s.handle({ create_request: { key: Buffer.from('/c/'), range_end: Buffer.from('/c0'), start_revision: String(from) } });
    s.handle({ progress_request: {} });
    assert.deepEqual(call.sent.map((m) => m.created ?? false), [true], 'created only: the replay is still running');
    await nextTurn();
    s.handle({ progress_request: {} });
    put('/c/2', '2');
    s.close();
    assert.deepEqual(call.sent.map((m) => [m.watch_id, eventsOf(m).join(',')]), [
      [0, ''],
      [0, `/c/1@${from}`],
      [-1, ''],
      [0, `/c/2@${from + 1}`],
    ]);
  });

  it('a watch cancelled while it starts gets no events', async () => {
    const call = new FakeCall();
    const s = new WatchSession(call, { backend: deferredWatches(backend), log: silentLogger(), progressIntervalMs: 0, maxResponseBytes: 1 << 20 });
    s.handle({ create_request: { key: Buffer.from('/d/'), range_end: Buffer.from('/d0') } });
    s.handle({ cancel_request: { watch_id: '0' } });
    await nextTurn();
    put('/d/1', '1');
    s.close();
    assert.deepEqual(call.sent.map((m) => [m.created ?? false, m.canceled ?? false, eventsOf(m).join(',')]), [[true, false, ''], [false, true, '']]);
    assert.equal(backend.watcherCount(), 0);
  });

  it('drops live events while it replays what a lagging client missed, so none is sent twice or out of order', async () => {
    const call = new FakeCall();
    const s = new WatchSession(call, { backend: deferredWatches(backend), log: silentLogger(), progressIntervalMs: 0, maxResponseBytes: 1 << 20 });
    s.handle({ create_request: { key: Buffer.from('/e/'), range_end: Buffer.from('/e0') } });
    await nextTurn();
    call.pending = 5000;
    put('/e/1', '1');
    call.drain();
    put('/e/2', '2'); // published before the deferred replay runs: the replay covers it
    await nextTurn();
    put('/e/3', '3');
    s.close();
    const rev = backend.revision();
    assert.deepEqual(call.sent.flatMap(eventsOf), [`/e/1@${rev - 2}`, `/e/2@${rev - 1}`, `/e/3@${rev}`]);
  });
});
