/**
 * Our small gRPC client (src/kine/grpc/client.ts, used by the syncer's mappings store through
 * openEtcdKv) against the real etcd 3.6 binary and against our kine on a unix socket: the same
 * calls give the same answers; a stopped server is a clear UNAVAILABLE error, and the client
 * reconnects when the server is back.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GrpcCallError, GrpcClient } from '../../src/kine/grpc/client.js';
import { ETCD_RPCS } from '../../src/kine/grpc/etcd-messages.js';
import { openEtcdKv } from '../../src/syncer/mappings/etcd-kv.js';
import { waitForEtcdApi } from './kine/client.js';
import { killAll, removeDir, startEtcd, startKineProcess, stopProcess, tempDir, type Proc } from './kine/harness.js';
import { testStores } from './kine/stores.js';

async function script(url: string): Promise<unknown[]> {
  const kv = openEtcdKv(url);
  const out: unknown[] = [];
  try {
    await kv.put('/vcluster/mappings/v1/pod/default/a', '{"a":1}');
    await kv.put('/vcluster/mappings/v1/pod/default/b', 'ünïcode');
    await kv.put('/vcluster/mappingt', 'just past the prefix');
    await kv.put('/vcluster/mappings/v1/pod/default/a', '{"a":2}');
    out.push((await kv.rangePrefix('/vcluster/mappings/')).map((e) => [e.key, e.value.toString()]));
    await kv.delete('/vcluster/mappings/v1/pod/default/a');
    await kv.delete('/vcluster/mappings/none');
    out.push((await kv.rangePrefix('/vcluster/mappings/')).map((e) => [e.key, e.value.toString()]));
    out.push(await kv.rangePrefix('/nothing/'));
  } finally {
    kv.close();
  }
  const c = new GrpcClient(url);
  try {
    const r = await c.unary(ETCD_RPCS.Range.path, ETCD_RPCS.Range.request, ETCD_RPCS.Range.response, { key: Buffer.from('/vcluster/mappingt') });
    out.push({ count: r.count, version: (r.kvs as { version: number }[] | undefined)?.[0]?.version });
    const e = await c.unary(ETCD_RPCS.Range.path, ETCD_RPCS.Range.request, ETCD_RPCS.Range.response, { key: Buffer.alloc(0) }).catch((err: unknown) => err);
    out.push(e instanceof GrpcCallError ? [e.status.code, e.status.details] : String(e));
  } finally {
    c.close();
  }
  return out;
}

const stores = testStores();
after(() => stores.stop());

for (const store of stores.list) {
  describe(`kine gRPC client against etcd and kine (${store.name})`, { timeout: 120_000, skip: store.skip }, () => {
    let dir = '';
    let kine: Proc | undefined;
    let kineUrl = '';
    let endpoint = '';
    before(async () => {
      dir = tempDir('kine-grpc-client');
      kineUrl = `unix://${join(dir, 'kine.sock')}`;
      endpoint = store.endpoint(dir);
      kine = startKineProcess(dir, kineUrl, [], endpoint);
      await waitForEtcdApi(kineUrl);
    });
    after(async () => {
      await killAll();
      removeDir(dir);
    });

    it('gets the same answers from kine as from etcd', async () => {
      mkdirSync(join(dir, 'etcd'));
      const etcd = await startEtcd(join(dir, 'etcd'));
      await waitForEtcdApi(etcd.url);
      const [fromEtcd, fromKine] = await Promise.all([script(etcd.url), script(kineUrl)]);
      assert.deepEqual(fromKine, fromEtcd);
      assert.deepEqual(fromKine[0], [
        ['/vcluster/mappings/v1/pod/default/a', '{"a":2}'],
        ['/vcluster/mappings/v1/pod/default/b', 'ünïcode'],
      ]);
      assert.deepEqual(fromKine[4], [3, 'etcdserver: key is not provided']);
    });

    it('reports a stopped kine as UNAVAILABLE and reconnects when it is back', async () => {
      const kv = openEtcdKv(kineUrl);
      try {
        await kv.put('/k', 'v1');
        if (kine !== undefined) await stopProcess(kine);
        await assert.rejects(kv.put('/k', 'v2'), (err: unknown) => err instanceof GrpcCallError && err.status.code === 14);
        kine = startKineProcess(dir, kineUrl, [], endpoint);
        await waitForEtcdApi(kineUrl);
        await kv.put('/k', 'v3');
        assert.deepEqual((await kv.rangePrefix('/k')).map((e) => e.value.toString()), ['v3']);
      } finally {
        kv.close();
      }
    });
  });
}
