import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { WalCheckpointer } from './checkpointer.js';
import { SqlLog } from './sql-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kine-ckpt-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

/** 1500 single-row commits of ~4 KiB each (~10 WAL pages), in bursts of 100 with a 40 ms pause between. */
async function churn(sql: SqlLog): Promise<void> {
  const value = Buffer.alloc(4000, 7);
  for (let i = 0; i < 1500; i++) {
    sql.transaction(() =>
      sql.insert({ name: `/registry/x/${String(i)}`, created: true, deleted: false, createRevision: 0, prevRevision: 0, lease: 0, value, oldValue: null, version: 1 }),
    );
    if (i % 100 === 99) await sleep(40);
  }
  await sleep(100);
}

describe('WalCheckpointer', () => {
  it('checkpoints while writes pause, so the WAL restarts instead of growing', async () => {
    const bare = SqlLog.open(tempDb(), { durability: 'NORMAL' });
    // a worker that never wakes: only the raised in-COMMIT threshold applies, which 1500 commits do not reach
    const idle = await WalCheckpointer.start({ dbPath: bare.path, log: silentLogger(), pollMs: 3_600_000 }, () => undefined);
    bare.attachCheckpointer(idle);
    await churn(bare);
    const grown = statSync(`${bare.path}-wal`).size;
    await idle.stop();
    bare.close();

    const sql = SqlLog.open(tempDb(), { durability: 'NORMAL' });
    const c = await WalCheckpointer.start({ dbPath: sql.path, log: silentLogger(), minCommits: 50, pollMs: 5 }, () => undefined);
    sql.attachCheckpointer(c);
    await churn(sql);
    const kept = statSync(`${sql.path}-wal`).size;
    assert.ok(c.running);
    await c.stop();
    assert.equal(c.running, false);
    sql.detachCheckpointer();
    sql.close();
    assert.ok(grown > 16 << 20, `without checkpoints the WAL should pass 16 MiB (was ${String(grown)} bytes)`);
    assert.ok(kept < grown / 4, `with the worker the WAL should stay under a quarter of that (was ${String(kept)} of ${String(grown)} bytes)`);
  });

  it('rejects, with the file named, when the database cannot be opened', async () => {
    const missing = join(tempDb(), 'no', 'such', 'dir', 'state.db');
    await assert.rejects(WalCheckpointer.start({ dbPath: missing, log: silentLogger() }, () => undefined), /directory does not exist|unable to open|no such/i);
  });

  it('rejects, leaving nothing running, when the worker cannot load its driver', async () => {
    await assert.rejects(
      WalCheckpointer.start({ dbPath: tempDb(), log: silentLogger(), driver: '/nonexistent/better-sqlite3.js' }, () => undefined),
      /Cannot find module/,
    );
  });

  it('tells its owner when the worker dies on its own', async () => {
    const sql = SqlLog.open(tempDb(), { durability: 'NORMAL' });
    let told = false;
    const c = await WalCheckpointer.start({ dbPath: sql.path, log: silentLogger() }, () => {
      told = true;
      sql.detachCheckpointer();
    });
    sql.attachCheckpointer(c);
    c.kill();
    for (let i = 0; i < 100 && c.running; i++) await sleep(10);
    assert.equal(c.running, false);
    assert.equal(told, true);
    // commits still work, checkpointing inline again
    sql.transaction(() => sql.insert({ name: '/a', created: true, deleted: false, createRevision: 0, prevRevision: 0, lease: 0, value: Buffer.from('v'), oldValue: null, version: 1 }));
    sql.checkpoint();
    sql.close();
  });
});
