/**
 * The Helm chart (chart/) on the embedded host's real node, without the CLI's seed: `helm install my-vc
 * chart/ -n helm-ns --create-namespace` (helm.sh/helm/v4 from test/go/helm) → pod my-vc-0 bootstraps its
 * PKI and state.json itself and becomes Ready; `vcluster list` shows it; `vcluster connect` works from
 * the kubeconfig Secret the syncer publishes; a Deployment made inside syncs to the host; `helm
 * uninstall` and deleting the namespace leave nothing behind. The control-plane images are built from
 * this checkout (compiled first) and imported into the real node.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { buildHelm, CHART_DIR } from '../support/helm.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';

const NS = 'helm-ns';
const VC = 'my-vc';
const BUSYBOX = 'vcluster-ts.local/busybox:1.35.0';

describe('helm install of chart/ (no vcluster create)', { timeout: 1_800_000 }, () => {
  let home = '';
  let env: Record<string, string> = {};
  let helm = '';
  let kubectl = '';
  const pids = new Set<number>();
  const cli = (...args: string[]) => runCli(args, env);
  const host = (...args: string[]) =>
    run(kubectl, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args], {
      timeoutMs: 120_000,
    });
  const helmRun = (...args: string[]) =>
    run(helm, ['--kubeconfig', env.KUBECONFIG!, '--kube-context', 'vcluster-host', ...args], {
      timeoutMs: 300_000,
      env: {
        HELM_CACHE_HOME: join(home, 'helm', 'cache'),
        HELM_CONFIG_HOME: join(home, 'helm', 'config'),
        HELM_DATA_HOME: join(home, 'helm', 'data'),
      },
    });

  before(async () => {
    helm = buildHelm();
    kubectl = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-helm-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await cli('host', 'up', '--nodes', '1');
    assert.equal(up.code, 0, up.stderr);
    for (const p of Object.values(await pidsIn(join(home, 'host', 'pids')))) pids.add(p);
    // the image ships .build/: compile this checkout, build both control-plane images, load them
    execFileSync('bash', [join(REPO_ROOT, 'scripts', 'build.sh')], { stdio: 'inherit', timeout: 600_000 });
    const built = await cli(
      'image',
      'build',
      'vcluster-ts',
      'kubernetes',
      '--output-dir',
      join(home, 'images'),
      '-o',
      'json',
    );
    assert.equal(built.code, 0, built.stderr);
    const files = (JSON.parse(built.stdout) as { images: { file: string }[] }).images.map((i) => i.file);
    const imported = await cli('image', 'import', ...files);
    assert.equal(imported.code, 0, imported.stderr);
  });

  after(async () => {
    await helmRun('uninstall', VC, '-n', NS, '--ignore-not-found').catch(() => undefined);
    await host('delete', 'namespace', NS, '--ignore-not-found', '--wait=false').catch(() => undefined);
    await cli('host', 'down', '--purge');
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('helm install → pod my-vc-0 bootstraps itself and becomes Ready', async () => {
    const started = Date.now();
    const installed = await helmRun(
      'install',
      VC,
      CHART_DIR,
      '-n',
      NS,
      '--create-namespace',
      '--set',
      'images.pullPolicy=Never',
      '--set',
      'nodeSelector.vcluster-ts\\.io/node-type=real',
      '--set',
      'storage.persistence=false',
    );
    assert.match(installed.stdout, /STATUS: deployed/);
    await eventually(
      'pod my-vc-0 Ready',
      async () =>
        (
          await host(
            'get',
            'pod',
            `${VC}-0`,
            '-n',
            NS,
            '-o',
            'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
          )
        ).stdout === 'True'
          ? true
          : undefined,
      300_000,
      1_000,
    );
    const logs = (await host('logs', `${VC}-0`, '-n', NS, '-c', 'syncer')).stdout;
    assert.match(logs, /bootstrap: issued the PKI and wrote state\.json/);
    process.stderr.write(`helm install → pod Ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  it('vcluster list shows it Running', async () => {
    const listed = await cli('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${VC}\\s+${NS}\\s+Running`));
  });

  it('vcluster connect works from the published kubeconfig Secret', async () => {
    const got = await cli('connect', VC, '-n', NS, '--', kubectl, 'get', 'ns');
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /kube-system/);
  });

  it('a Deployment made inside syncs to the host', async () => {
    const made = await cli(
      'connect',
      VC,
      '-n',
      NS,
      '--',
      kubectl,
      'create',
      'deployment',
      'web',
      `--image=${BUSYBOX}`,
      '--',
      'sleep',
      '3600',
    );
    assert.equal(made.code, 0, made.stderr);
    await eventually(
      'the web pod on the host',
      async () =>
        (
          await host('get', 'pods', '-n', NS, '-l', `vcluster.loft.sh/managed-by=${VC}`, '-o', 'name')
        ).stdout.includes('web-')
          ? true
          : undefined,
      120_000,
      1_000,
    );
  });

  it('helm uninstall and deleting the namespace leave nothing behind', async () => {
    await helmRun('uninstall', VC, '-n', NS, '--wait');
    await host('delete', 'namespace', NS, '--wait=true', '--timeout=180s');
    const left = await host(
      'get',
      'clusterroles,clusterrolebindings,persistentvolumes',
      '-l',
      `app=vcluster,release=${VC}`,
      '-o',
      'name',
    );
    assert.equal(left.stdout.trim(), '');
    assert.equal((await host('get', 'namespace', NS, '--ignore-not-found', '-o', 'name')).stdout.trim(), '');
    const listed = await cli('list');
    assert.doesNotMatch(listed.stdout, new RegExp(VC));
  });
});
