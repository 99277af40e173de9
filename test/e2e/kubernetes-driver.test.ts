/**
 * The kubernetes driver on the embedded host's real node (issue 12): `vcluster create` (the driver is
 * the default when the host has a real node) runs the control plane as pod my-vcluster-0, and the seed tutorial's command blocks that
 * look inside that pod run verbatim (extracted from ../shared/seeds, run with bash, the pinned kubectl
 * first on PATH and the host context current).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { run } from '../../src/lib/process.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';

const NS = 'test-namespace';
const VC = 'my-vcluster';
const SEEDS = join(REPO_ROOT, '..', 'shared', 'seeds');
/** What marks a block as one that looks inside the vCluster pod. */
const POD_BLOCK = /my-vcluster-0|app=vcluster|-c syncer|\/data\/|kubectl cp/;

interface Block {
  readonly file: string;
  readonly index: number;
  readonly code: string;
}

/** The ```bash blocks of the seed documents, in order. */
async function seedBlocks(): Promise<Block[]> {
  const out: Block[] = [];
  for (const file of (await readdir(SEEDS)).filter((f) => f.endsWith('.md')).sort()) {
    const text = await readFile(join(SEEDS, file), 'utf8');
    let index = 0;
    for (const m of text.matchAll(/```bash\n([\s\S]*?)```/g)) out.push({ file, index: index++, code: m[1]!.trim() });
  }
  return out;
}

function bash(code: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', code], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    // a streaming block (logs -f | head) ends when enough lines came; the timer ends it otherwise
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGTERM'), timeoutMs);
    child.on('close', (c) => (clearTimeout(timer), resolve({ code: c, out })));
  });
}

