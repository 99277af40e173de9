/**
 * A real kube-apiserver (v1.36) on our kine over a unix socket: kubectl create/apply/list with
 * chunking/watch/delete of 500 objects, kine restarted mid-way, kine SIGKILLed during writes and
 * restarted with no acknowledged write lost, and apiserver-driven compaction.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApiServer, type ApiServer } from './kine/apiserver.js';
import { rawClient, waitForEtcdApi } from './kine/client.js';
import { binary, killAll, removeDir, sleep, startKineProcess, startProcess, stopProcess, tempDir, waitFor, type Proc } from './kine/harness.js';
import { testStores } from './kine/stores.js';

const N = 500;

function configMapsYaml(prefix: string, from: number, to: number): string {
  const docs: string[] = [];
  for (let i = from; i < to; i++) {
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${prefix}-${i}\n  namespace: load\ndata:\n  index: "${i}"\n`);
  }
  return docs.join('---\n');
}

function names(out: string): string[] {
  return out.split('\n').filter((l) => l.trim() !== '');
}

const stores = testStores();
after(() => stores.stop());

for (const store of stores.list) {
  describe(`kube-apiserver on kine (${store.name})`, { timeout: 600_000, skip: store.skip }, () => {
    let dir = '';
    let sock = '';
    let endpoint = '';
    let kine: Proc | undefined;
    let api: ApiServer | undefined;
    let watcher: Proc | undefined;

    const startKine = async (): Promise<void> => {
      kine = startKineProcess(dir, `unix://${sock}`, [], endpoint);
      await waitForEtcdApi(`unix://${sock}`, 30_000).catch((err: unknown) => {
        throw new Error(`kine did not start: ${String(err)}\n${readFileSync(join(dir, 'kine.log'), 'utf8').slice(-3000)}`);
      });
    };
    const server = (): ApiServer => {
      if (api === undefined) throw new Error('apiserver not started');
      return api;
    };
    const countConfigMaps = async (prefix: string): Promise<number> =>
      names(await server().kubectl(['get', 'configmaps', '-n', 'load', '--chunk-size=50', '-o', 'name'])).filter((n) =>
        n.startsWith(`configmap/${prefix}-`),
      ).length;

    before(async () => {
      binary('kube-apiserver');
      binary('kubectl');
      dir = tempDir('kine-apiserver');
      sock = join(dir, 'kine.sock');
      endpoint = store.endpoint(dir);
      await startKine();
      api = await startApiServer(dir, `unix://${sock}`);
    });

    after(async () => {
      await killAll();
      if (process.env.KEEP_TEST_DIRS === undefined) removeDir(dir);
    });

    it('creates 500 ConfigMaps with kubectl apply and lists them in chunks', async () => {
      await server().kubectl(['create', 'namespace', 'load']);
      await server().kubectl(['apply', '-f', '-'], configMapsYaml('cm', 0, N));
      assert.equal(await countConfigMaps('cm'), N);
      const page = JSON.parse((await server().rest('GET', '/api/v1/namespaces/load/configmaps?limit=100')).body) as {
        items: unknown[];
        metadata: { continue?: string; remainingItemCount?: number };
      };
      assert.equal(page.items.length, 100);
      assert.equal(page.metadata.remainingItemCount, N - 100);
      assert.ok(page.metadata.continue);
      const page2 = JSON.parse(
        (await server().rest('GET', `/api/v1/namespaces/load/configmaps?limit=450&continue=${encodeURIComponent(page.metadata.continue)}`)).body,
      ) as { items: unknown[]; metadata: { continue?: string } };
      assert.equal(page2.items.length, N - 100);
      assert.equal(page2.metadata.continue, undefined);
    });

    it('get and watch see updates and deletes', async () => {
      const got = JSON.parse(await server().kubectl(['get', 'configmap', 'cm-7', '-n', 'load', '-o', 'json'])) as { data: { index: string } };
      assert.equal(got.data.index, '7');
      watcher = startProcess(
        binary('kubectl'),
        [`--kubeconfig=${server().kubeconfig}`, 'get', 'configmaps', '-n', 'load', '--watch-only', '--output-watch-events', '-o', 'json'],
        join(dir, 'watch.log'),
      );
      await sleep(2000);
      for (let i = 0; i < 10; i++) await server().kubectl(['label', 'configmap', `cm-${i}`, '-n', 'load', 'touched=yes']);
      await server().kubectl(['delete', 'configmap', '-n', 'load', 'cm-10', 'cm-11', 'cm-12']);
      await waitFor(
        'watch events',
        () => {
          const log = readFileSync(join(dir, 'watch.log'), 'utf8');
          return (log.match(/"type":\s*"MODIFIED"/g)?.length ?? 0) >= 10 && (log.match(/"type":\s*"DELETED"/g)?.length ?? 0) >= 3;
        },
        30_000,
        join(dir, 'watch.log'),
      );
      const selected = names(await server().kubectl(['get', 'configmaps', '-n', 'load', '-l', 'touched=yes', '-o', 'name']));
      assert.equal(selected.length, 10);
    });

    it('keeps working across a kine restart', async () => {
      if (kine === undefined) throw new Error('kine not started');
      const stopped = await stopProcess(kine, 'SIGTERM');
      assert.equal(stopped.code, 0, 'kine exits 0 on SIGTERM');
      await startKine();
      await waitFor('apiserver healthy after kine restart', async () => (await server().rest('GET', '/readyz')).status === 200, 60_000);
      await waitFor(
        'writes accepted after kine restart',
        async () => {
          await server().kubectl(['apply', '-f', '-'], configMapsYaml('after', 0, 100));
          return true;
        },
        60_000,
      );
      assert.equal(await countConfigMaps('after'), 100);
      assert.equal(await countConfigMaps('cm'), N - 3);
      // the watch started before the restart still delivers
      await server().kubectl(['label', 'configmap', 'cm-20', '-n', 'load', 'after-restart=yes']);
      await waitFor('watch event after restart', () => /"after-restart":\s*"yes"/.test(readFileSync(join(dir, 'watch.log'), 'utf8')), 60_000, join(dir, 'watch.log'));
    });

    it('loses no acknowledged write when kine is SIGKILLed during writes', async () => {
      const acknowledged: string[] = [];
      let failures = 0;
      let stop = false;
      let seq = 0;
      const worker = async (): Promise<void> => {
        while (!stop) {
          const name = `ack-${seq++}`;
          try {
            const r = await server().rest('POST', '/api/v1/namespaces/load/configmaps', {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name },
              data: { v: name },
            });
            if (r.status === 201) acknowledged.push(name);
            else failures++;
          } catch {
            failures++;
            await sleep(50);
          }
        }
      };
      const workers = Array.from({ length: 8 }, () => worker());
      await sleep(1500);
      if (kine === undefined) throw new Error('kine not started');
      const ackBeforeKill = acknowledged.length;
      const killed = await stopProcess(kine, 'SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');
      await sleep(1000);
      await startKine();
      await sleep(3000);
      stop = true;
      await Promise.all(workers);
      assert.ok(ackBeforeKill > 10, `writes before the kill (${ackBeforeKill})`);
      assert.ok(failures > 0, 'some writes failed while kine was down');
      const present = new Set(
        names(await server().kubectl(['get', 'configmaps', '-n', 'load', '--chunk-size=100', '-o', 'name'])).map((n) => n.replace('configmap/', '')),
      );
      const lost = acknowledged.filter((n) => !present.has(n));
      assert.deepEqual(lost, [], `acknowledged writes lost after SIGKILL (${acknowledged.length} acknowledged)`);
      // and the store itself agrees (read straight from kine, bypassing the watch cache)
      const c = rawClient(`unix://${sock}`);
      try {
        const r = await c.call('KV', 'Range', {
          key: Buffer.from('/registry/configmaps/load/ack-'),
          range_end: Buffer.from('/registry/configmaps/load/ack.'),
          count_only: true,
        });
        assert.ok(Number(r.count) >= acknowledged.length);
      } finally {
        c.close();
      }
    });

    it('deletes everything and lets the apiserver compact', async () => {
      const del = await server().rest('DELETE', '/api/v1/namespaces/load/configmaps');
      assert.equal(del.status, 200, del.body.slice(0, 500));
      assert.equal(names(await server().kubectl(['get', 'configmaps', '-n', 'load', '-o', 'name'])).length, 0);
      const c = rawClient(`unix://${sock}`);
      try {
        // the apiserver compacts every 10 s here (--etcd-compaction-interval=10s), to the revision of the previous run
        await waitFor(
          'apiserver-driven compaction',
          async () => {
            try {
              await c.call('KV', 'Range', { key: Buffer.from('/registry/'), range_end: Buffer.from('/registry0'), revision: 2, count_only: true });
              return false;
            } catch (err) {
              return String(err).includes('required revision has been compacted');
            }
          },
          60_000,
        );
        const ck = await c.call('KV', 'Range', { key: Buffer.from('compact_rev_key') });
        const kvs = ck.kvs as { version: string }[];
        assert.ok(Number(kvs[0]?.version) >= 2, 'compact_rev_key has a real version');
      } finally {
        c.close();
      }
      if (watcher !== undefined) await stopProcess(watcher);
    });
  });
}
