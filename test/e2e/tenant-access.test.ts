/**
 * Tenants reach their workloads (issue 13, part A): in a vcluster on the embedded host, `kubectl logs`
 * (-f, --previous), `exec` (ps, -i with stdin), `port-forward` and `cp` on a pod of the real node, all
 * through the syncer's kubelet proxy; on a simulated (kwok) pod they answer what kwok is configured to
 * answer; virtual nodes advertise IPs and the proxy's port; the proxy refuses a pod the vcluster does
 * not manage and a client without the apiserver's certificate. Prints the first-byte latencies through
 * the proxy and directly on the host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { run } from '../../src/lib/process.js';
import { SIMULATED_LOG_LINE, SIMULATED_PORT_FORWARD_BODY } from '../../src/embedded-host/kwok-debugging.js';
import { SIMULATED_EXEC_MESSAGE } from '../../src/syncer/kubelet-proxy/simulated.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';
import { httpFirstByte, measureAccess, withPortForward, type AccessTarget } from '../../bench/access/measure.js';
import { median } from '../../bench/support.js';

const VC = 'my-vcluster';
const NS = 'test-namespace';
const BUSYBOX = 'vcluster-ts.local/busybox:1.35.0';

interface NodeJson {
  metadata: { name: string };
  status: { addresses: { type: string; address: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } };
}

function realPod(name: string, command: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
      tolerations: [{ key: 'vcluster-ts.io/real-node', operator: 'Exists', effect: 'PreferNoSchedule' }],
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: BUSYBOX, imagePullPolicy: 'Never', command }],
      ...extra,
    },
  };
}

describe('tenant access through the kubelet proxy', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let vcDir = '';
  const pids = new Set<number>();
  const vflags = (): string[] => ['--kubeconfig', join(vcDir, 'pki', 'admin.conf')];
  const hflags = (): string[] => ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host'];
  const virtual = async (args: string[], input?: string): Promise<string> =>
    (await run(kubectlBin, [...vflags(), ...args], { timeoutMs: 120_000, ...(input === undefined ? {} : { input }) })).stdout;
  const host = async (args: string[], input?: string): Promise<string> =>
    (await run(kubectlBin, [...hflags(), ...args], { timeoutMs: 120_000, ...(input === undefined ? {} : { input }) })).stdout;
  const remember = async (): Promise<void> => {
    for (const dir of [join(home, 'host', 'pids'), join(vcDir, 'pids')]) for (const p of Object.values(await pidsIn(dir))) pids.add(p);
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-access-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    vcDir = join(home, 'vclusters', 'vcluster-host', NS, VC);
    for (const args of [['host', 'up', '--nodes', '1'], ['create', VC, '-n', NS, '--connect=false', '--driver', 'local']]) {
      const r = await runCli(args, env);
      assert.equal(r.code, 0, r.stderr);
      await remember();
    }
    const pods = [
      realPod('talker', ['sh', '-c', 'echo hello from the real node; i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done']),
      realPod('web', ['sh', '-c', 'echo web up; exec httpd -f -p 8080 -h /www']),
      realPod('crash', ['sh', '-c', 'echo "run at $(date +%s%N)"; sleep 2; exit 1']),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'simulated' },
        spec: { nodeSelector: { type: 'kwok' }, containers: [{ name: 'main', image: 'nginx' }] },
      },
    ];
    await virtual(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
    await virtual(['wait', '--for=condition=Ready', 'pod/talker', 'pod/web', 'pod/simulated', '--timeout=180s']);
  });

  after(async () => {
    await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
    await runCli(['host', 'down', '--purge'], env);
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('virtual nodes advertise an IP and the kubelet proxy port, never a name', async () => {
    const state = JSON.parse(await readFile(join(vcDir, 'state.json'), 'utf8')) as { ports: { kubeletProxy?: number } };
    assert.ok(state.ports.kubeletProxy, 'state.json has the kubelet proxy port');
    const nodes = (JSON.parse(await virtual(['get', 'nodes', '-o', 'json'])) as { items: NodeJson[] }).items;
    assert.ok(nodes.length >= 2, `a real and a simulated node: ${nodes.map((n) => n.metadata.name).join(', ')}`);
    for (const n of nodes) {
      assert.ok(n.status.addresses.length > 0);
      for (const a of n.status.addresses) assert.ok(isIP(a.address), `${n.metadata.name}: ${a.type} ${a.address} is an IP`);
      assert.equal(n.status.daemonEndpoints.kubeletEndpoint.Port, state.ports.kubeletProxy);
    }
  });

  it('kubectl logs, logs -f and logs --previous on the real node', async () => {
    assert.match(await virtual(['logs', 'talker']), /hello from the real node/);
    // -f: keeps streaming new lines
    const follow = await new Promise<string>((resolve, reject) => {
      const child = spawn(kubectlBin, [...vflags(), 'logs', '-f', 'talker', '--tail=1']);
      let out = '';
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`logs -f: only ${JSON.stringify(out)} in 20 s`))), 20_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if ((out.match(/tick \d+/g) ?? []).length >= 3) {
          clearTimeout(timer);
          child.kill('SIGTERM');
          resolve(out);
        }
      });
    });
    const ticks = (follow.match(/tick (\d+)/g) ?? []).map((t) => Number(t.split(' ')[1]));
    assert.ok(ticks[2]! > ticks[0]!, `new lines arrive while following: ${ticks.join(',')}`);
    // --previous: the container of the last run, after a restart
    await eventually('crash to restart', async () => Number(await virtual(['get', 'pod', 'crash', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])) >= 1 || undefined, 120_000, 1000);
    const previous = await eventually('logs --previous', async () => (await virtual(['logs', 'crash', '--previous'])) || undefined, 30_000, 1000);
    assert.match(previous, /^run at \d+/);
  });

  it('kubectl exec -- ps, and exec -i with stdin', async () => {
    assert.match(await virtual(['exec', 'talker', '--', 'ps']), /sleep 1|while true/);
    assert.equal((await virtual(['exec', '-i', 'talker', '--', 'sh', '-c', 'tr a-z A-Z'], 'hello stdin\n')).trim(), 'HELLO STDIN');
  });

  it('kubectl port-forward pod/web LOCAL:8080 then a local request', async () => {
    const target: AccessTarget = { kubectl: kubectlBin, flags: vflags(), pod: 'web', httpPort: 8080 };
    const answer = await withPortForward(target, 8080, (port) => httpFirstByte(port));
    assert.match(answer.body, /^HTTP\/1\.[01] 200/);
    assert.match(answer.body, /hello from vcluster-ts busybox/);
  });

  it('kubectl cp both ways', async () => {
    const local = join(home, 'cp-in.txt');
    const back = join(home, 'cp-out.txt');
    await writeFile(local, 'copied through the kubelet proxy\n'.repeat(100));
    await virtual(['cp', local, 'talker:/tmp/cp.txt']);
    await virtual(['cp', 'talker:/tmp/cp.txt', back]);
    assert.equal(await readFile(back, 'utf8'), await readFile(local, 'utf8'));
  });

  it('a simulated (kwok) pod answers what kwok is configured to answer', async (t) => {
    assert.match(await virtual(['logs', 'simulated']), new RegExp(SIMULATED_LOG_LINE));
    assert.equal((await virtual(['exec', 'simulated', '--', 'ps'])).trim(), SIMULATED_EXEC_MESSAGE);
    const target: AccessTarget = { kubectl: kubectlBin, flags: vflags(), pod: 'simulated', httpPort: 80 };
    // one CI run saw a first port-forward to a kwok pod never answer (cause not found yet): a fresh
    // port-forward is tried up to 3 times, and the attempts are reported
    let answer: { ms: number; body: string } | undefined;
    for (let attempt = 1; !answer; attempt++) {
      try {
        answer = await withPortForward(target, 80, (port) => httpFirstByte(port, 10_000));
        if (attempt > 1) t.diagnostic(`kwok port-forward answered on attempt ${attempt}`);
      } catch (err) {
        if (attempt >= 3) throw err;
        t.diagnostic(`kwok port-forward attempt ${attempt} failed: ${(err as Error).message}`);
      }
    }
    assert.ok(answer.body.endsWith(SIMULATED_PORT_FORWARD_BODY), answer.body);
  });

  it('refuses a pod the vcluster does not manage, and a client without the apiserver certificate', async () => {
    // a host pod holding the name the virtual pod default/intruder would get, without the vcluster's marker
    await host(['-n', NS, 'run', 'intruder-x-default-x-my-vcluster', '--image=nginx', '--overrides={"spec":{"nodeSelector":{"type":"kwok"}}}']);
    const node = (JSON.parse(await virtual(['get', 'nodes', '-o', 'json'])) as { items: NodeJson[] }).items[0]!;
    const address = node.status.addresses.find((a) => a.type === 'InternalIP')!.address;
    const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
    const get = (path: string, withCert: boolean): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const load = withCert
          ? Promise.all([readFile(join(vcDir, 'pki', 'apiserver-kubelet-client.crt')), readFile(join(vcDir, 'pki', 'apiserver-kubelet-client.key'))])
          : Promise.resolve(undefined);
        void load.then((pair) => {
          const req = https.request({ host: address, port, path, rejectUnauthorized: false, ...(pair ? { cert: pair[0], key: pair[1] } : {}) }, (res) => {
            let body = '';
            res.on('data', (b: Buffer) => (body += b.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        }, reject);
      });
    // the syncer only caches host pods carrying its managed-by label: the intruder is not one of them
    const refused = await get('/containerLogs/default/intruder/intruder', true);
    assert.equal(refused.status, 404, refused.body);
    assert.match(refused.body, /pod default\/intruder is not a pod of vcluster my-vcluster/);
    const missing = await get('/containerLogs/default/nothing/main', true);
    assert.equal(missing.status, 404, missing.body);
    const ok = await get('/containerLogs/default/talker/main?tailLines=1', true);
    assert.equal(ok.status, 200, ok.body);
    assert.match(ok.body, /tick \d+/);
    await assert.rejects(get('/containerLogs/default/talker/main', false), 'no client certificate: the TLS handshake is refused');
  });

  it('measures first-byte latency through the proxy vs directly on the host', async () => {
    const runs = 5;
    const through = await measureAccess({ kubectl: kubectlBin, flags: vflags(), pod: 'web', httpPort: 8080 }, runs);
    const direct = await measureAccess({ kubectl: kubectlBin, flags: [...hflags(), '-n', NS], pod: 'web-x-default-x-my-vcluster', httpPort: 8080 }, runs);
    const r = (xs: number[]): number => Math.round(median(xs));
    const figures = {
      runs,
      viaProxyMs: { logs: r(through.logsMs), exec: r(through.execMs), portForwardRequest: r(through.portForwardMs) },
      directHostMs: { logs: r(direct.logsMs), exec: r(direct.execMs), portForwardRequest: r(direct.portForwardMs) },
    };
    process.stdout.write(`# access first-byte medians: ${JSON.stringify(figures)}\n`);
    assert.ok(figures.viaProxyMs.logs > 0 && figures.directHostMs.logs > 0);
  });
});