describe('the kubernetes driver: the control plane as pod my-vcluster-0', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  const pids = new Set<number>();
  const cli = (...args: string[]) => runCli(args, env);
  const results = new Map<string, { code: number | null; out: string }>();

  before(async () => {
    assert.ok(existsSync(SEEDS), `the seed documents are at ${SEEDS} (shared/ beside the repository)`);
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-k8s-driver-'));
    const bin = join(home, 'bin');
    await mkdir(bin);
    await symlink(kubectlBin, join(bin, 'kubectl'));
    await symlink(join(REPO_ROOT, 'bin', 'vcluster.js'), join(bin, 'vcluster'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig'), PATH: `${bin}:${process.env.PATH ?? ''}` };
    const up = await cli('host', 'up', '--nodes', '2');
    assert.equal(up.code, 0, up.stderr);
    for (const p of Object.values(await pidsIn(join(home, 'host', 'pids')))) pids.add(p);
    // no --driver: with a real node the kubernetes driver is the default
    const created = await cli('create', VC, '-n', NS, '--connect=false');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /\(driver kubernetes, the default for this host\)/);
    const deploy = await cli('connect', VC, '-n', NS, '--', 'kubectl', 'create', 'deployment', 'nginx', '--image=nginx', '--replicas=2');
    assert.equal(deploy.code, 0, deploy.stderr);
    await eventually(
      'the nginx pods on the host',
      async () => {
        const { stdout } = await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, 'get', 'pods', '-n', NS, '-l', `vcluster.loft.sh/managed-by=${VC}`, '-o', 'name']);
        return stdout.trim().split('\n').filter(Boolean).length >= 2 ? true : undefined;
      },
      90_000,
    );
    // the tutorial's blocks, in order, in one working directory (kubectl cp writes ./state.db there)
    const cwd = join(home, 'tutorial');
    await mkdir(cwd);
    for (const b of await seedBlocks()) {
      const streaming = /\s-f\b/.test(b.code);
      results.set(b.code, await bash(b.code, cwd, env, streaming ? 20_000 : 60_000));
    }
  });

  after(async () => {
    await cli('delete', VC, '-n', NS, '--ignore-not-found');
    await cli('host', 'down', '--purge');
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  const result = (pattern: RegExp): { code: number | null; out: string } => {
    const found = [...results.entries()].find(([code]) => pattern.test(code));
    assert.ok(found, `a seed block matching ${pattern}`);
    return found[1];
  };

  it('lists the init container and the main container (the jq block)', () => {
    const r = result(/INIT CONTAINERS/);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /INIT CONTAINERS:\n {2}kubernetes: vcluster-ts\.local\/kubernetes:v1\.36\.3\n\nMAIN CONTAINERS:\n {2}syncer: vcluster-ts\.local\/vcluster-ts:0\.1\.0/);
  });

  it('shows the four processes in the syncer container (ps aux)', () => {
    const r = result(/ps aux \| grep -E/);
    assert.equal(r.code, 0, r.out);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 4, r.out);
    assert.match(lines[0]!, /^1\. .*vcluster\.js .*start --data-dir \/data/);
    assert.match(lines[1]!, /^2\. .*vcluster\.js kine /);
    assert.match(lines[2]!, /^3\. .*\/binaries\/kube-apiserver /);
    assert.match(lines[3]!, /^4\. .*\/binaries\/kube-controller-manager /);
  });

  it('has the seed layout in /data', () => {
    const r = result(/ls -la \/data\//);
    assert.equal(r.code, 0, r.out);
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm', 'kine.sock', 'pki', 'pids']) assert.match(r.out, new RegExp(` ${f.replace('.', '\\.')}\\n`), f);
    assert.match(r.out, /^s.* kine\.sock$/m, 'kine.sock is a socket');
  });

  it('fills the resources columns with the chart defaults', () => {
    const r = result(/custom-columns/);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /my-vcluster-0\s+200m\s+256Mi\s+\S+\s+4Gi/);
  });

  it('copies state.db out with kubectl cp; sqlite3 reads its kine table and mappings', () => {
    assert.equal(result(/kubectl cp/).code, 0, result(/kubectl cp/).out);
    const schema = result(/\.schema kine/);
    assert.match(schema.out, /CREATE TABLE kine/);
    assert.match(result(/LIKE '\/registry\/%'/).out, /deployments/);
    assert.match(result(/^sqlite3 state\.db "SELECT name FROM kine WHERE name LIKE '\/vcluster\/mappings/).out, /\/vcluster\/mappings\//);
  });

  it('shows sync lines in the syncer log and lists mappings from inside the pod', () => {
    const logs = result(/--tail=20/);
    assert.equal(logs.code, 0, logs.out);
    assert.match(logs.out, /sync/);
    const mappings = result(/kubectl exec -n test-namespace my-vcluster-0 -c syncer -- \\\n\s+sqlite3/);
    assert.equal(mappings.code, 0, mappings.out);
    assert.match(mappings.out, /\/vcluster\/mappings\/.*\/default\/nginx-/);
  });

  it('runs every block of both seed documents verbatim with exit 0 (but kubectl top: the embedded host has no metrics-server)', () => {
    assert.equal(results.size, 21, 'the seeds hold 21 command blocks');
    assert.ok([...results.keys()].filter((code) => POD_BLOCK.test(code)).length >= 10);
    const failed = [...results.entries()].filter(([code, r]) => !/kubectl top/.test(code) && !/\s-f\b/.test(code) && r.code !== 0);
    assert.deepEqual(failed.map(([code, r]) => `${code}\n→ exit ${r.code}: ${r.out.slice(0, 300)}`), []);
  });

  it('tenant pods reach the virtual API in-cluster, through Service my-vcluster (kubectl auth whoami)', async () => {
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'whoami' },
      spec: {
        nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'vcluster-ts.local/kubernetes:v1.36.3', imagePullPolicy: 'Never', command: ['/kubernetes/kubectl', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'] }],
      },
    });
    const tmp = join(home, 'whoami.json');
    await writeFile(tmp, pod);
    const created = await cli('connect', VC, '-n', NS, '--', 'kubectl', 'apply', '-f', tmp);
    assert.equal(created.code, 0, created.stderr);
    const host = (...args: string[]) => run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args]);
    const twin = 'whoami-x-default-x-my-vcluster';
    await eventually(
      'the tenant pod to finish on the host',
      async () => ((await host('get', 'pod', twin, '-n', NS, '--ignore-not-found', '-o', 'jsonpath={.status.phase}')).stdout.trim() === 'Succeeded' ? true : undefined),
      90_000,
    );
    const svcIp = (await host('get', 'service', VC, '-n', NS, '-o', 'jsonpath={.spec.clusterIP}')).stdout.trim();
    const envHost = (await host('get', 'pod', twin, '-n', NS, '-o', 'jsonpath={.spec.containers[0].env[?(@.name=="KUBERNETES_SERVICE_HOST")].value}')).stdout.trim();
    assert.equal(envHost, svcIp, 'KUBERNETES_SERVICE_HOST is the ClusterIP of Service my-vcluster');
    assert.equal((await host('logs', twin, '-n', NS)).stdout.trim(), 'system:serviceaccount:default:default', 'authenticated by the virtual API as its virtual service account');
  });

  it('tenant kubectl logs, exec and cluster DNS on a pod of the real node (the kubelet proxy and CoreDNS inside my-vcluster-0)', async () => {
    const vk = async (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => cli('connect', VC, '-n', NS, '--', 'kubectl', ...args);
    const overrides = JSON.stringify({ spec: { nodeSelector: { 'vcluster-ts.io/node-type': 'real' }, tolerations: [{ key: 'vcluster-ts.io/real-node', operator: 'Exists' }] } });
    const ran = await vk('run', 'talker', '--image=vcluster-ts.local/busybox:1.35.0', '--image-pull-policy=Never', `--overrides=${overrides}`, '--', 'sh', '-c', 'echo hello from the real node; sleep 3600');
    assert.equal(ran.code, 0, ran.stderr);
    const ready = await vk('wait', '--for=condition=Ready', 'pod/talker', '--timeout=120s');
    assert.equal(ready.code, 0, ready.stderr);
    const logs = await vk('logs', 'talker');
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /hello from the real node/);
    const ps = await vk('exec', 'talker', '--', 'ps');
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, /sleep 3600/);
    const dns = await vk('exec', 'talker', '--', 'nslookup', 'kubernetes.default.svc.cluster.local');
    assert.equal(dns.code, 0, dns.stderr);
    const ip = (await vk('get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}')).stdout.trim();
    assert.match(dns.stdout, new RegExp(`Address: ${ip.replace(/\./g, '\\.')}\\b`));
    await vk('delete', 'pod', 'talker', '--wait=false');
  });

  it('survives the deletion of pod my-vcluster-0: the StatefulSet recreates it on the same volume, objects and mappings intact', async () => {
    const host = (...args: string[]) => run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args], { timeoutMs: 200_000 });
    const uid = (await host('get', 'pod', `${VC}-0`, '-n', NS, '-o', 'jsonpath={.metadata.uid}')).stdout;
    const twins = async (): Promise<string[]> =>
      (await host('get', 'pods', '-n', NS, '-l', `vcluster.loft.sh/managed-by=${VC}`, '-o', 'name')).stdout.trim().split('\n').filter(Boolean).sort();
    const twinsBefore = await twins();
    await host('delete', 'pod', `${VC}-0`, '-n', NS, '--wait=true');
    await eventually(
      'a new Ready pod my-vcluster-0',
      async () => {
        const { stdout } = await host('get', 'pod', `${VC}-0`, '-n', NS, '--ignore-not-found', '-o', 'jsonpath={.metadata.uid} {.status.conditions[?(@.type=="Ready")].status}');
        const [newUid, ready] = stdout.split(' ');
        return newUid && newUid !== uid && ready === 'True' ? true : undefined;
      },
      180_000,
    );
    const deploy = await cli('connect', VC, '-n', NS, '--', 'kubectl', 'get', 'deployment', 'nginx', '-o', 'jsonpath={.spec.replicas}');
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.equal(deploy.stdout.trim(), '2');
    const mappings = await host('exec', '-n', NS, `${VC}-0`, '-c', 'syncer', '--', 'sqlite3', '/data/state.db', "SELECT count(*) FROM kine WHERE name LIKE '/vcluster/mappings/%'");
    assert.ok(Number(mappings.stdout.trim()) > 0, `mappings kept (${mappings.stdout.trim()})`);
    assert.deepEqual(await twins(), twinsBefore, 'the host twins were neither lost nor duplicated');
  });

  it('lists the vcluster Running and deletes every object it made', async () => {
    const listed = JSON.parse((await cli('list', '-o', 'json')).stdout) as { name: string; status: string }[];
    assert.deepEqual(listed.map((v) => [v.name, v.status]), [[VC, 'Running']]);
    const d = await cli('delete', VC, '-n', NS);
    assert.equal(d.code, 0, d.stderr);
    const { stdout } = await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, 'get', 'statefulsets,pvc,roles,rolebindings', '-n', NS, '--ignore-not-found', '-o', 'name']);
    assert.equal(stdout.trim(), '');
    const { stdout: cluster } = await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, 'get', 'pv,clusterroles', '--ignore-not-found', '-o', 'name']);
    assert.doesNotMatch(cluster, new RegExp(`${VC}`));
  });
});
