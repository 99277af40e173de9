/**
 * The vcluster lifecycle end to end on the embedded host (issue 4's acceptance): create, list, connect,
 * kubectl through the virtual API, disconnect, the stored config, the data dir and its SQLite database,
 * two vclusters at once, delete, a SIGKILLed supervisor and resume, pause/resume, and bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { freePort } from '../../src/lib/net.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { isGone, killAll, pidsIn } from '../support/processes.js';

const HOST = 'vcluster-host';
const VC = 'my-vcluster';
const NS = 'test-namespace';

interface Listed {
  name: string;
  namespace: string;
  status: string;
  connected: boolean;
}

describe('vcluster lifecycle on the embedded host', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  const pids = new Set<number>();
  const kubectl = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, ...args])).stdout;
  const cli = async (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => runCli(args, env);
  const dataDir = (ns: string, name: string): string => join(home, 'vclusters', HOST, ns, name);
  const list = async (): Promise<Listed[]> => JSON.parse((await cli('list', '-o', 'json')).stdout) as Listed[];
  const remember = async (dir: string): Promise<Record<string, number>> => {
    const found = await pidsIn(join(dir, 'pids'));
    for (const p of Object.values(found)) pids.add(p);
    return found;
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await cli('host', 'up', '--nodes', '2');
    assert.equal(up.code, 0, up.stderr);
    await remember(join(home, 'host'));
  });

  after(async () => {
    for (const [ns, name] of [[NS, VC], ['team-b', 'second']] as const) await cli('delete', name, '-n', ns, '--ignore-not-found');
    await cli('host', 'down', '--purge');
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('creates a vcluster, shows it Running and connected, and serves kubectl', async () => {
    const created = await cli('create', VC, '-n', NS, '--driver', 'local');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /kine ready[\s\S]*kube-apiserver ready[\s\S]*kube-controller-manager ready/);
    await remember(dataDir(NS, VC));
    assert.equal((await kubectl('config', 'current-context')).trim(), `vcluster_${VC}_${NS}_${HOST}`);
    const listed = await list();
    assert.deepEqual(listed.map((v) => [v.name, v.namespace, v.status, v.connected]), [[VC, NS, 'Running', true]]);
    assert.match(await kubectl('get', 'namespaces'), /kube-system\s+Active/);
    await kubectl('create', 'configmap', 'tenant-data', '--from-literal=answer=42');
    assert.equal(await kubectl('get', 'configmap', 'tenant-data', '-o', 'jsonpath={.data.answer}'), '42');
  });

  it('disconnects, and the host holds the config, Service and kubeconfig Secret', async () => {
    const d = await cli('disconnect');
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await kubectl('config', 'current-context')).trim(), HOST);
    const cm = await kubectl('get', 'cm', '-n', NS, `${VC}-config`, '-o', 'yaml');
    assert.match(cm, /sync:\n\s+toHost:\n\s+pods:\n\s+enabled: true/);
    const secretKeys = await kubectl('get', 'secret', '-n', NS, `vc-${VC}`, '-o', 'go-template={{range $k, $v := .data}}{{$k}} {{end}}');
    assert.deepEqual(secretKeys.trim().split(' ').sort(), ['certificate-authority', 'client-certificate', 'client-key', 'config']);
    assert.match(await kubectl('get', 'svc,secret,cm', '-n', NS, '-l', `app=vcluster,release=${VC}`, '-o', 'name'), /service\/my-vcluster\nsecret\/vc-config-my-vcluster\nsecret\/vc-my-vcluster\nconfigmap\/my-vcluster-config/);
  });

  it('keeps the whole state in the data dir, readable with sqlite3', async () => {
    const dir = dataDir(NS, VC);
    const entries = await readdir(dir);
    for (const want of ['state.db', 'state.db-wal', 'state.db-shm', 'kine.sock', 'pki', 'pids']) assert.ok(entries.includes(want), `missing ${want} in ${entries.join(',')}`);
    const { stdout } = await run('sqlite3', [join(dir, 'state.db'), "SELECT DISTINCT name FROM kine WHERE name LIKE '/registry/%'"]);
    assert.match(stdout, /\/registry\/configmaps\/default\/tenant-data/);
    assert.match(stdout, /\/registry\/namespaces\/kube-system/);
  });

  it('runs two vclusters at once; deleting one leaves the other untouched and no labeled host object behind', async () => {
    const second = await cli('create', 'second', '-n', 'team-b', '--driver', 'local', '--connect=false');
    assert.equal(second.code, 0, second.stderr);
    await remember(dataDir('team-b', 'second'));
    assert.deepEqual((await list()).map((v) => `${v.namespace}/${v.name}:${v.status}`), ['team-b/second:Running', `${NS}/${VC}:Running`]);
    const secondPids = await remember(dataDir('team-b', 'second'));
    const del = await cli('delete', 'second', '-n', 'team-b');
    assert.equal(del.code, 0, del.stderr);
    for (const [name, pid] of Object.entries(secondPids)) assert.ok(await isGone(pid), `${name} of the deleted vcluster still runs`);
    assert.equal((await kubectl('get', 'all,secrets,configmaps', '-A', '-l', 'release=second', '-o', 'name')).trim(), '');
    // synced pods are deleted without waiting: one on the real node (CoreDNS) may take its grace period to go
    await eventually(
      'no synced host object of the deleted vcluster',
      async () => ((await kubectl('get', 'all,secrets,configmaps', '-A', '-l', 'vcluster.loft.sh/managed-by=second', '-o', 'name')).trim() === '' ? true : undefined),
      60_000,
      500,
    );
    await assert.rejects(readdir(dataDir('team-b', 'second')));
    assert.deepEqual((await list()).map((v) => `${v.namespace}/${v.name}:${v.status}`), [`${NS}/${VC}:Running`]);
    const out = await cli('connect', VC, '-n', NS, '--', kubectlBin, 'get', 'configmap', 'tenant-data', '-o', 'name');
    assert.equal(out.code, 0, out.stderr);
  });

  it('reports the components a SIGKILLed supervisor left as Orphaned; resume brings it back with every object intact', async () => {
    const before = await remember(dataDir(NS, VC));
    process.kill(before.supervisor!, 'SIGKILL');
    await eventually('supervisor gone', async () => ((await isGone(before.supervisor!)) ? true : undefined), 5_000);
    // kine, kube-apiserver and kube-controller-manager still run, and nothing syncs: not "Stopped"
    assert.equal((await list())[0]?.status, 'Orphaned');
    const resumed = await cli('resume', VC, '-n', NS);
    assert.equal(resumed.code, 0, resumed.stderr);
    await remember(dataDir(NS, VC));
    for (const [name, pid] of Object.entries(before)) assert.ok(await isGone(pid), `old ${name} (${pid}) still runs`);
    assert.equal((await list())[0]?.status, 'Running');
    const out = await cli('connect', VC, '-n', NS, '--', kubectlBin, 'get', 'configmap', 'tenant-data', '-o', 'jsonpath={.data.answer}');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, '42');
  });

  it('pauses and resumes', async () => {
    const running = await remember(dataDir(NS, VC));
    const p = await cli('pause', VC, '-n', NS);
    assert.equal(p.code, 0, p.stderr);
    for (const [name, pid] of Object.entries(running)) assert.ok(await isGone(pid), `${name} still runs after pause`);
    assert.equal((await list())[0]?.status, 'Paused');
    assert.equal(await kubectl('get', 'svc', VC, '-n', NS, '-o', 'jsonpath={.metadata.annotations.loft\\.sh/paused}'), 'true');
    const connect = await cli('connect', VC, '-n', NS, '--print');
    assert.equal(connect.code, 4);
    assert.match(connect.stderr, /is Paused/);
    const r = await cli('resume', VC, '-n', NS);
    assert.equal(r.code, 0, r.stderr);
    await remember(dataDir(NS, VC));
    assert.equal((await list())[0]?.status, 'Running');
  });

  describe('bad input: a clear error, a non-zero exit, nothing half-created', () => {
    const cases: { name: string; args: string[]; env?: () => Promise<Record<string, string>>; code: number; stderr: RegExp }[] = [
      { name: 'invalid name', args: ['create', 'Bad_Name'], code: 2, stderr: /invalid vcluster name "Bad_Name"/ },
      {
        name: 'unknown config key',
        args: ['create', 'cfg', '-n', 'cfg-ns', '--set', 'sync.toHost.podz.enabled=true'],
        code: 2,
        stderr: /sync\.toHost\.podz: unknown key/,
      },
      { name: 'namespace already holds a vcluster', args: ['create', 'third', '-n', NS], code: 5, stderr: /namespace test-namespace already holds vcluster my-vcluster/ },
      { name: 'missing binaries', args: ['create', 'nobin', '-n', 'nobin-ns'], env: () => Promise.resolve({ VCLUSTER_BINARIES_DIR: '/tmp' }), code: 4, stderr: /missing binaries in \/tmp/ },
      {
        name: 'a namespace without the needed rights',
        args: ['--context', 'limited', 'create', 'lim', '-n', 'limited-ns', '--driver', 'local'],
        env: async () => {
          // a user who may only read pods in limited-ns
          await kubectl('--context', HOST, 'create', 'namespace', 'limited-ns');
          await kubectl('--context', HOST, 'create', 'serviceaccount', 'limited', '-n', 'limited-ns');
          await kubectl('--context', HOST, 'create', 'role', 'read-pods', '-n', 'limited-ns', '--verb=get,list', '--resource=pods');
          await kubectl('--context', HOST, 'create', 'rolebinding', 'read-pods', '-n', 'limited-ns', '--role=read-pods', '--serviceaccount=limited-ns:limited');
          const token = (await kubectl('--context', HOST, 'create', 'token', 'limited', '-n', 'limited-ns')).trim();
          await kubectl('config', 'set-credentials', 'limited', `--token=${token}`);
          await kubectl('config', 'set-context', 'limited', `--cluster=${HOST}`, '--user=limited');
          return {};
        },
        code: 4,
        stderr: /the user of host context "limited" may not get namespaces \(cluster-wide\); list services in namespace limited-ns; create services in namespace limited-ns; delete services in namespace limited-ns; create secrets/,
      },
      {
        name: 'an image that is not loadable (kubernetes driver)',
        args: ['create', 'badimg', '-n', 'badimg-ns', '--driver', 'kubernetes', '--connect=false', '--set', 'controlPlane.statefulSet.image.tag=not-built'],
        code: 4,
        stderr: /pod badimg-ns\/badimg-0: container syncer: ErrImageNeverPull: .*vcluster-ts\.local\/vcluster-ts:not-built/,
      },
      {
        name: 'unreachable host',
        args: ['--context', 'dead', 'create', 'unreach', '-n', 'unreach-ns'],
        env: async () => {
          const port = await freePort();
          await kubectl('config', 'set-cluster', 'dead', `--server=https://127.0.0.1:${port}`, '--insecure-skip-tls-verify=true');
          await kubectl('config', 'set-context', 'dead', '--cluster=dead', `--user=${HOST}`);
          return {};
        },
        code: 1,
        stderr: /the host cluster of context "dead" is unreachable/,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const extra = c.env ? await c.env() : {};
        const before = (await kubectl('--context', HOST, 'get', 'namespaces', '-o', 'name')).trim();
        const r = await runCli(c.args, { ...env, ...extra });
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
        // a namespace create made is deleted by its rollback (and may take a moment to finish terminating)
        await eventually('no namespace left behind', async () => ((await kubectl('--context', HOST, 'get', 'namespaces', '-o', 'name')).trim() === before ? true : undefined), 90_000, 500);
        assert.deepEqual((await list()).map((v) => v.name), [VC], 'no vcluster was created');
        const name = c.args[c.args.indexOf('create') + 1]!;
        const leftovers = await kubectl('--context', HOST, 'get', 'clusterroles,clusterrolebindings,persistentvolumes', '-l', `release=${name}`, '-o', 'name');
        assert.equal(leftovers.trim(), '', 'no cluster-scoped object left behind');
      });
    }
  });
});
