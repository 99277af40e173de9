/**
 * Benchmark B5: virtual pod create → host pod seen. COUNT bare pods created one at a time in the
 * vcluster's `default` namespace (the next only after the previous one's host copy was seen, then a GAP
 * ms pause); each latency runs from just before the virtual POST to the arrival of the host watch's
 * ADDED event for `<pod>-x-default-x-my-vcluster`, both on this process's monotonic clock (a
 * list-then-watch on the host namespace through src/k8s/client.ts, no polling). Also split out: the
 * virtual POST round trip, and POST-answered → host ADDED (the syncer's share).
 * Target (perf-reliability.md B5): p50 ≤ 50 ms, p99 ≤ 250 ms. Anchors: vCluster's sync path to the host
 * is rate-limited at 40 QPS / burst 80 by default and publishes no sync-latency figure; the Kubernetes
 * pod-startup SLO is p99 ≤ 5 s for the whole path.
 * Usage: node --import tsx bench/sync/b5-create-to-host.ts [--count 200] [--gap 100]
 */
import { parseArgs } from 'node:util';
import { percentile, report } from '../support.js';
import { barePod, hostName, machineLoad, PodWatch, round, sleep, startHost, stats, VC } from './harness.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, gap: { type: 'string', default: '100' } } });
const count = Number(values.count);
const gapMs = Number(values.gap);
const NS = 'bench-b5';
const TARGET_P50_MS = 50;
const TARGET_P99_MS = 250;
const SYNC_TIMEOUT_MS = 30_000;

const bench = await startHost('b5');
let hostWatch: PodWatch | undefined;
try {
  const vc = await bench.createVCluster(NS);
  hostWatch = new PodWatch(bench.host, NS, `vcluster.loft.sh/managed-by=${VC}`);
  await hostWatch.start();
  // One unmeasured warm-up pod: discovery caches and connections on both clients.
  const warm = barePod('b5-warmup', { bench: 'b5' });
  await vc.client.create(warm);
  const watch = hostWatch;
  try {
    await watch.until(() => watch.added.has(hostName('b5-warmup')), SYNC_TIMEOUT_MS, 'the warm-up pod on the host');
  } catch (err) {
    throw new Error(`${(err as Error).message}; vcluster logs kept in ${await bench.keepLogs(NS)}`);
  }

  const total: number[] = [];
  const post: number[] = [];
  const syncer: number[] = [];
  const loadAtStart = machineLoad();
  const t0Run = performance.now();
  for (let i = 0; i < count; i++) {
    const name = `b5-${i}`;
    const pod = barePod(name, { bench: 'b5' });
    const t0 = performance.now();
    await vc.client.create(pod);
    const t1 = performance.now();
    try {
      await watch.until(() => watch.added.has(hostName(name)), SYNC_TIMEOUT_MS, `host pod ${hostName(name)}`);
    } catch (err) {
      throw new Error(`${(err as Error).message}; vcluster logs kept in ${await bench.keepLogs(NS)}`);
    }
    const seen = watch.added.get(hostName(name))!;
    total.push(seen - t0);
    post.push(t1 - t0);
    syncer.push(seen - t1);
    if (gapMs > 0) await sleep(gapMs);
  }
  const runSeconds = round((performance.now() - t0Run) / 1000, 1);
  const s = stats(total, percentile);
  const result = {
    benchmark: 'B5-virtual-create-to-host-pod',
    method: 'sequential bare pods; client clock from before the virtual POST to the host watch ADDED event (same process)',
    count,
    gapMs,
    runSeconds,
    vclusterCreateSeconds: vc.createSeconds,
    hostSyncSettings: vc.syncSettings,
    latencyMs: s,
    virtualPostMs: stats(post, percentile),
    postAnsweredToHostAddedMs: stats(syncer, percentile),
    hostWatch: { restarts: watch.restarts, relists: watch.relists },
    machine: { atStart: loadAtStart, atEnd: machineLoad() },
    targets: { p50Ms: TARGET_P50_MS, p99Ms: TARGET_P99_MS, met: s.p50 <= TARGET_P50_MS && s.p99 <= TARGET_P99_MS },
    anchors: {
      vclusterHostClient: 'vCluster syncer → host: 40 QPS / burst 80 by default; no published sync-latency figure',
      podStartupSloP99Ms: 5000,
    },
  };
  report(
    result,
    `B5 virtual create→host pod seen: p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms over ${count} sequential pods (target p50 ≤ ${TARGET_P50_MS} ms, p99 ≤ ${TARGET_P99_MS} ms: ${result.targets.met ? 'met' : 'NOT met'}); virtual POST p50 ${result.virtualPostMs.p50} ms; anchors: pod-startup SLO p99 ≤ 5000 ms for the whole path, vCluster host client 40 QPS/80 burst`,
  );
} finally {
  await hostWatch?.stop();
  await bench.teardown();
}
