/**
 * Bad input: malformed and oversized requests, unknown RPCs, non-UTF-8 keys, bad flags, a corrupt
 * or unusable database file, a busy listen address. Each gets a clear error; the server keeps
 * serving and no data is touched.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { rawClient, waitForEtcdApi, type RawClient } from './kine/client.js';
import { freePort, killAll, removeDir, startKineProcess, stopProcess, tempDir } from './kine/harness.js';

function rawCall(target: string, path: string, payload: Buffer): Promise<{ code: status; details: string }> {
  const client = new Client(target, credentials.createInsecure());
  return new Promise((res) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      payload,
      (err: ServiceError | null) => {
        client.close();
        res({ code: err?.code ?? status.OK, details: err?.details ?? '' });
      },
    );
  });
}

async function expectError(p: Promise<unknown>, code: status, details: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    const e = err as ServiceError;
    assert.equal(e.code, code, `code of: ${e.details}`);
    assert.match(e.details, details);
    return true;
  });
}

describe('kine under bad input', { timeout: 120_000 }, () => {
  let dir = '';
  let target = '';
  let c: RawClient;

  before(async () => {
    dir = tempDir('kine-bad');
    const port = await freePort();
    target = `127.0.0.1:${port}`;
    startKineProcess(dir, target);
    await waitForEtcdApi(`http://${target}`);
    c = rawClient(`http://${target}`);
    await c.call('KV', 'Put', { key: Buffer.from('/keep'), value: Buffer.from('safe') });
  });

  after(async () => {
    c.close();
    await killAll();
    removeDir(dir);
  });

  it('answers unknown RPCs with UNIMPLEMENTED', async () => {
    for (const path of ['/etcdserverpb.Auth/Authenticate', '/etcdserverpb.Maintenance/Defragment', '/etcdserverpb.KV/RangeStream', '/nope.Service/Method']) {
      const r = await rawCall(target, path, Buffer.alloc(0));
      assert.equal(r.code, status.UNIMPLEMENTED, path);
    }
  });

  it('rejects bytes that are not a protobuf message without crashing', async () => {
    const r = await rawCall(target, '/etcdserverpb.KV/Range', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    assert.notEqual(r.code, status.OK);
    assert.notEqual(r.code, status.UNAVAILABLE);
  });

  it('maps invalid field values to InvalidArgument / etcd errors', async () => {
    await expectError(c.call('KV', 'Range', { key: Buffer.from('/x'), sort_order: 9 }), status.INVALID_ARGUMENT, /^etcdserver: invalid sort option$/);
    await expectError(c.call('KV', 'Range', { key: Buffer.from('/x'), revision: '9007199254740993' }), status.INVALID_ARGUMENT, /revision out of range/);
    await expectError(c.call('KV', 'Range', {}), status.INVALID_ARGUMENT, /^etcdserver: key is not provided$/);
    await expectError(c.call('KV', 'Put', { key: Buffer.from([0x2f, 0xff, 0xfe]), value: Buffer.from('v') }), status.INVALID_ARGUMENT, /not valid UTF-8/);
    await expectError(c.call('KV', 'Txn', { success: [{}] }), status.INVALID_ARGUMENT, /^etcdserver: key not found$/);
    await expectError(c.call('KV', 'Put', { key: Buffer.from('/big'), value: Buffer.alloc(1_600_000) }), status.INVALID_ARGUMENT, /^etcdserver: request is too large$/);
    await expectError(c.call('Lease', 'LeaseGrant', { TTL: '9000000001' }), status.OUT_OF_RANGE, /^etcdserver: too large lease TTL$/);
    await expectError(c.call('KV', 'Put', { key: Buffer.from('/huge'), value: Buffer.alloc(3 * 1024 * 1024) }), status.RESOURCE_EXHAUSTED, /.+/);
  });

  it('ignores empty and invalid watch requests and keeps the stream usable', async () => {
    const w = c.watch();
    const got: unknown[] = [];
    w.on('data', (m: unknown) => got.push(m));
    w.write({});
    w.write({ cancel_request: { watch_id: 42 } });
    w.write({ create_request: { key: Buffer.from('/keep'), start_revision: -1 } });
    w.write({ create_request: { key: Buffer.from('/keep'), start_revision: 1 } });
    await new Promise((r) => setTimeout(r, 500));
    w.end();
    const first = got[0] as { watch_id: string; canceled: boolean; cancel_reason: string };
    assert.deepEqual([first.watch_id, first.canceled, first.cancel_reason], ['-1', true, 'etcdserver: mvcc: required revision has been compacted']);
    const events = got.flatMap((m) => (m as { events?: { kv: { key: Buffer } }[] }).events ?? []);
    assert.equal(events[0]?.kv.key.toString(), '/keep');
  });

  it('is still serving, with the data intact', async () => {
    const r = await c.call('KV', 'Range', { key: Buffer.from('/keep') });
    assert.equal((r.kvs as { value: Buffer }[])[0]?.value.toString(), 'safe');
  });

  it('refuses a corrupt database file with a clear error and leaves it untouched', async () => {
    const bad = join(dir, 'corrupt');
    mkdirSync(bad);
    const junk = Buffer.alloc(64 * 1024, 'not a sqlite database ');
    writeFileSync(join(bad, 'state.db'), junk);
    const before = createHash('sha256').update(readFileSync(join(bad, 'state.db'))).digest('hex');
    const p = startKineProcess(bad, `127.0.0.1:${await freePort()}`);
    const exit = await p.exited;
    assert.notEqual(exit.code, 0);
    const log = readFileSync(p.logFile, 'utf8');
    assert.match(log, /error: (open|initialise) database .*state\.db: file is not a database/);
    assert.equal(createHash('sha256').update(readFileSync(join(bad, 'state.db'))).digest('hex'), before, 'the file is not modified');
  });

  it('refuses an unusable database path with a clear error', async () => {
    const bad = join(dir, 'unusable');
    mkdirSync(join(bad, 'state.db'), { recursive: true }); // a directory where the file should be
    const p = startKineProcess(bad, `127.0.0.1:${await freePort()}`);
    const exit = await p.exited;
    assert.notEqual(exit.code, 0);
    assert.match(readFileSync(p.logFile, 'utf8'), /error: (open|initialise) database .*state\.db/);
  });

  it('refuses a listen address in use, and bad flags, naming the problem', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    const busy = startKineProcess(other, target);
    const exit = await busy.exited;
    assert.notEqual(exit.code, 0);
    assert.match(readFileSync(busy.logFile, 'utf8'), /error: kine: listen on 127\.0\.0\.1:\d+/);
    const flags = startKineProcess(other, target, ['--durability', 'sometimes']);
    const exit2 = await flags.exited;
    assert.equal(exit2.code, 2, 'usage errors exit 2');
    assert.match(readFileSync(flags.logFile, 'utf8'), /--durability: expected FULL or NORMAL, got 'sometimes'/);
    await stopProcess(flags);
  });
});
