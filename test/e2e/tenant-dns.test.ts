/**
 * Tenants reach their workloads by name (issue 13, part B), on the embedded host's real node, once per
 * driver: CoreDNS inside the vcluster (built by the project, synced to the host like any pod) resolves
 * `kubernetes.default.svc.cluster.local`, a tenant Service by short name and by FQDN to the right
 * ClusterIPs, a busybox pod reaches a tenant Service by name (httpd behind it), its env has the service
 * links; a pod with its own service account calls the virtual API in-cluster; nodePorts are equal on
 * both sides; `default/kubernetes` has endpoints; and the syncer log of the whole run holds no "host
 * name taken", no "reconciler error" for a 409 and no MaxListenersExceededWarning.
 *
 * Commands run inside the pods through the HOST twin (`kubectl exec` on the host), so the test does not
 * depend on the virtual kubelet proxy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';
import { DRIVERS, createVCluster, type VClusterUnderTest } from '../support/vcluster-under-test.js';

const VC = 'my-vcluster';
const NS = 'test-namespace';
const APP = 'guestbook';
const BUSYBOX = 'vcluster-ts.local/busybox:1.35.0';
const TIMEOUT_MS = 120_000;
const REAL = { 'vcluster-ts.io/node-type': 'real' };

const container = (name: string, command: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  image: BUSYBOX,
  imagePullPolicy: 'Never',
  command,
  ...extra,
});

/** A multi-service app in namespace APP: redis-master (httpd on 6379), frontend (NodePort), a headless and an ExternalName service. */
function app(): string {
  const deployment = (name: string, port: number): Record<string, unknown> => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: APP },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: REAL,
          terminationGracePeriodSeconds: 1,
          containers: [container('main', ['httpd', '-f', '-p', String(port), '-h', '/www'])],
        },
      },
    },
  });
  const service = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: APP },
    spec,
  });
  const items = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP } },
    deployment('redis-master', 6379),
    deployment('frontend', 8080),
    service('redis-master', { selector: { app: 'redis-master' }, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] }),
    service('frontend', { type: 'NodePort', selector: { app: 'frontend' }, ports: [{ port: 80, targetPort: 8080 }] }),
    service('redis-headless', { clusterIP: 'None', selector: { app: 'redis-master' }, ports: [{ port: 6379 }] }),
    service('upstream', { type: 'ExternalName', externalName: 'redis-master.guestbook.svc.cluster.local' }),
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** A client pod that sleeps (commands run through exec), and an in-cluster API caller with its own service account. */
function clients(): string {
  const items = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: APP },
      spec: { nodeSelector: REAL, terminationGracePeriodSeconds: 1, containers: [container('main', ['sleep', '3600'])] },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: APP } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader', namespace: APP },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader', namespace: APP },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: APP }],
    },
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** The image with kubectl (/kubernetes/kubectl) that the kubernetes driver runs; loaded into the real node. */
const KUBERNETES_IMAGE = 'vcluster-ts.local/kubernetes:v1.36.3';

/** `kubectl get pods` in-cluster (client-go's in-cluster config: KUBERNETES_SERVICE_HOST, the token, ca.crt, TLS verified). */
function apiCaller(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-caller', namespace: APP },
    spec: {
      nodeSelector: REAL,
      serviceAccountName: 'reader',
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: KUBERNETES_IMAGE, imagePullPolicy: 'Never', command: ['/kubernetes/kubectl', 'get', 'pods', '-n', APP, '-o', 'json'] }],
    },
  });
}

/** The addresses busybox nslookup printed for the name (after the server's own lines). */
function nslookupAddresses(out: string): string[] {
  const answer = out.split(/\n\s*\n/).slice(1).join('\n') || out;
  return [...answer.matchAll(/^Address(?: \d+)?:\s*([0-9a-f.:]+)\s*$/gm)].map((m) => m[1]!).filter((ip) => !ip.includes('#'));
}

