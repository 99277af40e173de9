/**
 * vclusters on external stores, set with --set as with vCluster; local driver, embedded host with
 * simulated nodes only:
 * - controlPlane.backingStore.database.external (PostgreSQL; a private server on a unix socket in a
 *   temp dir): the control plane's kine keeps its log there, objects created in the vcluster are
 *   rows of Go kine's `kine` table, a pod syncs to the host, the data outlives a pause/resume.
 *   Skipped when PostgreSQL is not installed.
 * - controlPlane.backingStore.etcd.external (a real etcd 3.6): kube-apiserver talks to it directly
 *   (no kine), objects are etcd keys, the data outlives a pause/resume.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBin, startTestPostgres, type TestPostgres } from '../../src/kine/postgres/test-server.js';
import { run } from '../../src/lib/process.js';
import { binary, removeDir, startEtcd, stopProcess, tempDir, type Proc } from '../integration/kine/harness.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';

const VC = 'pgvc';
const NS = 'pgvc-ns';
const DB = 'vcluster_pgvc';
const SYNC_TIMEOUT_MS = 60_000;
const bin = findPostgresBin();

describe('a vcluster on an external PostgreSQL database', { skip: bin === undefined ? 'no PostgreSQL binaries (install postgresql or set PG_BIN)' : false }, () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let server: TestPostgres | undefined;
  const pids = new Set<number>();
  const host = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG ?? '', '--context', 'vcluster-host', ...args])).stdout;
  const virtual = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', join(home, 'vclusters', 'vcluster-host', NS, VC, 'pki', 'admin.conf'), ...args])).stdout;
  const remember = async (): Promise<void> => {
    for (const dir of [join(home, 'host', 'pids'), join(home, 'vclusters', 'vcluster-host', NS, VC, 'pids')]) {
      for (const p of Object.values(await pidsIn(dir))) pids.add(p);
    }
  };
  /** Names under `prefix` in the kine table, read straight from PostgreSQL. */
  const namesInDatabase = async (prefix: string): Promise<string[]> => {
    const c = new pg.Client({ connectionString: server?.url(DB) });
    await c.connect();
    try {
      const r = await c.query<{ name: string }>('SELECT DISTINCT name FROM kine WHERE name LIKE $1 ORDER BY name', [`${prefix}%`]);
      return r.rows.map((row) => row.name);
    } finally {
      await c.end();
    }
  };

  before(async () => {
    if (bin === undefined) return;
    server = startTestPostgres(bin);
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-pg-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await runCli(['host', 'up', '--nodes', '1', '--real-nodes', '0'], env);
    assert.equal(up.code, 0, up.stderr);
    await remember();
    const created = await runCli(
      [
        'create', VC, '-n', NS, '--connect=false', '--driver', 'local',
        '--set', 'controlPlane.backingStore.database.external.enabled=true',
        '--set', `controlPlane.backingStore.database.external.dataSource=${server.url(DB)}`,
      ],
      env,
    );
    await remember();
    assert.equal(created.code, 0, created.stderr);
  });

  after(async () => {
    if (home !== '') {
      await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
      await runCli(['host', 'down', '--purge'], env);
    }
    killAll(pids);
    server?.stop();
    if (home !== '') await rm(home, { recursive: true, force: true });
  });

  it('keeps the virtual cluster\'s objects in the PostgreSQL database', async () => {
    await virtual('create', 'configmap', 'in-postgres', '--from-literal=k=v');
    assert.deepEqual(await namesInDatabase('/registry/configmaps/default/in-postgres'), ['/registry/configmaps/default/in-postgres']);
    assert.ok((await namesInDatabase('/registry/namespaces/')).includes('/registry/namespaces/kube-system'));
  });

  it('syncs a pod to the host', async () => {
    await eventually('the default ServiceAccount', async () => ((await virtual('get', 'serviceaccount', 'default', '-o', 'name').catch(() => '')) || undefined), SYNC_TIMEOUT_MS, 500);
    await virtual('run', 'web', '--image=nginx', '--restart=Never');
    await eventually(
      'the pod on the host',
      async () => ((await host('get', 'pods', '-n', NS, '-o', 'name')).includes(`pod/web-x-default-x-${VC}`) ? true : undefined),
      SYNC_TIMEOUT_MS,
    );
  });

  it('keeps the data when the control plane restarts', async () => {
    const stopped = await runCli(['pause', VC, '-n', NS], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    const resumed = await runCli(['resume', VC, '-n', NS], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    await remember();
    const value = await eventually(
      'the configmap after the restart',
      async () => (await virtual('get', 'configmap', 'in-postgres', '-o', 'jsonpath={.data.k}').catch(() => '')) || undefined,
      SYNC_TIMEOUT_MS,
      500,
    );
    assert.equal(value, 'v');
  });
});

