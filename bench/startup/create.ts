/**
 * Benchmark B1: `vcluster create` → ready (virtual API serving and the default ServiceAccount present),
 * warm binaries, median of RUNS; the split of each phase from the supervisor's log; and the RSS of each
 * control-plane process IDLE seconds after ready. Targets: ≤ 10 s to ready; kine + supervisor ≤ 150 MiB.
 * Anchors: vCluster claims "seconds" with no figure; perf-reliability.md B1 target p50 ≤ 10 s, p95 ≤ 20 s.
 * Usage: node --import tsx bench/startup/create.ts [--runs 5] [--idle 60]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../src/lib/process.js';
import { runCli } from '../../test/support/cli.js';
import { testBinaries } from '../../test/support/binaries.js';
import { pidsIn } from '../../test/support/processes.js';
import { median, percentile, report, rssMiB } from '../support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, idle: { type: 'string', default: '60' } } });
const runs = Number(values.runs);
const idleSeconds = Number(values.idle);
const TARGET_READY_S = 10;
const TARGET_KINE_SUPERVISOR_MIB = 150;

const kubectl = (await testBinaries()).path('kubectl');
const home = await mkdtemp(join(tmpdir(), 'vcluster-bench-startup-'));
const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
const dir = (i: number): string => join(home, 'vclusters', 'vcluster-host', `bench-${i}`, 'vc');

async function phases(i: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await readFile(join(dir(i), 'logs', 'supervisor.log'), 'utf8')).split('\n')) {
    try {
      const ev = JSON.parse(line) as { msg?: string; component?: string; ms?: number };
      if (ev.msg === 'component ready' && ev.component && ev.ms !== undefined) out[ev.component] = ev.ms / 1000;
    } catch {
      // not a JSON line
    }
  }
  return out;
}

try {
  const up = await runCli(['host', 'up', '--nodes', '2'], env);
  if (up.code !== 0) throw new Error(`host up failed: ${up.stderr}`);
  const seconds: number[] = [];
  const splits: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await runCli(['create', 'vc', '-n', `bench-${i}`, '--driver', 'local', '--connect=false'], env);
    if (r.code !== 0) throw new Error(`create failed: ${r.stderr}`);
    // ready = the default ServiceAccount answers on the virtual API
    await run(kubectl, [`--kubeconfig=${join(dir(i), 'pki', 'admin.conf')}`, 'get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']);
    seconds.push(Math.round((performance.now() - t0) / 10) / 100);
    splits.push(await phases(i));
    if (i < runs - 1) await runCli(['delete', 'vc', '-n', `bench-${i}`], env);
  }
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const rss: Record<string, number | undefined> = {};
  for (const [name, pid] of Object.entries(await pidsIn(join(dir(runs - 1), 'pids')))) rss[name] = await rssMiB(pid);
  const kineSupervisor = Math.round(((rss.kine ?? 0) + (rss.supervisor ?? 0)) * 10) / 10;
  const result = {
    benchmark: 'B1-create-to-ready',
    runs,
    seconds,
    medianSeconds: median(seconds),
    p95Seconds: percentile(seconds, 95),
    componentReadySeconds: splits,
    idleSeconds,
    rssMiB: rss,
    kinePlusSupervisorMiB: kineSupervisor,
    targets: { readySeconds: TARGET_READY_S, kinePlusSupervisorMiB: TARGET_KINE_SUPERVISOR_MIB },
  };
  report(
    result,
    `B1 create→ready: median ${median(seconds)} s, p95 ${percentile(seconds, 95)} s over ${runs} runs (target ≤ ${TARGET_READY_S} s); kine+supervisor RSS ${kineSupervisor} MiB after ${idleSeconds} s idle (target ≤ ${TARGET_KINE_SUPERVISOR_MIB} MiB); apiserver ${rss['kube-apiserver'] ?? '?'} MiB, kcm ${rss['kube-controller-manager'] ?? '?'} MiB`,
  );
} finally {
  for (let i = 0; i < runs; i++) await runCli(['delete', 'vc', '-n', `bench-${i}`, '--ignore-not-found'], env);
  await runCli(['host', 'down', '--purge'], env);
  await rm(home, { recursive: true, force: true });
}