for (const driver of DRIVERS) describe(`tenant DNS, service links and in-cluster API (${driver} driver)`, () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let vc: VClusterUnderTest;
  const pids = new Set<number>();
  const suite = () => ({ home, env, kubectl: kubectlBin });
  const host = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args], { timeoutMs: 60_000 })).stdout;
  const virtual = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', vc.kubeconfig, ...args], { timeoutMs: 60_000 })).stdout;
  const virtualApply = async (json: string): Promise<void> => {
    await run(kubectlBin, ['--kubeconfig', vc.kubeconfig, 'apply', '-f', '-'], { input: json });
  };
  const twin = (name: string, namespace = APP): string => `${name}-x-${namespace}-x-${VC}`;
  const hostExec = (pod: string, ...cmd: string[]): Promise<string> => host('exec', '-n', NS, twin(pod), '--', ...cmd);
  const clusterIp = async (name: string, namespace = APP): Promise<string> =>
    (await virtual('get', 'service', name, '-n', namespace, '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const syncerLog = async (): Promise<string> =>
    driver === 'local'
      ? readFile(join(home, 'vclusters', 'vcluster-host', NS, VC, 'logs', 'supervisor.log'), 'utf8')
      : host('logs', '-n', NS, `${VC}-0`, '-c', 'syncer');
  const remember = async (): Promise<void> => {
    for (const p of [...Object.values(await pidsIn(join(home, 'host', 'pids'))), ...(vc ? await vc.pids() : [])]) pids.add(p);
  };
  const running = (pod: string): Promise<true> =>
    eventually(
      `host pod ${twin(pod)} Running and Ready`,
      async () =>
        (await host('get', 'pod', twin(pod), '-n', NS, '--ignore-not-found', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).trim() === 'True'
          ? true
          : undefined,
      TIMEOUT_MS,
    );

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), `vcluster-dns-e2e-${driver}-`));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await runCli(['host', 'up', '--nodes', '1'], env);
    assert.equal(up.code, 0, up.stderr);
    await remember();
    if (driver === 'local') {
      // the kubernetes driver's create loads the image with kubectl into the real node; here the test does
      const images = join(home, 'images');
      const built = await runCli(['image', 'build', 'kubernetes', '--output-dir', images], env);
      assert.equal(built.code, 0, built.stderr);
      const imported = await runCli(['image', 'import', join(images, 'kubernetes.tar')], env);
      assert.equal(imported.code, 0, imported.stderr);
    }
    // the default isolation quota allows no NodePort Service (services.nodeports: 0, as vCluster's)
    vc = await createVCluster(suite(), driver, VC, NS, ['--set', 'policies.resourceQuota.enabled=false']);
    await remember();
  });

  after(async () => {
    await remember().catch(() => undefined);
    await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
    await runCli(['host', 'down', '--purge'], env);
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('runs CoreDNS in the vcluster, synced to the real node, its Service synced as kube-dns-x-kube-system-x-my-vcluster', async () => {
    await eventually(
      'virtual deployment kube-system/coredns available',
      async () => ((await virtual('get', 'deployment', 'coredns', '-n', 'kube-system', '--ignore-not-found', '-o', 'jsonpath={.status.availableReplicas}')).trim() === '1' ? true : undefined),
      TIMEOUT_MS,
    );
    const pods = JSON.parse(await host('get', 'pods', '-n', NS, '-l', `vcluster.loft.sh/namespace=kube-system`, '-o', 'json')) as {
      items: { metadata: { name: string }; spec: { nodeName?: string; dnsPolicy?: string } }[];
    };
    const coredns = pods.items.find((p) => p.metadata.name.startsWith('coredns-'));
    assert.ok(coredns, 'a host twin of the coredns pod');
    assert.match(coredns.metadata.name, /-x-kube-system-x-my-vcluster$/);
    const nodeType = await host('get', 'node', coredns.spec.nodeName ?? '', '-o', 'jsonpath={.metadata.labels.vcluster-ts\\.io/node-type}');
    assert.equal(nodeType, 'real', 'coredns runs on the real node');
    assert.equal(coredns.spec.dnsPolicy, 'Default', 'coredns itself does not use cluster DNS');
    const corefile = await virtual('get', 'configmap', 'coredns', '-n', 'kube-system', '-o', 'jsonpath={.data.Corefile}');
    assert.doesNotMatch(corefile, /forward/, 'nothing is forwarded off the cluster');
    const hostDnsIp = (await host('get', 'service', twin('kube-dns', 'kube-system'), '-n', NS, '-o', 'jsonpath={.spec.clusterIP}')).trim();
    assert.equal(hostDnsIp, await clusterIp('kube-dns', 'kube-system'));
  });

  it('resolves kubernetes.default, a tenant Service by short name and FQDN, and reaches it by name', async () => {
    await virtualApply(app());
    await virtualApply(clients());
    await running('client');
    for (const name of ['redis-master', 'frontend'])
      await eventually(
        `virtual deployment ${name} available`,
        async () => ((await virtual('get', 'deployment', name, '-n', APP, '-o', 'jsonpath={.status.availableReplicas}')).trim() === '1' ? true : undefined),
        TIMEOUT_MS,
      );
    const resolvConf = await hostExec('client', 'cat', '/etc/resolv.conf');
    const dnsIp = await clusterIp('kube-dns', 'kube-system');
    assert.match(resolvConf, new RegExp(`^nameserver ${dnsIp.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(resolvConf, new RegExp(`^search ${APP}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local$`, 'm'));
    assert.match(resolvConf, /^options ndots:5$/m);

    const resolves = async (name: string, want: string): Promise<void> => {
      const got = await eventually(
        `${name} to resolve to ${want}`,
        async () => {
          // busybox nslookup exits 1 when any search-path candidate is NXDOMAIN: keep its output
          const out = await hostExec('client', 'sh', '-c', `nslookup ${name} 2>&1; true`).catch(() => '');
          return nslookupAddresses(out).includes(want) ? out : undefined;
        },
        60_000,
      );
      assert.ok(got);
    };
    await resolves('kubernetes.default.svc.cluster.local', await clusterIp('kubernetes', 'default'));
    const redis = await clusterIp('redis-master');
    await resolves(`redis-master.${APP}.svc.cluster.local`, redis);
    await resolves('redis-master', redis);
    // names outside the cluster get NXDOMAIN from CoreDNS, never a forwarded query
    const outside = await hostExec('client', 'sh', '-c', 'nslookup example.com 2>&1; true');
    assert.match(outside, /NXDOMAIN|can't find/);
    // by name through the Service (getaddrinfo with the search path), busybox httpd behind it. (`timeout`,
    // not wget's -T, which crashes Debian's static busybox wget.)
    const page = await eventually(
      'wget http://redis-master:6379/ from the client pod',
      async () => (await hostExec('client', 'timeout', '10', 'wget', '-q', '-O-', 'http://redis-master:6379/').catch(() => '')) || undefined,
      60_000,
    );
    assert.match(page, /hello from vcluster-ts busybox/);
  });

  it('gives the pod the service-link env vars of its virtual namespace, and no host ones', async () => {
    const envOut = await hostExec('client', 'env');
    const vars = new Map(envOut.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const redis = await clusterIp('redis-master');
    assert.equal(vars.get('REDIS_MASTER_SERVICE_HOST'), redis);
    assert.equal(vars.get('REDIS_MASTER_SERVICE_PORT'), '6379');
    assert.equal(vars.get('REDIS_MASTER_SERVICE_PORT_REDIS'), '6379');
    assert.equal(vars.get('REDIS_MASTER_PORT'), `tcp://${redis}:6379`);
    assert.equal(vars.get('REDIS_MASTER_PORT_6379_TCP_ADDR'), redis);
    assert.ok(vars.has('FRONTEND_SERVICE_HOST'));
    assert.ok(!vars.has('REDIS_HEADLESS_SERVICE_HOST'), 'headless services make no links');
    assert.ok(![...vars.keys()].some((k) => k.startsWith('MY_VCLUSTER_')), 'host-namespace services do not leak in');
    const enableServiceLinks = await host('get', 'pod', twin('client'), '-n', NS, '-o', 'jsonpath={.spec.enableServiceLinks}');
    assert.equal(enableServiceLinks, 'false');
  });

  it('lets a pod call the virtual API in-cluster with its own service account', async () => {
    await virtualApply(apiCaller());
    const phase = await eventually(
      'the api-caller pod to finish',
      async () => {
        const p = (await virtual('get', 'pod', 'api-caller', '-n', APP, '-o', 'jsonpath={.status.phase}')).trim();
        return p === 'Succeeded' || p === 'Failed' ? p : undefined;
      },
      TIMEOUT_MS,
    );
    const out = await host('logs', '-n', NS, twin('api-caller'));
    assert.equal(phase, 'Succeeded', out);
    const list = JSON.parse(out) as { kind: string; items: { metadata: { name: string } }[] };
    assert.match(list.kind, /List$/);
    assert.ok(list.items.some((p) => p.metadata.name === 'client'), 'the virtual pods of the namespace (virtual names)');
  });

  it('keeps nodePorts equal on both sides, and default/kubernetes has endpoints', async () => {
    const virtualPort = (await virtual('get', 'service', 'frontend', '-n', APP, '-o', 'jsonpath={.spec.ports[0].nodePort}')).trim();
    assert.match(virtualPort, /^\d+$/);
    await eventually(
      'the host twin of frontend with the same nodePort',
      async () => ((await host('get', 'service', twin('frontend'), '-n', NS, '-o', 'jsonpath={.spec.ports[0].nodePort}')).trim() === virtualPort ? true : undefined),
      30_000,
    );
    const endpoint = await eventually(
      'virtual default/kubernetes endpoints',
      async () => (await virtual('get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.subsets[0].addresses[0].ip}')).trim() || undefined,
      30_000,
    );
    assert.ok(endpoint);
    const slice = await virtual('get', 'endpointslice', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.endpoints[0].addresses[0]}');
    assert.equal(slice.trim(), endpoint);
  });

  it('logs no name conflict for selector Services, no 409 as an error, no listener leak warning', async () => {
    const log = await syncerLog();
    assert.doesNotMatch(log, /host name taken/);
    const errors = log.split('\n').filter((l) => l.includes('reconciler error'));
    assert.deepEqual(errors.filter((l) => /409|[Cc]onflict|the object has been modified/.test(l)), []);
    assert.doesNotMatch(log, /MaxListenersExceededWarning/);
    const duplicated = log.split('\n').find((l) => (l.match(/"controller":/g) ?? []).length > 1);
    assert.equal(duplicated, undefined, 'one "controller" key per log line');
  });
});
