import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { Backend } from '../backend/backend.js';
import type { BidiCall } from '../grpc/server.js';
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
const backend = new Backend(sql, { log: silentLogger() });
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
