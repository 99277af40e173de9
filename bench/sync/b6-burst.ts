/**
 * Benchmark B6: a burst of COUNT bare pods created in the vcluster's `default` namespace at CREATE_QPS
 * (vCluster's pod-intensive rate, 100/s, CONCURRENCY POSTs in flight) → the time until all COUNT host
 * pods exist, seen by a list-then-watch on the host namespace (src/k8s/client.ts, this process's
 * monotonic clock, from the first virtual POST). Run once per host client setting, each in a fresh
 * vcluster on the same host: the default (experimental.syncSettings.hostQPS 40 / hostBurst 80, as
 * vCluster) and `--set experimental.syncSettings.hostQPS=400 --set …hostBurst=800`. Per pod: virtual
 * POST → host ADDED. A third run uses vCluster's default token delivery (`sync.toHost.pods.useSecretsForSATokens=false`:
 * tokens in host pod annotations, one host write per pod instead of pod + token Secret). Also B7 during the burst: for the pods the host runs (3 kwok nodes × 110 pods), host
 * Running → virtual Running seen via a virtual watch (target p99 ≤ 2 s).
 * Target (perf-reliability.md B6): all COUNT exist ≤ COUNT/hostQPS + 5 s. With creates at 100/s the
 * creation itself takes COUNT/CREATE_QPS, so the reachable bound is max(COUNT/hostQPS, COUNT/CREATE_QPS)
 * + 5 s; both are printed. Anchors: vCluster's host client 40 QPS / burst 80 → a ≥ 25 s floor for 1 000
 * pods; clusterloader2 density 20 pods/s; the pod-startup SLO p99 ≤ 5 s.
 * Usage: node --import tsx bench/sync/b6-burst.ts [--count 1000] [--create-qps 100] [--concurrency 32] [--high-qps 400]
 */
import { parseArgs } from 'node:util';
import { percentile, report } from '../support.js';
import { barePod, type BenchEnv, countDelta, hostName, hostRequestCounts, machineLoad, paced, PodWatch, round, startHost, stats, VC } from './harness.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    'create-qps': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    'high-qps': { type: 'string', default: '400' },
  },
});
const count = Number(values.count);
const createQps = Number(values['create-qps']);
const concurrency = Number(values.concurrency);
const highQps = Number(values['high-qps']);
const SLACK_S = 5;
const TARGET_BURST_STATUS_P99_MS = 2000;
const ANCHOR_POD_STARTUP_SLO_MS = 5000;
const ANCHOR_CL2_DENSITY_PODS_PER_S = 20;
const ANCHOR_VCLUSTER_QPS = 40;
const ANCHOR_VCLUSTER_BURST = 80;

interface RunResult {
  label: string;
  hostSyncSettings: Record<string, number>;
  vclusterCreateSeconds: number;
  postsDoneSeconds: number;
  allOnHostSeconds: number;
  onHost: number;
  hostPodsPerSecond: number;
  perPodPostToHostAddedMs: ReturnType<typeof stats>;
  postErrors: number;
  floorSeconds: number;
  targetSeconds: number;
  reachableTargetSeconds: number;
  met: boolean;
  duringBurstStatusLatencyMs: ReturnType<typeof stats>;
  hostRunning: number;
  virtualRunning: number;
  watches: Record<string, { restarts: number; relists: number }>;
  /** Host apiserver requests during the run (all host clients), `VERB resource code` → count. */
  hostRequests: Record<string, number>;
  /** POST/PUT/PATCH/DELETE on pods, secrets, configmaps (the kinds the pod syncer writes) per pod. */
  hostPodSecretConfigMapWritesPerPod: number;
  incomplete?: string;
  logsKeptIn?: string;
}

