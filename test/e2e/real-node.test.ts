/**
 * The embedded host's real node end to end (issue 11's acceptance): kubelet + containerd + runc +
 * kube-proxy in namespaces of their own, running busybox pods from locally built images — logs, exec,
 * pod-to-pod, a ClusterIP Service, the host API from inside a pod — then `host down` leaving nothing
 * behind, and `host up` after a SIGKILLed supervisor.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { run } from '../../src/lib/process.js';
import { SIMULATED_LOG_LINE } from '../../src/embedded-host/kwok-debugging.js';
import { realNodeLayout } from '../../src/embedded-host/node/layout.js';
import { existingCgroups } from '../../src/embedded-host/node/cgroups.js';
import { hostCgroup } from '../../src/embedded-host/node/layout.js';
import { writeTar, tarEntriesFromDir } from '../../src/images/tar.js';
import { ociImageArchive } from '../../src/images/oci.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { isGone, killAll, pidsIn } from '../support/processes.js';

const BUSYBOX = 'vcluster-ts.local/busybox:1.35.0';

interface NodeJson {
  metadata: { name: string; labels: Record<string, string> };
  status: {
    addresses: { type: string; address: string }[];
    nodeInfo: { containerRuntimeVersion: string };
    conditions: { type: string; status: string }[];
  };
}

/** iptables rules of the root namespace, without counters and comments. */
async function iptablesRules(): Promise<string> {
  const { stdout } = await run('iptables-save', []);
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');
}

function pod(name: string, command: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: BUSYBOX, imagePullPolicy: 'Never', command }],
      ...extra,
    },
  });
}

