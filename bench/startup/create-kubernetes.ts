/**
 * Benchmark: `vcluster create --driver kubernetes` on the embedded host's real node → pod NAME-0 Ready
 * and the default ServiceAccount present on the virtual API (through connect's port-forward), median
 * of RUNS with the images already loaded (the first create, which builds and loads them, is reported
 * apart), and the idle RSS of each process in the syncer container.
 * Target (issue 12): ≤ 15 s with images loaded. Anchor: vCluster's docs speak of "under a minute".
 * Usage: node --import tsx bench/startup/create-kubernetes.ts [--runs 5] [--idle 30]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../src/lib/process.js';
import { runCli } from '../../test/support/cli.js';
import { testBinaries } from '../../test/support/binaries.js';
import { median, percentile, report } from '../support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, idle: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const idleSeconds = Number(values.idle);
const TARGET_S = 15;
const ANCHOR_VCLUSTER_S = 60;

const kubectl = (await testBinaries()).path('kubectl');
const home = await mkdtemp(join(tmpdir(), 'vcluster-bench-k8s-driver-'));
const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };

async function createToReady(i: number): Promise<number> {
  const t0 = performance.now();
  const r = await runCli(['create', 'vc', '-n', `bench-${i}`, '--driver', 'kubernetes', '--connect=false'], env);
  if (r.code !== 0) throw new Error(`create failed: ${r.stderr}`);
  for (;;) {
    const ok = await runCli(['connect', 'vc', '-n', `bench-${i}`, '--', kubectl, 'get', 'serviceaccount', 'default', '-o', 'name'], env);
    if (ok.code === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  return Math.round((performance.now() - t0) / 10) / 100;
}

/** VmRSS (MiB) of each process of the syncer container, by its command line. */
async function containerRss(ns: string): Promise<Record<string, number>> {
  const script = 'for p in /proc/[0-9]*; do n=$(tr "\\0" " " < $p/cmdline | cut -c1-120); r=$(grep VmRSS $p/status | tr -s " " | cut -d" " -f2); [ -n "$r" ] && echo "$r|$n"; done';
  const { stdout } = await run(kubectl, ['--kubeconfig', env.KUBECONFIG, '--context', 'vcluster-host', 'exec', '-n', ns, 'vc-0', '-c', 'syncer', '--', 'sh', '-c', script]);
  const out: Record<string, number> = {};
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [kb, cmd] = line.split('|');
    const c = cmd ?? '';
    const name = /\/kube-apiserver /.test(c) ? 'kube-apiserver' : /\/kube-controller-manager /.test(c) ? 'kube-controller-manager' : /vcluster\.js kine /.test(c) ? 'kine' : /vcluster\.js .*start /.test(c) ? 'supervisor+syncer' : undefined;
    if (name) out[name] = Math.round(Number(kb) / 102.4) / 10;
  }
  return out;
}

try {
  const up = await runCli(['host', 'up', '--nodes', '2'], env);
  if (up.code !== 0) throw new Error(`host up failed: ${up.stderr}`);
  const first = await createToReady(0);
  await runCli(['delete', 'vc', '-n', 'bench-0'], env);
  const seconds: number[] = [];
  for (let i = 1; i <= runs; i++) {
    seconds.push(await createToReady(i));
    if (i < runs) await runCli(['delete', 'vc', '-n', `bench-${i}`], env);
  }
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const rss = await containerRss(`bench-${runs}`);
  const total = Math.round(Object.values(rss).reduce((a, b) => a + b, 0) * 10) / 10;
  report(
    {
      benchmark: 'create-to-ready-kubernetes-driver',
      runs,
      firstCreateWithImageBuildSeconds: first,
      seconds,
      medianSeconds: median(seconds),
      p95Seconds: percentile(seconds, 95),
      idleSeconds,
      syncerContainerRssMiB: rss,
      syncerContainerRssTotalMiB: total,
      target: { seconds: TARGET_S },
      anchor: { vclusterDocsSeconds: ANCHOR_VCLUSTER_S },
    },
    `kubernetes driver create→ready: median ${median(seconds)} s, p95 ${percentile(seconds, 95)} s over ${runs} runs with images loaded (target ≤ ${TARGET_S} s; vCluster docs: under ${ANCHOR_VCLUSTER_S} s); first create incl. image build+load ${first} s; syncer container idle RSS ${total} MiB (${Object.entries(rss).map(([k, v]) => `${k} ${v}`).join(', ')})`,
  );
} finally {
  for (let i = 0; i <= runs; i++) await runCli(['delete', 'vc', '-n', `bench-${i}`, '--ignore-not-found'], env);
  await runCli(['host', 'down', '--purge'], env);
  await rm(home, { recursive: true, force: true });
}