async function burst(bench: BenchEnv, label: string, sets: readonly string[]): Promise<RunResult> {
  const ns = `bench-b6-${label}`;
  const vc = await bench.createVCluster(ns, sets);
  const hostWatch = new PodWatch(bench.host, ns, `vcluster.loft.sh/managed-by=${VC}`);
  const virtualWatch = new PodWatch(vc.client, 'default', 'bench=b6');
  try {
    await hostWatch.start();
    await virtualWatch.start();
    const names = Array.from({ length: count }, (_, i) => `b6-${i}`);
    const posted = new Map<string, number>();
    let postErrors = 0;
    const requestsBefore = await hostRequestCounts(bench);
    const t0 = performance.now();
    await paced(count, createQps, concurrency, async (i) => {
      const name = names[i]!;
      posted.set(name, performance.now());
      try {
        await vc.client.create(barePod(name, { bench: 'b6' }));
      } catch {
        postErrors++;
      }
    });
    const postsDone = performance.now();
    let incomplete = '';
    try {
      await hostWatch.until(() => names.every((n) => hostWatch.added.has(hostName(n))), 120_000, `${count} host pods`);
    } catch (err) {
      incomplete = (err as Error).message;
    }
    const onHostTimes = names.map((n) => hostWatch.added.get(hostName(n))).filter((t): t is number => t !== undefined);
    const last = onHostTimes.length ? Math.max(...onHostTimes) : Number.NaN;
    const allOnHostSeconds = round((last - t0) / 1000, 2);
    // B7 during the burst: wait (≤ 60 s) until every pod the host runs is Running in the vcluster too.
    const hostRunningNames = (): string[] => names.filter((n) => hostWatch.running.has(hostName(n)));
    try {
      await virtualWatch.until(() => hostRunningNames().every((n) => virtualWatch.running.has(n)), 60_000, 'virtual Running for every host-Running pod');
    } catch (err) {
      incomplete = `${incomplete} ${(err as Error).message}`.trim();
    }
    const lag = hostRunningNames()
      .map((n) => (virtualWatch.running.get(n) ?? Number.NaN) - hostWatch.running.get(hostName(n))!)
      .filter((v) => !Number.isNaN(v));
    const hostRequests = countDelta(requestsBefore, await hostRequestCounts(bench));
    const writes = Object.entries(hostRequests)
      .filter(([k]) => /^(POST|PUT|PATCH|DELETE) (pods|secrets|configmaps) /.test(k))
      .reduce((a, [, v]) => a + v, 0);
    const qps = vc.syncSettings.hostQPS ?? Number.NaN;
    const burstSize = vc.syncSettings.hostBurst ?? 0;
    const targetSeconds = round(count / qps + SLACK_S, 1);
    const reachableTargetSeconds = round(Math.max(count / qps, count / createQps) + SLACK_S, 1);
    return {
      label,
      hostSyncSettings: vc.syncSettings,
      vclusterCreateSeconds: vc.createSeconds,
      postsDoneSeconds: round((postsDone - t0) / 1000, 2),
      allOnHostSeconds,
      onHost: onHostTimes.length,
      hostPodsPerSecond: round(onHostTimes.length / ((last - t0) / 1000), 1),
      perPodPostToHostAddedMs: stats(
        names.filter((n) => hostWatch.added.has(hostName(n))).map((n) => hostWatch.added.get(hostName(n))! - posted.get(n)!),
        percentile,
      ),
      postErrors,
      floorSeconds: round(Math.max(0, count - burstSize) / qps, 1),
      targetSeconds,
      reachableTargetSeconds,
      met: onHostTimes.length === count && allOnHostSeconds <= targetSeconds,
      duringBurstStatusLatencyMs: stats(lag, percentile),
      hostRunning: hostRunningNames().length,
      virtualRunning: names.filter((n) => virtualWatch.running.has(n)).length,
      watches: {
        host: { restarts: hostWatch.restarts, relists: hostWatch.relists },
        virtual: { restarts: virtualWatch.restarts, relists: virtualWatch.relists },
      },
      hostRequests,
      hostPodSecretConfigMapWritesPerPod: round(writes / count, 2),
      ...(incomplete ? { incomplete, logsKeptIn: await bench.keepLogs(ns) } : {}),
    };
  } finally {
    await hostWatch.stop();
    await virtualWatch.stop();
  }
}

