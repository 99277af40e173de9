/**
 * A vcluster made by `vcluster create` for an e2e suite that runs against either driver: the same
 * assertions, reached the driver's way — local: the data dir on this machine (admin.conf, state.db,
 * the metrics port, the supervisor's pid); kubernetes: pod NAME-0 (a kubeconfig through `vcluster
 * connect --print`, whose port-forward connect keeps alive; sqlite3 and the metrics endpoint through
 * `kubectl exec`).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { runCli } from './cli.js';
import { eventually } from './wait.js';
import { isGone, pidsIn } from './processes.js';

export type Driver = 'local' | 'kubernetes';
/** Both drivers; VCLUSTER_E2E_DRIVERS=kubernetes (or local) narrows a run while working on one. */
export const DRIVERS: readonly Driver[] = (process.env.VCLUSTER_E2E_DRIVERS ?? 'local,kubernetes')
  .split(',')
  .filter((d): d is Driver => d === 'local' || d === 'kubernetes');

export interface VClusterUnderTest {
  readonly name: string;
  readonly namespace: string;
  readonly driver: Driver;
  /** A kubeconfig file whose current context is the vcluster's admin. */
  readonly kubeconfig: string;
  /** sqlite3 QUERY on the vcluster's state.db; stdout. */
  sql(query: string): Promise<string>;
  /** The syncer's Prometheus text. */
  metrics(): Promise<string>;
  /**
   * Kills the syncer hard and brings it back — local: SIGKILL of the supervisor, then `vcluster resume`;
   * kubernetes: pod NAME-0 force-deleted (its processes are SIGKILLed), the StatefulSet recreates it.
   */
  killSyncerAndRecover(): Promise<void>;
  /** Processes on this machine to clean up after the suite (local driver). */
  pids(): Promise<number[]>;
}

export interface SuiteEnv {
  readonly home: string;
  readonly env: Record<string, string>;
  readonly kubectl: string;
}

function dataDir(s: SuiteEnv, namespace: string, name: string): string {
  return join(s.home, 'vclusters', 'vcluster-host', namespace, name);
}

/** `vcluster create NAME -n NS --driver D --connect=false [extra]`, asserting success. */
export async function createVCluster(s: SuiteEnv, driver: Driver, name: string, namespace: string, extra: readonly string[] = []): Promise<VClusterUnderTest> {
  const created = await runCli(['create', name, '-n', namespace, '--driver', driver, '--connect=false', ...extra], s.env);
  assert.equal(created.code, 0, created.stderr);
  return openVCluster(s, driver, name, namespace);
}

export async function openVCluster(s: SuiteEnv, driver: Driver, name: string, namespace: string): Promise<VClusterUnderTest> {
  const dir = dataDir(s, namespace, name);
  const host = (...args: string[]) => run(s.kubectl, ['--kubeconfig', s.env.KUBECONFIG!, '--context', 'vcluster-host', ...args]);
  if (driver === 'local') {
    const statePorts = async (): Promise<{ metrics: number }> => (JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { ports: { metrics: number } }).ports;
    return {
      name,
      namespace,
      driver,
      kubeconfig: join(dir, 'pki', 'admin.conf'),
      sql: async (query) => (await run('sqlite3', [join(dir, 'state.db'), query])).stdout,
      metrics: async () => (await fetch(`http://127.0.0.1:${(await statePorts()).metrics}/metrics`)).text(),
      killSyncerAndRecover: async () => {
        const supervisor = (await pidsIn(join(dir, 'pids'))).supervisor;
        assert.ok(supervisor, 'a supervisor pid');
        process.kill(supervisor, 'SIGKILL');
        await eventually('the supervisor gone', async () => ((await isGone(supervisor)) ? true : undefined), 5_000);
        const resumed = await runCli(['resume', name, '-n', namespace], s.env);
        assert.equal(resumed.code, 0, resumed.stderr);
      },
      pids: async () => Object.values(await pidsIn(join(dir, 'pids'))),
    };
  }
  const printed = await runCli(['connect', name, '-n', namespace, '--print'], s.env);
  assert.equal(printed.code, 0, printed.stderr);
  const kubeconfig = join(s.home, `${namespace}-${name}.kubeconfig`);
  await writeFile(kubeconfig, printed.stdout, { mode: 0o600 });
  const pod = `${name}-0`;
  const exec = async (...argv: string[]): Promise<string> => (await host('exec', '-n', namespace, pod, '-c', 'syncer', '--', ...argv)).stdout;
  return {
    name,
    namespace,
    driver,
    kubeconfig,
    sql: (query) => exec('sqlite3', '/data/state.db', query),
    metrics: () =>
      exec('node', '-e', "const p=JSON.parse(require('fs').readFileSync('/data/state.json','utf8')).ports.metrics;fetch('http://127.0.0.1:'+p+'/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))"),
    killSyncerAndRecover: async () => {
      const uid = (await host('get', 'pod', '-n', namespace, pod, '-o', 'jsonpath={.metadata.uid}')).stdout;
      await host('delete', 'pod', '-n', namespace, pod, '--grace-period=0', '--force', '--wait=false');
      await eventually(
        `pod ${pod} recreated and Ready`,
        async () => {
          const { stdout } = await host('get', 'pod', '-n', namespace, pod, '--ignore-not-found', '-o', 'jsonpath={.metadata.uid} {.status.conditions[?(@.type=="Ready")].status}');
          const [newUid, ready] = stdout.split(' ');
          return newUid && newUid !== uid && ready === 'True' ? true : undefined;
        },
        120_000,
        500,
      );
    },
    pids: () => Promise.resolve([]),
  };
}
