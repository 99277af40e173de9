/**
 * The embedded host, end to end with real binaries: `vcluster host up` → N Ready nodes → a Deployment
 * with 3 replicas reaches 3 Running pods with IPs → deleting it removes the pods → `host down` leaves no
 * process behind. Also: `up` twice, a SIGKILLed supervisor, and a taken port.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { isGone, killAll, pidsIn } from '../support/processes.js';

const NODES = 3;
const DEPLOY_TIMEOUT_MS = 60_000;

interface PodList {
  items: { metadata: { name: string }; status: { phase?: string; podIP?: string }; spec: { nodeName?: string } }[];
}

describe('embedded host', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  const started = new Set<number>();
  const kubectl = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args])).stdout;
  const rememberPids = async (): Promise<Record<string, number>> => {
    const pids = await pidsIn(join(home, 'host', 'pids'));
    for (const p of Object.values(pids)) started.add(p);
    return pids;
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-host-test-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
  });

  after(async () => {
    await runCli(['host', 'down', '--purge'], env);
    killAll(started);
    await rm(home, { recursive: true, force: true });
  });

  it('comes up with N Ready nodes', async () => {
    const up = await runCli(['host', 'up', '--nodes', String(NODES), '--real-nodes', '0'], env);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /embedded host ready in [\d.]+ s: 3 simulated node\(s\), 0 real node\(s\)/);
    assert.match(up.stderr, /kube-apiserver ready/);
    const pids = await rememberPids();
    assert.deepEqual(Object.keys(pids).sort(), ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'supervisor']);
    const ready = (await kubectl('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'))
      .split('\n')
      .filter((s) => s === 'True');
    assert.equal(ready.length, NODES);
  });

  it('runs a 3-replica Deployment to 3 Running pods with IPs, and removes them on delete', async () => {
    await kubectl('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
    const pods = await eventually(
      '3 Running pods with IPs',
      async () => {
        const list = JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as PodList;
        const running = list.items.filter((p) => p.status.phase === 'Running' && p.status.podIP);
        return running.length === 3 ? running : undefined;
      },
      DEPLOY_TIMEOUT_MS,
    );
    assert.equal(new Set(pods.map((p) => p.status.podIP)).size, 3, 'pod IPs are distinct');
    assert.ok(pods.every((p) => p.spec.nodeName?.startsWith('kwok-node-')));
    await kubectl('delete', 'deployment', 'web');
    await eventually(
      'pods of the deleted Deployment to disappear',
      async () => ((JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as PodList).items.length === 0 ? true : undefined),
      30_000,
    );
  });

  it('`up` again is harmless and reports the running host', async () => {
    const before = await rememberPids();
    const again = await runCli(['host', 'up', '--nodes', String(NODES), '--real-nodes', '0'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already running/);
    assert.deepEqual(await pidsIn(join(home, 'host', 'pids')), before);
    const status = JSON.parse((await runCli(['host', 'status', '-o', 'json'], env)).stdout) as { running: boolean; readyNodes: number };
    assert.equal(status.running, true);
    assert.equal(status.readyNodes, NODES);
  });

  it('recovers from a SIGKILLed supervisor: leftover components are stopped and the host restarts', async () => {
    const old = await rememberPids();
    process.kill(old.supervisor!, 'SIGKILL');
    await eventually('supervisor to die', async () => ((await isGone(old.supervisor!)) ? true : undefined), 5_000);
    const up = await runCli(['host', 'up', '--nodes', String(NODES), '--real-nodes', '0'], env);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /stopped 5 leftover process\(es\)/);
    for (const [name, pid] of Object.entries(old)) assert.ok(await isGone(pid), `${name} (${pid}) still runs`);
    await rememberPids();
    assert.match(await kubectl('get', 'nodes'), /kwok-node-2\s+Ready/);
  });

  it('`down` stops every process it started, by pid, and keeps the data', async () => {
    const pids = await rememberPids();
    const down = await runCli(['host', 'down'], env);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /embedded host stopped/);
    for (const [name, pid] of Object.entries(pids)) assert.ok(await isGone(pid), `${name} (${pid}) still runs`);
    const status = JSON.parse((await runCli(['host', 'status', '-o', 'json'], env)).stdout) as { running: boolean; phase: string };
    assert.deepEqual([status.running, status.phase], [false, 'stopped']);
  });

  it('reports a port taken by another process, naming it, and starts nothing', async () => {
    const status = JSON.parse((await runCli(['host', 'status', '-o', 'json'], env)).stdout) as { ports: { apiServer: number } };
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(status.ports.apiServer, '127.0.0.1', r));
    try {
      const up = await runCli(['host', 'up', '--real-nodes', '0'], env);
      assert.equal(up.code, 4);
      assert.match(up.stderr, new RegExp(`error: port ${status.ports.apiServer} \\(apiServer\\) of the embedded host is in use`));
      assert.deepEqual(Object.keys(await pidsIn(join(home, 'host', 'pids'))), []);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