describe('a real node in the embedded host', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  const pids = new Set<number>();
  let rulesBefore = '';
  let linksBefore = '';
  const kubectl = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args], { timeoutMs: 120_000 })).stdout;
  const apply = (yaml: string): Promise<string> =>
    run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', 'apply', '-f', '-'], { input: yaml }).then((r) => r.stdout);
  const cli = (...args: string[]) => runCli(args, env);
  /** Waits until a restartPolicy: Never pod ends; its phase. */
  const finished = (name: string): Promise<string> =>
    eventually(
      `pod ${name} to finish`,
      async () => {
        const p = (await kubectl('get', 'pod', name, '-o', 'jsonpath={.status.phase}')).trim();
        return p === 'Succeeded' || p === 'Failed' ? p : undefined;
      },
      120_000,
    );
  const remember = async (): Promise<void> => {
    for (const p of Object.values(await pidsIn(join(home, 'host', 'pids')))) pids.add(p);
    for (const p of Object.values(await pidsIn(realNodeLayout(join(home, 'host'), 1).dirs.pids))) pids.add(p);
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-node-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    rulesBefore = await iptablesRules();
    linksBefore = (await run('ip', ['-o', 'link', 'show'])).stdout.replace(/\\.*$/gm, '');
    const up = await cli('host', 'up', '--nodes', '2');
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /2 simulated node\(s\), 1 real node\(s\)/);
    await remember();
  });

  after(async () => {
    await cli('host', 'down', '--purge');
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('shows the real node Ready, on containerd 2.x, beside the kwok nodes; every node address is an IP', async () => {
    const nodes = (JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: NodeJson[] }).items;
    const real = nodes.filter((n) => n.metadata.labels['vcluster-ts.io/node-type'] === 'real');
    const kwok = nodes.filter((n) => n.metadata.labels.type === 'kwok');
    assert.equal(real.length, 1);
    assert.equal(kwok.length, 2);
    const node = real[0]!;
    assert.equal(node.metadata.name, realNodeLayout(join(home, 'host'), 1).nodeIp, 'the node is named by its IP');
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/2\./);
    assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    for (const n of nodes) {
      const internal = n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
      assert.ok(isIP(internal), `${n.metadata.name}: InternalIP ${internal} is an IP`);
    }
    for (const n of kwok) assert.equal(n.status.addresses.find((a) => a.type === 'InternalIP')?.address, '127.0.0.1');
  });

  it('runs busybox pods: logs, exec, pod to pod, a ClusterIP Service', async () => {
    await apply(pod('hello', ['sh', '-c', 'echo hello from a real container; sleep 3600']));
    await apply(pod('web', ['httpd', '-f', '-p', '8080', '-h', '/www']));
    await kubectl('wait', '--for=condition=Ready', 'pod/hello', 'pod/web', '--timeout=90s');
    assert.match(await kubectl('logs', 'hello'), /hello from a real container/);
    const ps = await kubectl('exec', 'hello', '--', 'ps');
    assert.match(ps, /sleep 3600/);
    const webIp = (await kubectl('get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}')).trim();
    assert.ok(isIP(webIp), `web has a pod IP (${webIp})`);
    assert.match(await kubectl('exec', 'hello', '--', 'timeout', '5', 'wget', '-qO-', `http://${webIp}:8080/`), /hello from vcluster-ts busybox/);
    await kubectl('expose', 'pod', 'web', '--port', '80', '--target-port', '8080');
    const clusterIp = (await kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    const body = await eventually(
      'the ClusterIP Service to answer',
      async () => (await kubectl('exec', 'hello', '--', 'timeout', '3', 'wget', '-qO-', `http://${clusterIp}/`)) || undefined,
      30_000,
    );
    assert.match(body, /hello from vcluster-ts busybox/);
  });

  it('reaches the host API from a pod (kubectl auth whoami prints its service account)', async () => {
    // an image with the pinned kubectl on top of busybox, built by our own OCI code and loaded with `vcluster image import`
    const bins = await testBinaries();
    const root = join(home, 'kubectl-rootfs');
    await run('mkdir', ['-p', join(root, 'bin')]);
    await run('cp', [bins.path('kubectl'), join(root, 'bin', 'kubectl')]);
    const busyboxArchive = await readFile(join(home, 'host', 'images', 'busybox.tar'));
    assert.ok(busyboxArchive.length > 0);
    const layer = writeTar(await tarEntriesFromDir(root));
    const base = await run('tar', ['-xOf', join(home, 'host', 'images', 'busybox.tar'), 'index.json']);
    assert.match(base.stdout, /vcluster-ts.local\/busybox/);
    const busyboxLayer = await extractOnlyLayer(join(home, 'host', 'images', 'busybox.tar'), home);
    const image = ociImageArchive({
      ref: 'vcluster-ts.local/kubectl:test',
      layers: [busyboxLayer, layer],
      config: { cmd: ['sh'], env: ['PATH=/bin'] },
      architecture: 'amd64',
    });
    const file = join(home, 'kubectl.tar');
    await writeFile(file, image.archive);
    const imported = await cli('image', 'import', file);
    assert.equal(imported.code, 0, imported.stderr);
    await kubectl('create', 'serviceaccount', 'prober');
    await kubectl('create', 'clusterrolebinding', 'prober-self', '--clusterrole=system:basic-user', '--serviceaccount=default:prober');
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'incluster' },
        spec: {
          nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
          serviceAccountName: 'prober',
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'vcluster-ts.local/kubectl:test', imagePullPolicy: 'Never', command: ['kubectl', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'] }],
        },
      }),
    );
    const phase = await finished('incluster');
    const logs = await kubectl('logs', 'incluster');
    assert.equal(phase, 'Succeeded', logs);
    assert.equal(logs.trim(), 'system:serviceaccount:default:prober');
  });

  it('answers logs of a simulated pod from loopback, never through a DNS lookup', async () => {
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'simulated' },
        spec: { nodeSelector: { type: 'kwok' }, containers: [{ name: 'main', image: 'nginx' }] },
      }),
    );
    await kubectl('wait', '--for=condition=Ready', 'pod/simulated', '--timeout=60s');
    const r = await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', 'logs', 'simulated']).catch((e: unknown) => e as Error);
    const text = r instanceof Error ? r.message : r.stdout;
    assert.doesNotMatch(text, /lookup|no such host/, 'the apiserver dialled an IP');
    assert.doesNotMatch(text, /dial tcp (?!127\.0\.0\.1:)/, 'the kubelet call went to loopback');
    // kwok answers on its node port with what `host up` configured (ClusterLogs) for simulated pods
    assert.equal(text.trim(), SIMULATED_LOG_LINE);
  });

  it('runs the control-plane images: the vcluster CLI, sqlite3, busybox tools and the copied upstream binaries', async () => {
    const dir = join(home, 'cp-images');
    const built = await cli('image', 'build', 'vcluster-ts', 'kubernetes', '--output-dir', dir);
    assert.equal(built.code, 0, built.stderr);
    const imported = await cli('image', 'import', join(dir, 'vcluster-ts.tar'), join(dir, 'kubernetes.tar'));
    assert.equal(imported.code, 0, imported.stderr);
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'control-plane' },
        spec: {
          nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
          restartPolicy: 'Never',
          initContainers: [
            { name: 'binaries', image: 'vcluster-ts.local/kubernetes:v1.36.3', imagePullPolicy: 'Never', command: ['cp', '-r', '/kubernetes/.', '/binaries/'], volumeMounts: [{ name: 'binaries', mountPath: '/binaries' }] },
          ],
          containers: [
            {
              name: 'syncer',
              image: 'vcluster-ts.local/vcluster-ts:0.1.0',
              imagePullPolicy: 'Never',
              command: ['sh', '-c', "node /vcluster/.build/src/cli/main.js --version && sqlite3 /data/t.db 'create table t(a); select sqlite_version();' && /binaries/kube-apiserver --version && ps aux"],
              volumeMounts: [{ name: 'binaries', mountPath: '/binaries' }],
            },
          ],
          volumes: [{ name: 'binaries', emptyDir: {} }],
        },
      }),
    );
    const phase = await finished('control-plane');
    const logs = await kubectl('logs', 'control-plane', '-c', 'syncer');
    assert.equal(phase, 'Succeeded', logs);
    assert.match(logs, /^0\.1\.0\n3\.\d+\.\d+\nKubernetes v1\.36\.3\nPID\s+USER\s+COMMAND/);
  });

  it('comes back after a SIGKILLed supervisor', async () => {
    const before = await pidsIn(join(home, 'host', 'pids'));
    process.kill(before.supervisor!, 'SIGKILL');
    await eventually('the supervisor to die', async () => ((await isGone(before.supervisor!)) ? true : undefined), 10_000);
    const up = await cli('host', 'up', '--nodes', '2');
    assert.equal(up.code, 0, up.stderr);
    await remember();
    const node = realNodeLayout(join(home, 'host'), 1).nodeIp;
    await kubectl('wait', '--for=condition=Ready', `node/${node}`, '--timeout=60s');
    for (const [name, pid] of Object.entries(before)) {
      if (name !== 'supervisor') assert.ok(await isGone(pid), `${name} (pid ${pid}) of the killed run was stopped`);
    }
    await apply(pod('again', ['sh', '-c', 'echo back; sleep 3600']));
    await kubectl('wait', '--for=condition=Ready', 'pod/again', '--timeout=90s');
    assert.match(await kubectl('logs', 'again'), /back/);
  });

  it('host down leaves no process, mount, namespace, veth, bridge, iptables rule or cgroup', async () => {
    await remember();
    const layout = realNodeLayout(join(home, 'host'), 1);
    const cgroupsWhileUp = await existingCgroups(`/${hostCgroup(join(home, 'host'))}`);
    assert.ok(cgroupsWhileUp.length > 0, 'the node has cgroups while up');
    const down = await cli('host', 'down');
    assert.equal(down.code, 0, down.stderr);
    for (const pid of pids) assert.ok(await isGone(pid), `pid ${pid} is gone`);
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    assert.ok(!mounts.includes(home), 'no mount under the host data dir');
    const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
    assert.ok(!links.includes(layout.rootLink), `veth ${layout.rootLink} is gone`);
    assert.equal(links.replace(/\\.*$/gm, ''), linksBefore, 'no new link (veth, bridge) in the root namespace');
    assert.equal((await run('ip', ['netns', 'list'])).stdout.trim(), '', 'no named network namespace');
    assert.equal(await iptablesRules(), rulesBefore, 'the root namespace iptables rules are unchanged');
    assert.deepEqual(await existingCgroups(`/${hostCgroup(join(home, 'host'))}`), [], 'no cgroup left');
    const procs = (await run('ps', ['-eo', 'args'])).stdout.split('\n').filter((a) => a.includes(home));
    assert.deepEqual(procs, [], 'no process mentions the host data dir');
  });
});

/** The single layer blob of a one-layer OCI archive written by our image code. */
async function extractOnlyLayer(archive: string, scratch: string): Promise<Buffer> {
  const dir = await mkdtemp(join(scratch, 'oci-'));
  await run('tar', ['-xf', archive, '-C', dir]);
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (d: string): string => join(dir, 'blobs', 'sha256', d.replace(/^sha256:/, ''));
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]!.digest), 'utf8')) as { layers: { digest: string }[] };
  assert.equal(manifest.layers.length, 1);
  return readFile(blob(manifest.layers[0]!.digest));
}
