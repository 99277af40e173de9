/**
 * Benchmark: first-byte latency of `kubectl logs`, `kubectl exec` and a request through `kubectl
 * port-forward`, for a busybox httpd pod on the embedded host's real node: in a vcluster (virtual
 * kube-apiserver → the syncer's kubelet proxy → host kube-apiserver → kubelet) vs directly on the
 * host (host kube-apiserver → kubelet), median of RUNS each. logs/exec include kubectl's own start
 * (the same binary on both sides); port-forward is measured per request once the forward is up.
 * Brings up its own host and vcluster in a temporary VCLUSTER_HOME and removes them.
 * Usage: node --import tsx bench/access/first-byte.ts [--runs 10]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../../src/lib/process.js';
import { runCli } from '../../test/support/cli.js';
import { testBinaries } from '../../test/support/binaries.js';
import { median, percentile, report } from '../support.js';
import { measureAccess, type AccessTimes } from './measure.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const VC = 'bench-access';
const NS = 'bench-access';

const home = await mkdtemp(join(tmpdir(), 'vcluster-bench-access-'));
const env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
const kubectl = (await testBinaries()).path('kubectl');
const vflags = ['--kubeconfig', join(home, 'vclusters', 'vcluster-host', NS, VC, 'pki', 'admin.conf')];
const hflags = ['--kubeconfig', env.KUBECONFIG, '--context', 'vcluster-host', '-n', NS];
const stats = (xs: number[]): { median: number; p90: number } => ({ median: Math.round(median(xs)), p90: Math.round(percentile(xs, 90)) });
const summarize = (t: AccessTimes) => ({ logs: stats(t.logsMs), exec: stats(t.execMs), portForwardRequest: stats(t.portForwardMs) });

try {
  for (const args of [['host', 'up', '--nodes', '1'], ['create', VC, '-n', NS, '--connect=false', '--driver', 'local']]) {
    const r = await runCli(args, env);
    if (r.code !== 0) throw new Error(`vcluster ${args.join(' ')}: ${r.stderr}`);
  }
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: {
      nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
      tolerations: [{ key: 'vcluster-ts.io/real-node', operator: 'Exists', effect: 'PreferNoSchedule' }],
      containers: [{ name: 'main', image: 'vcluster-ts.local/busybox:1.35.0', imagePullPolicy: 'Never', command: ['sh', '-c', 'echo up; httpd -f -p 8080 -h /www'] }],
    },
  };
  await run(kubectl, [...vflags, 'apply', '-f', '-'], { input: JSON.stringify(pod) });
  await run(kubectl, [...vflags, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=180s'], { timeoutMs: 200_000 });
  const viaProxy = summarize(await measureAccess({ kubectl, flags: vflags, pod: 'web', httpPort: 8080 }, runs));
  const direct = summarize(await measureAccess({ kubectl, flags: hflags, pod: `web-x-default-x-${VC}`, httpPort: 8080 }, runs));
  report(
    { runs, unit: 'ms', viaProxy, direct },
    `first byte (median ms, proxy vs host): logs ${viaProxy.logs.median} vs ${direct.logs.median}, exec ${viaProxy.exec.median} vs ${direct.exec.median}, port-forward request ${viaProxy.portForwardRequest.median} vs ${direct.portForwardRequest.median}`,
  );
} finally {
  await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
  await runCli(['host', 'down', '--purge'], env);
  await rm(home, { recursive: true, force: true });
}