describe('a vcluster on an external etcd', () => {
  const vc = 'etcdvc';
  const ns = 'etcdvc-ns';
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let etcdDir = '';
  let etcd: { proc: Proc; url: string } | undefined;
  const pids = new Set<number>();
  const virtual = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', join(home, 'vclusters', 'vcluster-host', ns, vc, 'pki', 'admin.conf'), ...args])).stdout;
  const remember = async (): Promise<void> => {
    for (const dir of [join(home, 'host', 'pids'), join(home, 'vclusters', 'vcluster-host', ns, vc, 'pids')]) {
      for (const p of Object.values(await pidsIn(dir))) pids.add(p);
    }
  };
  const etcdKeys = async (prefix: string): Promise<string[]> =>
    (await run(binary('etcdctl'), ['--endpoints', etcd?.url ?? '', 'get', '--prefix', '--keys-only', prefix])).stdout.split('\n').filter(Boolean);

  before(async () => {
    etcdDir = tempDir('vcluster-etcd-e2e-etcd');
    etcd = await startEtcd(etcdDir);
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-etcd-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await runCli(['host', 'up', '--nodes', '1', '--real-nodes', '0'], env);
    assert.equal(up.code, 0, up.stderr);
    await remember();
    const created = await runCli(
      [
        'create', vc, '-n', ns, '--connect=false', '--driver', 'local',
        '--set', 'controlPlane.backingStore.etcd.external.enabled=true',
        '--set', `controlPlane.backingStore.etcd.external.endpoint=${etcd.url}`,
      ],
      env,
    );
    await remember();
    assert.equal(created.code, 0, created.stderr);
  });

  after(async () => {
    if (home !== '') {
      await runCli(['delete', vc, '-n', ns, '--ignore-not-found'], env);
      await runCli(['host', 'down', '--purge'], env);
    }
    killAll(pids);
    if (etcd !== undefined) await stopProcess(etcd.proc);
    if (etcdDir !== '') removeDir(etcdDir);
    if (home !== '') await rm(home, { recursive: true, force: true });
  });

  it('keeps the virtual cluster\'s objects in etcd, with no kine', async () => {
    await virtual('create', 'configmap', 'in-etcd', '--from-literal=k=v');
    assert.deepEqual(await etcdKeys('/registry/configmaps/default/in-etcd'), ['/registry/configmaps/default/in-etcd']);
    const components = Object.keys(await pidsIn(join(home, 'vclusters', 'vcluster-host', ns, vc, 'pids')));
    assert.ok(!components.includes('kine'), `no kine process: ${components.join(', ')}`);
  });

  it('keeps the data when the control plane restarts', async () => {
    assert.equal((await runCli(['pause', vc, '-n', ns], env)).code, 0);
    const resumed = await runCli(['resume', vc, '-n', ns], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    await remember();
    const value = await eventually(
      'the configmap after the restart',
      async () => (await virtual('get', 'configmap', 'in-etcd', '-o', 'jsonpath={.data.k}').catch(() => '')) || undefined,
      SYNC_TIMEOUT_MS,
      500,
    );
    assert.equal(value, 'v');
  });
});
