/**
 * Benchmark: `vcluster host up` with warm binaries, from a fresh data dir to all nodes Ready (median of
 * RUNS), a restart on existing data, and the RSS of each host process after IDLE_SECONDS at idle.
 * Anchor: envtest's default control-plane start budget of 20 s (controller-runtime pkg/envtest).
 * Usage: node --import tsx bench/host/up.ts [--runs 5] [--nodes 3] [--real-nodes 1] [--idle 30]
 * (the real node has its own benchmark beside the no-real-node figure: bench/host/real-node.ts)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../../test/support/cli.js';
import { pidsIn } from '../../test/support/processes.js';
import { median, percentile, report, rssMiB } from '../support.js';

const ANCHOR_ENVTEST_START_BUDGET_S = 20;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, nodes: { type: 'string', default: '3' }, 'real-nodes': { type: 'string', default: '1' }, idle: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const nodes = values.nodes ?? '3';
const realNodes = values['real-nodes'] ?? '1';
const idleSeconds = Number(values.idle);

async function timedUp(env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const r = await runCli(['host', 'up', '--nodes', nodes, '--real-nodes', realNodes], env);
  const secs = (performance.now() - t0) / 1000;
  if (r.code !== 0) throw new Error(`host up failed: ${r.stderr}`);
  return Math.round(secs * 100) / 100;
}

const home = await mkdtemp(join(tmpdir(), 'vcluster-bench-host-'));
const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
try {
  const fresh: number[] = [];
  for (let i = 0; i < runs; i++) {
    fresh.push(await timedUp(env));
    await runCli(['host', 'down', '--purge'], env);
  }
  await timedUp(env);
  await runCli(['host', 'down'], env);
  const restart = await timedUp(env);
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const rss: Record<string, number | undefined> = {};
  for (const [name, pid] of Object.entries(await pidsIn(join(home, 'host', 'pids')))) rss[name] = await rssMiB(pid);
  const total = Object.values(rss).reduce<number>((a, b) => a + (b ?? 0), 0);
  const result = {
    benchmark: 'host-up',
    nodes: Number(nodes),
    realNodes: Number(realNodes),
    runs,
    freshUpSeconds: fresh,
    freshUpMedianSeconds: median(fresh),
    freshUpP95Seconds: percentile(fresh, 95),
    restartUpSeconds: restart,
    idleSeconds,
    rssMiB: rss,
    rssTotalMiB: Math.round(total * 10) / 10,
    anchor: { envtestStartBudgetSeconds: ANCHOR_ENVTEST_START_BUDGET_S },
  };
  report(
    result,
    `host-up: median ${median(fresh)} s fresh (${runs} runs, ${nodes} simulated + ${realNodes} real nodes Ready), restart ${restart} s, idle RSS ${result.rssTotalMiB} MiB total — anchor: envtest start budget ${ANCHOR_ENVTEST_START_BUDGET_S} s`,
  );
} finally {
  await runCli(['host', 'down', '--purge'], env);
  await rm(home, { recursive: true, force: true });
}
