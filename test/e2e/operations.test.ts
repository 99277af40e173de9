/**
 * The operator's commands end to end on the embedded host (simulated nodes only), issue 16:
 * logs (-f), debug mappings -o json, describe, history on a live vcluster; a snapshot taken while 4
 * writers create ConfigMaps, restored into a new vcluster (`create --restore`): every ConfigMap
 * acknowledged before the snapshot started is there, the archive's database passes integrity_check,
 * each host twin exists exactly once and the mappings name the new vcluster's objects; `restore` into
 * the running vcluster drops what came after the snapshot, host twin included; bad input (unknown
 * component, missing vcluster, missing or corrupt snapshot) fails with its documented exit code and
 * changes nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { CLI, runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';

const HOST = 'vcluster-host';
const VC = 'ops';
const NS = 'ops-ns';
const RESTORED = 'ops2';
const RESTORED_NS = 'ops2-ns';
const SYNC_TIMEOUT_MS = 60_000;
const WRITERS = 4;
/** The writers' ConfigMaps: w<writer>-<n>. */
const WRITTEN = /^w\d+-\d+$/;

interface MappingRow {
  kind: string;
  virtual: string;
  host: string;
  references: string[];
}
interface HistoryJson {
  key: string;
  revisions: { revision: number; type: string; time?: string; diff: string[]; object?: { data?: Record<string, string> } }[];
}
interface DescribeJson {
  driver: string;
  status: string;
  dataDir: string;
  ports: { apiServer: number };
  versions: { kubernetes: string };
  syncSwitches: { path: string; value: string }[];
  health: { check: string; ok: boolean }[];
}

