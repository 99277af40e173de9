/**
 * Benchmark: the embedded host's real node. `host up` with 1 real node vs 0 (fresh data dir, median of
 * RUNS each, interleaved), the real node's Ready time after its agent starts, pod create → Running for
 * POD_RUNS busybox pods created one after another, and the idle RSS of containerd, kubelet, kube-proxy
 * and the node agent after IDLE seconds.
 * Anchor: the throw-away recipe run on this machine kind (shared/reference/real-node-recipe.md): node
 * Ready 4.2 s after kubelet start, pod → Running 2.6–4.8 s, idle RSS containerd 53–59 MB, kubelet
 * 87–89 MB, kube-proxy 60 MB.
 * Usage: node --import tsx bench/host/real-node.ts [--runs 3] [--pods 10] [--idle 20]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../src/lib/process.js';
import { realNodeLayout } from '../../src/embedded-host/node/layout.js';
import { runCli } from '../../test/support/cli.js';
import { testBinaries } from '../../test/support/binaries.js';
import { pidsIn } from '../../test/support/processes.js';
import { median, report, rssMiB } from '../support.js';

const ANCHOR = { nodeReadySeconds: 4.2, podRunningSeconds: [2.6, 4.8], rssMB: { containerd: [53, 59], kubelet: [87, 89], 'kube-proxy': [60, 60] } };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, pods: { type: 'string', default: '10' }, idle: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const podRuns = Number(values.pods);
const idleSeconds = Number(values.idle);
const round = (n: number): number => Math.round(n * 100) / 100;

const home = await mkdtemp(join(tmpdir(), 'vcluster-bench-node-'));
const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
const kubectlBin = (await testBinaries()).path('kubectl');
const kubectl = (args: string[], input?: string) =>
  run(kubectlBin, ['--kubeconfig', env.KUBECONFIG, '--context', 'vcluster-host', ...args], input === undefined ? {} : { input });

async function timedUp(realNodes: number): Promise<number> {
  const t0 = performance.now();
  const r = await runCli(['host', 'up', '--nodes', '1', '--real-nodes', String(realNodes)], env);
  if (r.code !== 0) throw new Error(`host up failed: ${r.stderr}`);
  return round((performance.now() - t0) / 1000);
}

/** Seconds from the node agent's start (its first log line) to the Node's Ready condition. */
async function nodeReadySeconds(): Promise<number> {
  const layout = realNodeLayout(join(home, 'host'), 1);
  const first = (await readFile(join(home, 'host', 'logs', 'node-1.log'), 'utf8')).split('\n').find((l) => l.startsWith('{'));
  const started = Date.parse((JSON.parse(first ?? '{}') as { time?: string }).time ?? '');
  const { stdout } = await kubectl(['get', 'node', layout.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].lastTransitionTime}']);
  return round((Date.parse(stdout.trim()) - started) / 1000 + 0.5); // transition times have 1 s resolution
}

async function podToRunning(i: number): Promise<number> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench-${i}` },
    spec: {
      nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: 'vcluster-ts.local/busybox:1.35.0', imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
    },
  };
  const t0 = performance.now();
  await kubectl(['apply', '-f', '-'], JSON.stringify(pod));
  for (;;) {
    const { stdout } = await kubectl(['get', 'pod', `bench-${i}`, '-o', 'jsonpath={.status.phase}']);
    if (stdout.trim() === 'Running') return round((performance.now() - t0) / 1000);
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  const withNode: number[] = [];
  const without: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < runs; i++) {
    without.push(await timedUp(0));
    await runCli(['host', 'down', '--purge'], env);
    withNode.push(await timedUp(1));
    ready.push(await nodeReadySeconds());
    if (i < runs - 1) await runCli(['host', 'down', '--purge'], env);
  }
  const pods: number[] = [];
  for (let i = 0; i < podRuns; i++) pods.push(await podToRunning(i));
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const rss: Record<string, number | undefined> = {};
  const layout = realNodeLayout(join(home, 'host'), 1);
  for (const [name, pid] of Object.entries(await pidsIn(layout.dirs.pids))) rss[name] = await rssMiB(pid);
  rss['node-agent'] = await rssMiB((await pidsIn(join(home, 'host', 'pids')))['node-1'] ?? 0);
  const result = {
    benchmark: 'host-real-node',
    runs,
    hostUpSeconds: { realNodes1: withNode, realNodes0: without },
    hostUpMedianSeconds: { realNodes1: median(withNode), realNodes0: median(without) },
    nodeReadyAfterAgentStartSeconds: ready,
    nodeReadyMedianSeconds: median(ready),
    podCreateToRunningSeconds: pods,
    podCreateToRunningMedianSeconds: median(pods),
    idleSeconds,
    idleRssMiB: rss,
    anchor: ANCHOR,
  };
  report(
    result,
    `host-real-node: host up ${median(withNode)} s with 1 real node vs ${median(without)} s without (median of ${runs}); node Ready ${median(ready)} s after its agent started (anchor 4.2 s after kubelet start); pod → Running median ${median(pods)} s of ${podRuns} (anchor 2.6–4.8 s); idle RSS containerd ${rss.containerd} MiB, kubelet ${rss.kubelet} MiB, kube-proxy ${rss['kube-proxy']} MiB, agent ${rss['node-agent']} MiB (anchor 53–59 / 87–89 / 60 MB)`,
  );
} finally {
  await runCli(['host', 'down', '--purge'], env);
  await rm(home, { recursive: true, force: true });
}
