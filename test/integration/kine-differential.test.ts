/**
 * Differential test: one client script (raw gRPC on etcd's wire protocol plus the npm etcd3
 * client) against the real etcd 3.6 binary and against our kine on each store (SQLite, and
 * PostgreSQL when installed); every step must match.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForEtcdApi } from './kine/client.js';
import { binary, freePort, killAll, removeDir, startEtcd, startKineProcess, tempDir } from './kine/harness.js';
import { runScenario, type Entry } from './kine/scenario.js';
import { testStores } from './kine/stores.js';

const stores = testStores();
after(() => stores.stop());

for (const store of stores.list) {

  describe(`kine (${store.name}) vs etcd: the same client script gives the same answers`, { timeout: 180_000, skip: store.skip }, () => {
    let dir = '';
    let fromEtcd: Entry[] = [];
    let fromKine: Entry[] = [];

    before(async () => {
      binary('etcd');
      dir = tempDir('kine-diff');
      const etcd = await startEtcd(dir);
      await waitForEtcdApi(etcd.url, 30_000);
      const port = await freePort();
      startKineProcess(dir, `127.0.0.1:${port}`, [], store.endpoint(dir));
      const kineUrl = `http://127.0.0.1:${port}`;
      await waitForEtcdApi(kineUrl, 30_000);
      [fromEtcd, fromKine] = await Promise.all([runScenario(etcd.url), runScenario(kineUrl)]);
    });

    after(async () => {
      await killAll();
      removeDir(join(dir));
    });

    it('records the same number of steps', () => {
      assert.deepEqual(fromKine.map((e) => e[0]), fromEtcd.map((e) => e[0]));
    });

    const labels = (): string[] => fromEtcd.map((e) => e[0]);
    it('matches etcd at every step', () => {
      const mismatches: string[] = [];
      labels().forEach((label, i) => {
        try {
          assert.deepEqual(fromKine[i]?.[1], fromEtcd[i]?.[1]);
        } catch (err) {
          mismatches.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
      assert.equal(mismatches.length, 0, `${mismatches.length} of ${labels().length} steps differ:\n${mismatches.join('\n\n')}`);
    });
  });
}
