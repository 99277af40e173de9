/**
 * Benchmark B7 (steady): host pod Running (kwok) → virtual pod `status.phase=Running`. COUNT bare pods
 * are created in the vcluster's `default` namespace at RATE per second; one list-then-watch on the host
 * namespace and one on the virtual `default` namespace (both through src/k8s/client.ts, in this
 * process) stamp the arrival of the first event showing each pod Running on each side; the latency is
 * virtual-Running-seen − host-Running-seen, on one monotonic clock. Also shown, for context: host
 * ADDED → host Running (scheduler + kwok, not the syncer) and virtual POST → virtual Running (the whole
 * path, B8-like at this small scale).
 * Target (perf-reliability.md B7): steady p99 ≤ 500 ms. Anchors: the Kubernetes pod-startup SLO (p99 ≤
 * 5 s for the whole path, B7 included); vCluster's syncer uses a host client of 40 QPS / burst 80 by
 * default and publishes no status-sync latency.
 * Usage: node --import tsx bench/sync/b7-status-to-virtual.ts [--count 200] [--rate 5]
 */
import { parseArgs } from 'node:util';
import { percentile, report } from '../support.js';
import { barePod, hostName, machineLoad, paced, PodWatch, round, startHost, stats, VC } from './harness.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, rate: { type: 'string', default: '5' } } });
const count = Number(values.count);
const rate = Number(values.rate);
const NS = 'bench-b7';
const TARGET_P99_MS = 500;
const ANCHOR_POD_STARTUP_SLO_MS = 5000;
const names = Array.from({ length: count }, (_, i) => `b7-${i}`);

const bench = await startHost('b7');
const watches: PodWatch[] = [];
try {
  const vc = await bench.createVCluster(NS);
  const hostWatch = new PodWatch(bench.host, NS, `vcluster.loft.sh/managed-by=${VC}`);
  const virtualWatch = new PodWatch(vc.client, 'default', 'bench=b7');
  watches.push(hostWatch, virtualWatch);
  await hostWatch.start();
  await virtualWatch.start();
  const posted = new Map<string, number>();
  const loadAtStart = machineLoad();
  const t0Run = performance.now();
  await paced(count, rate, 8, async (i) => {
    const name = names[i]!;
    posted.set(name, performance.now());
    await vc.client.create(barePod(name, { bench: 'b7' }));
  });
  const allRunning = (): boolean => names.every((n) => virtualWatch.running.has(n));
  let timedOut = '';
  try {
    await virtualWatch.until(allRunning, 120_000, `${count} virtual pods Running`);
  } catch (err) {
    timedOut = (err as Error).message;
  }
  const runSeconds = round((performance.now() - t0Run) / 1000, 1);

  const statusLag: number[] = [];
  const hostStart: number[] = [];
  const endToEnd: number[] = [];
  for (const n of names) {
    const hRunning = hostWatch.running.get(hostName(n));
    const vRunning = virtualWatch.running.get(n);
    const hAdded = hostWatch.added.get(hostName(n));
    if (hRunning !== undefined && vRunning !== undefined) statusLag.push(vRunning - hRunning);
    if (hRunning !== undefined && hAdded !== undefined) hostStart.push(hRunning - hAdded);
    if (vRunning !== undefined) endToEnd.push(vRunning - posted.get(n)!);
  }
  const s = stats(statusLag, percentile);
  const e2e = stats(endToEnd, percentile);
  const met = statusLag.length === count && s.p99 <= TARGET_P99_MS;
  const result = {
    benchmark: 'B7-host-running-to-virtual-running',
    method: `bare pods created at ${rate}/s; client clock from the host watch event showing phase=Running to the virtual watch event showing phase=Running (same process)`,
    count,
    ratePerSecond: rate,
    runSeconds,
    ...(timedOut ? { incomplete: timedOut, logsKeptIn: await bench.keepLogs(NS) } : {}),
    vclusterCreateSeconds: vc.createSeconds,
    hostSyncSettings: vc.syncSettings,
    statusLatencyMs: s,
    hostAddedToHostRunningMs: stats(hostStart, percentile),
    virtualPostToVirtualRunningMs: e2e,
    watches: {
      host: { restarts: hostWatch.restarts, relists: hostWatch.relists },
      virtual: { restarts: virtualWatch.restarts, relists: virtualWatch.relists },
    },
    machine: { atStart: loadAtStart, atEnd: machineLoad() },
    targets: { steadyP99Ms: TARGET_P99_MS, met },
    anchors: {
      podStartupSloP99Ms: ANCHOR_POD_STARTUP_SLO_MS,
      vclusterHostClient: 'vCluster syncer → host: 40 QPS / burst 80 by default; no published status-sync latency',
    },
  };
  report(
    result,
    `B7 host Running→virtual Running seen: p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms over ${statusLag.length}/${count} pods at ${rate}/s (target steady p99 ≤ ${TARGET_P99_MS} ms: ${met ? 'met' : 'NOT met'}); whole path virtual POST→virtual Running p50 ${e2e.p50} ms, p99 ${e2e.p99} ms vs pod-startup SLO p99 ≤ ${ANCHOR_POD_STARTUP_SLO_MS} ms; vCluster host client 40 QPS/80 burst`,
  );
} finally {
  for (const w of watches) await w.stop();
  await bench.teardown();
}