const bench = await startHost('b6');
try {
  const loadAtStart = machineLoad();
  const t0 = performance.now();
  const runs: RunResult[] = [];
  runs.push(await burst(bench, 'default', []));
  const d0 = performance.now();
  await bench.deleteVCluster('bench-b6-default');
  const deleteSeconds = round((performance.now() - d0) / 1000, 1);
  runs.push(await burst(bench, `qps${highQps}`, [`experimental.syncSettings.hostQPS=${highQps}`, `experimental.syncSettings.hostBurst=${highQps * 2}`]));
  await bench.deleteVCluster(`bench-b6-qps${highQps}`);
  // vCluster's default token delivery (pod annotations): one host write per pod instead of two
  runs.push(await burst(bench, 'token-annotations', ['sync.toHost.pods.useSecretsForSATokens=false']));
  const result = {
    benchmark: 'B6-burst-to-host',
    method: `${count} bare virtual pods POSTed at ${createQps}/s (${concurrency} in flight); time from the first POST to the host watch ADDED of the last host pod; 3 kwok nodes`,
    count,
    createQps,
    runs,
    deleteVClusterWith1000PodsSeconds: deleteSeconds,
    totalSeconds: round((performance.now() - t0) / 1000, 1),
    machine: { atStart: loadAtStart, atEnd: machineLoad() },
    targets: {
      allExistSeconds: `≤ ${count}/hostQPS + ${SLACK_S} s (reachable with ${createQps}/s creates: max(${count}/hostQPS, ${count}/${createQps}) + ${SLACK_S} s)`,
      duringBurstStatusP99Ms: TARGET_BURST_STATUS_P99_MS,
    },
    anchors: {
      vclusterHostQps: ANCHOR_VCLUSTER_QPS,
      vclusterHostBurst: ANCHOR_VCLUSTER_BURST,
      vclusterFloorSeconds: round((count - ANCHOR_VCLUSTER_BURST) / ANCHOR_VCLUSTER_QPS, 1),
      clusterloader2DensityPodsPerSecond: ANCHOR_CL2_DENSITY_PODS_PER_S,
      podStartupSloP99Ms: ANCHOR_POD_STARTUP_SLO_MS,
    },
  };
  const line = runs
    .map(
      (r) =>
        `${r.label} (hostQPS ${r.hostSyncSettings.hostQPS}/burst ${r.hostSyncSettings.hostBurst}, ${r.hostPodSecretConfigMapWritesPerPod} host writes/pod): ${r.onHost}/${count} on host in ${r.allOnHostSeconds} s (${r.hostPodsPerSecond} pods/s; target ≤ ${r.targetSeconds} s: ${r.met ? 'met' : 'NOT met'}; reachable ≤ ${r.reachableTargetSeconds} s: ${r.allOnHostSeconds <= r.reachableTargetSeconds && r.onHost === count ? 'met' : 'NOT met'}), per-pod p50 ${r.perPodPostToHostAddedMs.p50} ms p99 ${r.perPodPostToHostAddedMs.p99} ms, status-back during burst p99 ${r.duringBurstStatusLatencyMs.p99} ms over ${r.duringBurstStatusLatencyMs.n} (target ≤ ${TARGET_BURST_STATUS_P99_MS} ms)`,
    )
    .join('; ');
  report(
    result,
    `B6 burst of ${count} pods at ${createQps}/s: ${line}; anchors: vCluster 40 QPS/80 burst floor ${result.anchors.vclusterFloorSeconds} s, clusterloader2 density ${ANCHOR_CL2_DENSITY_PODS_PER_S} pods/s, pod-startup SLO p99 ≤ ${ANCHOR_POD_STARTUP_SLO_MS} ms`,
  );
} finally {
  await bench.teardown();
}