describe('operator commands on the embedded host', () => {
  let home = '';
  let work = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let snapshotFile = '';
  const ackedBeforeSnapshot = new Set<string>();
  const pids = new Set<number>();
  const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(args, env);
  const dataDir = (ns: string, name: string): string => join(home, 'vclusters', HOST, ns, name);
  const remember = async (dir: string): Promise<Record<string, number>> => {
    const found = await pidsIn(join(dir, 'pids'));
    for (const p of Object.values(found)) pids.add(p);
    return found;
  };
  const host = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', HOST, ...args])).stdout;
  const virtual = (ns: string, name: string) => async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', join(dataDir(ns, name), 'pki', 'admin.conf'), ...args])).stdout;
  const virtualConfigMaps = async (ns: string, name: string): Promise<Set<string>> =>
    new Set((await virtual(ns, name)('get', 'configmaps', '-n', 'default', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}')).split('\n').filter((n) => WRITTEN.test(n)));
  /** Host ConfigMaps of a vcluster: virtual namespace/name → how many host objects claim it. */
  const hostTwins = async (ns: string, name: string): Promise<Map<string, number>> => {
    const out = await host('get', 'configmaps', '-n', ns, '-l', `vcluster.loft.sh/managed-by=${name}`, '-o', 'jsonpath={range .items[*]}{.metadata.annotations.vcluster\\.loft\\.sh/object-namespace}/{.metadata.annotations.vcluster\\.loft\\.sh/object-name}{"\\n"}{end}');
    const counts = new Map<string, number>();
    for (const n of out.split('\n').filter(Boolean)) counts.set(n, (counts.get(n) ?? 0) + 1);
    return counts;
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-e2e-ops-'));
    work = await mkdtemp(join(tmpdir(), 'vcluster-e2e-ops-files-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await cli('host', 'up', '--nodes', '1', '--real-nodes', '0');
    assert.equal(up.code, 0, up.stderr);
    await remember(join(home, 'host'));
    const created = await cli('create', VC, '-n', NS, '--driver', 'local', '--connect=false', '--set', 'sync.toHost.configMaps.all=true');
    assert.equal(created.code, 0, created.stderr);
    await remember(dataDir(NS, VC));
  });

  after(async () => {
    for (const [ns, name] of [[NS, VC], [RESTORED_NS, RESTORED]] as const) await cli('delete', name, '-n', ns, '--ignore-not-found');
    await cli('host', 'down', '--purge');
    killAll(pids);
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('logs: each component, and -f prints what is appended until interrupted', async () => {
    const syncer = await cli('logs', VC, '-n', NS);
    assert.equal(syncer.code, 0, syncer.stderr);
    assert.match(syncer.stdout, /virtual cluster ready/);
    for (const component of ['kine', 'apiserver', 'controller-manager']) {
      const r = await cli('logs', VC, '-n', NS, '--component', component, '--tail', '5');
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n').filter(Boolean);
      assert.ok(lines.length > 0 && lines.length <= 5, `${component}: ${lines.length} lines`);
    }
    const child = spawn(process.execPath, [CLI, 'logs', VC, '-n', NS, '-f', '--tail', '1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await eventually('the last line of the log', () => Promise.resolve(out.length > 0 ? true : undefined), 30_000);
      // a line the syncer did not write, and lines it does write: a ConfigMap synced to the host
      const marker = `follow-marker-${Date.now()}`;
      await appendFile(join(dataDir(NS, VC), 'logs', 'supervisor.log'), `${marker}\n`);
      await eventually('the appended line', () => Promise.resolve(out.includes(marker) ? true : undefined), 10_000);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
  });

  it('debug mappings -o json: a pod and the ConfigMap it references, with their host names', async () => {
    const kubectl = virtual(NS, VC);
    await kubectl('create', 'configmap', 'web-config', '--from-literal=index=hello');
    await run(kubectlBin, ['--kubeconfig', join(dataDir(NS, VC), 'pki', 'admin.conf'), 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default' },
        spec: { containers: [{ name: 'app', image: 'nginx', envFrom: [{ configMapRef: { name: 'web-config' } }] }] },
      }),
    });
    await run(kubectlBin, ['--kubeconfig', join(dataDir(NS, VC), 'pki', 'admin.conf'), 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'app', namespace: 'default' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'app' } },
          template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'nginx', envFrom: [{ configMapRef: { name: 'web-config' } }] }] } },
        },
      }),
    });
    const rows = await eventually(
      'the pod mapping',
      async () => {
        const r = await cli('debug', 'mappings', VC, '-n', NS, '-o', 'json');
        assert.equal(r.code, 0, r.stderr);
        const all = JSON.parse(r.stdout) as MappingRow[];
        return all.some((m) => m.kind === 'Pod' && m.virtual === 'default/web') ? all : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    const pod = rows.find((m) => m.kind === 'Pod' && m.virtual === 'default/web')!;
    assert.equal(pod.host, `${NS}/web-x-default-x-${VC}`);
    assert.ok(pod.references.includes(`ConfigMap:default/web-config→${NS}/web-config-x-default-x-${VC}`), pod.references.join(','));
    const table = await cli('debug', 'mappings', VC, '-n', NS);
    assert.match(table.stdout, /^KIND\s+VIRTUAL\s+HOST\s+REFERENCES\s+REVISION\n/);
    assert.match(table.stdout, new RegExp(`Pod\\.v1\\s+default/web\\s+${NS}/web-x-default-x-${VC}`));
  });

  it('describe: driver, versions, ports, data dir, sync switches and health', async () => {
    const text = await cli('describe', VC, '-n', NS);
    assert.equal(text.code, 0, text.stderr);
    for (const re of [/Driver:\s+local/, /Status:\s+Running/, /Versions:\s+vcluster-ts 0\.1\.0, Kubernetes v1\.36/, /toHost\.configMaps\.all: true/, /ok\s+apiserver \/readyz: ok/]) assert.match(text.stdout, re);
    const d = JSON.parse((await cli('describe', VC, '-n', NS, '-o', 'json')).stdout) as DescribeJson;
    assert.equal(d.driver, 'local');
    assert.equal(d.dataDir, dataDir(NS, VC));
    assert.ok(d.ports.apiServer > 0);
    assert.ok(d.syncSwitches.some((s) => s.path === 'toHost.pods' && s.value === 'true'));
    assert.deepEqual(d.health.filter((h) => !h.ok), []);
    assert.deepEqual(d.health.map((h) => h.check).sort(), ['apiserver /readyz', 'database', 'kine', 'kube-apiserver', 'kube-controller-manager', 'supervisor']);
  });

  it('history: create, two updates and a delete of a ConfigMap, with times and diffs', async () => {
    const kubectl = virtual(NS, VC);
    await kubectl('create', 'configmap', 'hist', '--from-literal=k=1');
    await kubectl('patch', 'configmap', 'hist', '-p', '{"data":{"k":"2"}}');
    await kubectl('patch', 'configmap', 'hist', '-p', '{"data":{"k":"3","extra":"x"}}');
    await kubectl('delete', 'configmap', 'hist');
    const r = await cli('history', VC, 'configmap/hist', '-n', NS, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const h = JSON.parse(r.stdout) as HistoryJson;
    assert.equal(h.key, '/registry/configmaps/default/hist');
    assert.deepEqual(h.revisions.map((v) => v.type), ['CREATE', 'UPDATE', 'UPDATE', 'DELETE']);
    const revs = h.revisions.map((v) => v.revision);
    assert.deepEqual([...revs].sort((a, b) => a - b), revs);
    assert.deepEqual(h.revisions.slice(0, 3).map((v) => v.object?.data?.k), ['1', '2', '3']);
    for (const v of h.revisions.slice(0, 3)) assert.match(v.time ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(h.revisions[1]!.diff, ['-   k: "1"', '+   k: "2"']);
    assert.ok(h.revisions[2]!.diff.includes('+   extra: x'), h.revisions[2]!.diff.join('\n'));
    const text = await cli('history', VC, 'cm/default/hist', '-n', NS);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /REVISION\s+TYPE\s+TIME\s+BYTES/);
    assert.match(text.stdout, new RegExp(`--- revision ${revs[0]} → ${revs[1]} \\(UPDATE\\)\\n-   k: "1"\\n\\+   k: "2"`));
  });

  it('snapshot while 4 writers create ConfigMaps; create --restore brings every acknowledged one back, twins exactly once', async (t) => {
    const kubectl = virtual(NS, VC);
    let stop = false;
    const acked = new Set<string>();
    const writer = async (w: number): Promise<number> => {
      let n = 0;
      while (!stop) {
        const cm = `w${w}-${n++}`;
        await kubectl('create', 'configmap', cm, `--from-literal=n=${n}`);
        acked.add(cm);
      }
      return n;
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    await eventually('writers under way', () => Promise.resolve(acked.size >= 20 ? true : undefined), 60_000);
    for (const cm of acked) ackedBeforeSnapshot.add(cm);
    snapshotFile = join(work, 'ops.snapshot.tar.gz');
    const snap = await cli('snapshot', VC, '-n', NS, '--output', snapshotFile);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    const written = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    assert.equal(snap.code, 0, snap.stderr);
    assert.match(snap.stdout, new RegExp(`snapshot of vcluster ${VC} at revision \\d+ written to ${snapshotFile}`));
    assert.ok(acked.size > ackedBeforeSnapshot.size, `writers kept going during the snapshot (${ackedBeforeSnapshot.size} before, ${acked.size} in all, ${written} started)`);

    // the archive: a tar.gz whose database passes integrity_check
    const x = join(work, 'extract');
    await run('mkdir', ['-p', x]);
    await run('tar', ['-xzf', snapshotFile, '-C', x]);
    assert.equal((await run('sqlite3', [join(x, 'state.db'), 'PRAGMA integrity_check']).then((r) => r.stdout)).trim(), 'ok');
    assert.match((await run('ls', [x, join(x, 'pki')])).stdout, /config\.yaml[\s\S]*snapshot\.json[\s\S]*state\.db[\s\S]*ca\.crt/);

    const restoreStarted = Date.now();
    const restored = await cli('create', RESTORED, '-n', RESTORED_NS, '--driver', 'local', '--connect=false', '--restore', snapshotFile);
    assert.equal(restored.code, 0, restored.stderr);
    t.diagnostic(`${ackedBeforeSnapshot.size} ConfigMaps acknowledged before the snapshot, ${acked.size} by the end; ${snap.stdout.trim()}; create --restore took ${((Date.now() - restoreStarted) / 1000).toFixed(1)} s`);
    await remember(dataDir(RESTORED_NS, RESTORED));
    const present = await virtualConfigMaps(RESTORED_NS, RESTORED);
    const missing = [...ackedBeforeSnapshot].filter((cm) => !present.has(cm));
    assert.deepEqual(missing, [], `${missing.length} of ${ackedBeforeSnapshot.size} acknowledged ConfigMaps are missing`);
    assert.ok(present.size < acked.size, 'the restored vcluster holds the snapshot, not what came after');
    assert.equal(await virtual(RESTORED_NS, RESTORED)('get', 'configmap', 'web-config', '-o', 'jsonpath={.data.index}'), 'hello');

    // host twins: each restored ConfigMap exactly once in the new namespace, nothing else of ours there
    await eventually(
      'every restored ConfigMap synced once',
      async () => {
        const twins = await hostTwins(RESTORED_NS, RESTORED);
        return [...present].every((cm) => twins.get(`default/${cm}`) === 1) ? true : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    const twins = await hostTwins(RESTORED_NS, RESTORED);
    assert.deepEqual([...twins.entries()].filter(([, n]) => n !== 1), []);
    const virtualAll = new Set((await virtual(RESTORED_NS, RESTORED)('get', 'configmaps', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}')).split('\n').filter(Boolean));
    assert.deepEqual([...twins.keys()].filter((n) => !virtualAll.has(n)), [], 'host twins without a virtual object');
    // pods: a scheduled pod whose host twin is missing is deleted so its controller recreates it (as
    // vCluster does); the Deployment's 2 pods run again, each once on the host, and every mapping
    // names the new vcluster's objects, none the old one's
    await eventually(
      'the Deployment pods on the host once each, with their mappings',
      async () => {
        const names = (await virtual(RESTORED_NS, RESTORED)('get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}')).split('\n').filter(Boolean);
        const hostPods = (await host('get', 'pods', '-n', RESTORED_NS, '-l', `vcluster.loft.sh/managed-by=${RESTORED}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}')).split('\n').filter(Boolean);
        const mappings = JSON.parse((await cli('debug', 'mappings', RESTORED, '-n', RESTORED_NS, '-o', 'json')).stdout) as MappingRow[];
        const want = names.map((n) => `${n}-x-default-x-${RESTORED}`).sort();
        const mapped = mappings.filter((m) => m.kind === 'Pod' && names.includes(m.virtual.slice('default/'.length))).map((m) => m.host).sort();
        const stale = mappings.filter((m) => m.host.startsWith(`${NS}/`) || m.references.some((r) => r.includes(`→${NS}/`)));
        if (names.filter((n) => n.startsWith('app-')).length !== 2 || JSON.stringify([...hostPods].sort()) !== JSON.stringify(want) || JSON.stringify(mapped) !== JSON.stringify(want.map((n) => `${RESTORED_NS}/${n}`)) || stale.length > 0) {
          throw new Error(`virtual pods ${names.join(',')}; host pods ${hostPods.join(',')}; mapped ${mapped.join(',')}; stale ${JSON.stringify(stale)}`);
        }
        return true;
      },
      SYNC_TIMEOUT_MS,
    );
    // the source vcluster's twins are untouched
    assert.equal((await hostTwins(NS, VC)).get(`default/${[...ackedBeforeSnapshot][0]!}`), 1);
  });

  it('restore into the running vcluster: what came after the snapshot is gone, its host twin too', async () => {
    const kubectl = virtual(NS, VC);
    await kubectl('create', 'configmap', 'after-snapshot', '--from-literal=a=b');
    await eventually('the new twin', async () => ((await hostTwins(NS, VC)).get('default/after-snapshot') === 1 ? true : undefined), SYNC_TIMEOUT_MS);
    const r = await cli('restore', VC, '-n', NS, snapshotFile);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`vcluster ${VC} restored to revision \\d+ and running`));
    await remember(dataDir(NS, VC));
    await assert.rejects(kubectl('get', 'configmap', 'after-snapshot'), /NotFound|not found/);
    const present = await virtualConfigMaps(NS, VC);
    assert.deepEqual([...ackedBeforeSnapshot].filter((cm) => !present.has(cm)), []);
    await eventually(
      'host twins match the restored objects',
      async () => {
        const twins = await hostTwins(NS, VC);
        const wTwins = [...twins.keys()].filter((n) => n.startsWith('default/') && WRITTEN.test(n.slice('default/'.length)));
        const dup = [...twins.entries()].filter(([, n]) => n !== 1);
        if (twins.has('default/after-snapshot') || wTwins.length !== present.size || dup.length > 0) {
          throw new Error(`after-snapshot twin ${twins.has('default/after-snapshot') ? 'still there' : 'gone'}; ${wTwins.length} twins for ${present.size} ConfigMaps; duplicated: ${JSON.stringify(dup)}`);
        }
        return true;
      },
      SYNC_TIMEOUT_MS,
    );
  });

  it('bad input: a clear one-line error, the documented exit code, nothing changed', async () => {
    const dir = dataDir(NS, VC);
    const supervisorBefore = (await remember(dir)).supervisor;
    const dbBefore = await stat(join(dir, 'state.db'));
    const corrupt = join(work, 'corrupt.tar.gz');
    await writeFile(corrupt, Buffer.from('this is not a snapshot archive at all'));
    const truncated = join(work, 'truncated.tar.gz');
    const { readFile } = await import('node:fs/promises');
    const full = await readFile(snapshotFile);
    await writeFile(truncated, full.subarray(0, Math.floor(full.length / 2)));
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      { args: ['logs', VC, '-n', NS, '--component', 'scheduler'], code: 2, message: /^error: unknown component "scheduler": must be one of syncer, kine, apiserver, controller-manager$/ },
      { args: ['describe', 'nope', '-n', NS], code: 3, message: /^error: vcluster nope not found in namespace ops-ns of context vcluster-host$/ },
      { args: ['snapshot', 'nope', '-n', NS, '--output', join(work, 'x.tar.gz')], code: 3, message: /^error: vcluster nope not found/ },
      { args: ['logs', 'nope', '-n', NS], code: 3, message: /^error: vcluster nope not found/ },
      { args: ['history', VC, 'configmap/never-existed', '-n', NS], code: 3, message: /^error: no revisions of configmaps default\/never-existed in the database/ },
      { args: ['restore', VC, '-n', NS, join(work, 'missing.tar.gz')], code: 3, message: /^error: snapshot file .*missing\.tar\.gz: no such file$/ },
      { args: ['restore', VC, '-n', NS, corrupt], code: 2, message: /^error: .*corrupt\.tar\.gz: not a valid vcluster snapshot: not gzip data, or truncated/ },
      { args: ['restore', VC, '-n', NS, truncated], code: 2, message: /^error: .*truncated\.tar\.gz: not a valid vcluster snapshot: / },
      { args: ['restore', 'nope', '-n', NS, snapshotFile], code: 3, message: /^error: vcluster nope not found/ },
      { args: ['create', 'fresh', '-n', 'fresh-ns', '--driver', 'local', '--restore', corrupt], code: 2, message: /^error: .*not a valid vcluster snapshot/ },
    ];
    for (const c of cases) {
      const r = await cli(...c.args);
      assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0]!, c.message, c.args.join(' '));
      assert.equal(r.stdout, '', c.args.join(' '));
    }
    // nothing changed: same supervisor, same database file, no new vcluster or namespace, no stray files
    assert.equal((await remember(dir)).supervisor, supervisorBefore);
    const dbAfter = await stat(join(dir, 'state.db'));
    assert.equal(dbAfter.ino, dbBefore.ino);
    assert.equal((await host('get', 'namespace', 'fresh-ns', '--ignore-not-found', '-o', 'name')).trim(), '');
    assert.equal((await run('ls', [dir])).stdout.includes('restore-'), false);
    await assert.rejects(stat(join(work, 'x.tar.gz')));
  });
});

describe('operator commands with the kubernetes driver (pod NAME-0 on the real node)', () => {
  const K_VC = 'kops';
  const K_NS = 'kops-ns';
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  const pids = new Set<number>();
  const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(args, env);
  const inVCluster = async (...args: string[]): Promise<string> => {
    const r = await cli('connect', K_VC, '-n', K_NS, '--', kubectlBin, ...args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-e2e-kops-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await cli('host', 'up', '--nodes', '1');
    assert.equal(up.code, 0, up.stderr);
    for (const p of Object.values(await pidsIn(join(home, 'host', 'pids')))) pids.add(p);
    const created = await cli('create', K_VC, '-n', K_NS, '--driver', 'kubernetes', '--connect=false', '--set', 'sync.toHost.configMaps.all=true');
    assert.equal(created.code, 0, created.stderr);
  });

  after(async () => {
    for (const [ns, name] of [[K_NS, K_VC], ['kops2-ns', 'kops2']] as const) await cli('delete', name, '-n', ns, '--ignore-not-found');
    await cli('host', 'down', '--purge');
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('logs, describe, debug mappings and history through the pod', async () => {
    const syncer = await cli('logs', K_VC, '-n', K_NS, '--tail', '50');
    assert.equal(syncer.code, 0, syncer.stderr);
    assert.match(syncer.stdout, /"msg":"/);
    const kine = await cli('logs', K_VC, '-n', K_NS, '--component', 'kine', '--tail', '3');
    assert.equal(kine.code, 0, kine.stderr);
    assert.ok(kine.stdout.split('\n').filter(Boolean).length > 0);
    const d = JSON.parse((await cli('describe', K_VC, '-n', K_NS, '-o', 'json')).stdout) as DescribeJson;
    assert.equal(d.driver, 'kubernetes');
    assert.equal(d.status, 'Running');
    assert.equal(d.dataDir, `pod ${K_NS}/${K_VC}-0:/data`);
    assert.deepEqual(d.health.filter((h) => !h.ok), []);
    await inVCluster('create', 'configmap', 'khist', '--from-literal=k=1');
    await inVCluster('patch', 'configmap', 'khist', '-p', '{"data":{"k":"2"}}');
    const h = JSON.parse((await cli('history', K_VC, 'cm/khist', '-n', K_NS, '-o', 'json')).stdout) as HistoryJson;
    assert.deepEqual(h.revisions.map((v) => v.type), ['CREATE', 'UPDATE']);
    assert.deepEqual(h.revisions[1]!.diff, ['-   k: "1"', '+   k: "2"']);
    const m = await cli('debug', 'mappings', K_VC, '-n', K_NS, '-o', 'json');
    assert.equal(m.code, 0, m.stderr);
    assert.ok(Array.isArray(JSON.parse(m.stdout)));
  });

  it('snapshot and restore through the pod: what came after the snapshot is gone, twins follow', async () => {
    await inVCluster('create', 'configmap', 'before-snapshot', '--from-literal=a=1');
    const file = join(home, 'kops.snapshot.tar.gz');
    const snap = await cli('snapshot', K_VC, '-n', K_NS, '--output', file);
    assert.equal(snap.code, 0, snap.stderr);
    const x = join(home, 'extract');
    await run('mkdir', ['-p', x]);
    await run('tar', ['-xzf', file, '-C', x]);
    assert.equal((await run('sqlite3', [join(x, 'state.db'), 'PRAGMA integrity_check'])).stdout.trim(), 'ok');
    await inVCluster('create', 'configmap', 'after-snapshot', '--from-literal=a=2');
    const twin = async (name: string): Promise<string> =>
      (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, 'get', 'configmap', '-n', K_NS, `${name}-x-default-x-${K_VC}`, '--ignore-not-found', '-o', 'name'])).stdout.trim();
    await eventually('the after-snapshot twin', async () => ((await twin('after-snapshot')) ? true : undefined), SYNC_TIMEOUT_MS);
    const r = await cli('restore', K_VC, '-n', K_NS, file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(await inVCluster('get', 'configmaps', '-o', 'name'), /configmap\/before-snapshot\n/);
    assert.doesNotMatch(await inVCluster('get', 'configmaps', '-o', 'name'), /after-snapshot/);
    await eventually('the after-snapshot twin removed', async () => ((await twin('after-snapshot')) === '' ? true : undefined), SYNC_TIMEOUT_MS);
    assert.notEqual(await twin('before-snapshot'), '');

    // a new kubernetes-driver vcluster from the snapshot: its objects, twins in its own namespace
    const created = await cli('create', 'kops2', '-n', 'kops2-ns', '--driver', 'kubernetes', '--connect=false', '--restore', file);
    assert.equal(created.code, 0, created.stderr);
    const r2 = await cli('connect', 'kops2', '-n', 'kops2-ns', '--', kubectlBin, 'get', 'configmap', 'before-snapshot', 'khist', '-o', 'name');
    assert.equal(r2.code, 0, r2.stderr);
    const hostCms = async (): Promise<string> =>
      (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, 'get', 'configmaps', '-n', 'kops2-ns', '-l', 'vcluster.loft.sh/managed-by=kops2', '-o', 'name'])).stdout;
    await eventually('the restored twin in the new namespace', async () => ((await hostCms()).includes('configmap/before-snapshot-x-default-x-kops2\n') ? true : undefined), SYNC_TIMEOUT_MS);
    const del = await cli('delete', 'kops2', '-n', 'kops2-ns');
    assert.equal(del.code, 0, del.stderr);
  });

  it('an error inside the pod keeps its message and exit code', async () => {
    const r = await cli('history', K_VC, 'cm/never-existed', '-n', K_NS);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^error: in pod kops-ns\/kops-0: no revisions of configmaps default\/never-existed/);
  });
});
