/**
 * The opt-in kinds on the embedded host (simulated nodes only, the local driver), each switched on
 * with --set as in vcluster.yaml: an Ingress (backends and TLS Secret translated, the Secret synced
 * with it and removed after it), a NetworkPolicy whose host selectors select exactly the host twins of
 * the tenant pods its virtual selectors select (kubectl -l on the host), a PodDisruptionBudget (the
 * same for its selector), a PriorityClass (cluster-scoped `vcluster-<name>-x-<ns>-x-<vc>`, tenant pods
 * naming it run with it), and host StorageClasses / IngressClasses copied into the vcluster read-only
 * (a tenant edit and a tenant delete reverted). PriorityClasses from the host need a vcluster of their
 * own (to and from the host at once is refused): a second one, whose pods keep the host class's name.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { labelSelectorString, type LabelSelector } from '../../src/syncer/translate/selectors.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';
import { createVCluster, type VClusterUnderTest } from '../support/vcluster-under-test.js';

const VC = 'my-vcluster';
const NS = 'test-namespace';
const FROM_VC = 'classes';
const FROM_NS = 'classes-ns';
const SYNC_TIMEOUT_MS = 60_000;
const h = (name: string, ns = 'default'): string => `${name}-x-${ns}-x-${VC}`;

const TO_HOST = ['ingresses', 'networkPolicies', 'podDisruptionBudgets', 'priorityClasses'].flatMap((k) => ['--set', `sync.toHost.${k}.enabled=true`]);
const FROM_HOST = ['storageClasses', 'ingressClasses'].flatMap((k) => ['--set', `sync.fromHost.${k}.enabled=true`]);

const pod = (name: string, namespace: string, labels: Record<string, string>, priorityClassName?: string): string => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}, labels: ${JSON.stringify(labels)}}
spec:
  ${priorityClassName ? `priorityClassName: ${priorityClassName}` : ''}
  containers: [{name: app, image: nginx}]
`;

interface Named {
  metadata: { name: string; labels?: Record<string, string>; uid?: string };
}

describe('more kinds on the embedded host (local driver)', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let vc: VClusterUnderTest;
  let fromVc: VClusterUnderTest;
  const pids = new Set<number>();
  const suite = () => ({ home, env, kubectl: kubectlBin });
  const host = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args])).stdout;
  const hostApply = async (yaml: string): Promise<void> => {
    await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', 'apply', '-f', '-'], { input: yaml });
  };
  const virtual = async (target: VClusterUnderTest, ...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', target.kubeconfig, ...args])).stdout;
  /** Applies in the vcluster; retried while the namespace's default ServiceAccount does not exist yet. */
  const virtualApply = (target: VClusterUnderTest, yaml: string): Promise<true> =>
    eventually(
      'the vcluster accepts the objects',
      async () =>
        run(kubectlBin, ['--kubeconfig', target.kubeconfig, 'apply', '-f', '-'], { input: yaml }).then(
          () => true as const,
          (err: unknown) => {
            if (err instanceof Error && /serviceaccount "default" not found/i.test(err.message)) return undefined;
            throw err;
          },
        ),
      SYNC_TIMEOUT_MS,
      500,
    );
  const hostJson = async <T>(...args: string[]): Promise<T | undefined> => {
    const out = await host('get', ...args, '--ignore-not-found', '-o', 'json');
    return out.trim() === '' ? undefined : (JSON.parse(out) as T);
  };
  const hostPodNames = async (selector: LabelSelector): Promise<string[]> =>
    (JSON.parse(await host('get', 'pods', '-n', NS, '-l', labelSelectorString(selector), '-o', 'json')) as { items: Named[] }).items.map((p) => p.metadata.name).sort();
  const virtualPodTwins = async (namespace: string, selector: string): Promise<string[]> =>
    (JSON.parse(await virtual(vc, 'get', 'pods', '-n', namespace, '-l', selector, '-o', 'json')) as { items: Named[] }).items.map((p) => h(p.metadata.name, namespace)).sort();
  const remember = async (): Promise<void> => {
    for (const p of Object.values(await pidsIn(join(home, 'host', 'pids')))) pids.add(p);
    for (const target of [vc, fromVc]) if (target) for (const p of await target.pids()) pids.add(p);
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-more-kinds-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await runCli(['host', 'up', '--nodes', '2', '--real-nodes', '0'], env);
    assert.equal(up.code, 0, up.stderr);
    await remember();
    // the host's classes, before the vclusters start: imported at start
    await hostApply(`
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: host-fast, labels: {tier: ssd}}
provisioner: example.com/fast
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: host-nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: host-batch}
value: 500
description: the host's batch class
`);
    vc = await createVCluster(suite(), 'local', VC, NS, [...TO_HOST, ...FROM_HOST]);
    await remember();
  });

  after(async () => {
    await runCli(['delete', FROM_VC, '-n', FROM_NS, '--ignore-not-found'], env);
    await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
    await runCli(['host', 'down', '--purge'], env);
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('Ingress: backends and TLS Secret translated, ingressClassName kept, the Secret synced with it and removed after it', async () => {
    await virtualApply(vc, `
apiVersion: v1
kind: Secret
metadata: {name: web-tls, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: Y3J0, tls.key: a2V5}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  ingressClassName: host-nginx
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`);
    interface HostIngress {
      metadata: { labels: Record<string, string> };
      spec: { ingressClassName: string; tls: { secretName: string }[]; rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] };
    }
    const ingress = await eventually('the host Ingress', () => hostJson<HostIngress>('ingress', h('web'), '-n', NS), SYNC_TIMEOUT_MS);
    assert.equal(ingress.spec.ingressClassName, 'host-nginx');
    assert.equal(ingress.spec.rules[0]?.http.paths[0]?.backend.service.name, h('web'));
    assert.equal(ingress.spec.tls[0]?.secretName, h('web-tls'));
    assert.equal(ingress.metadata.labels['vcluster.loft.sh/managed-by'], VC);
    const secret = await eventually('the host TLS Secret', () => hostJson<{ data: Record<string, string> }>('secret', h('web-tls'), '-n', NS), SYNC_TIMEOUT_MS);
    assert.equal(secret.data['tls.crt'], 'Y3J0');
    // an edit of the backend reaches the host
    await virtual(vc, 'patch', 'ingress', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name","value":"web-v2"}]');
    await eventually(
      'the new backend on the host',
      async () => ((await hostJson<HostIngress>('ingress', h('web'), '-n', NS))?.spec.rules[0]?.http.paths[0]?.backend.service.name === h('web-v2') ? true : undefined),
      SYNC_TIMEOUT_MS,
    );
    await virtual(vc, 'delete', 'ingress', 'web');
    await eventually('the host Ingress and its Secret gone', async () => {
      const left = await host('get', 'ingress,secret', '-n', NS, '--ignore-not-found', '-o', 'name');
      return left.includes(h('web')) || left.includes(h('web-tls')) ? undefined : true;
    }, SYNC_TIMEOUT_MS);
  });

  it('NetworkPolicy: the host selectors select exactly the twins of the tenant pods the virtual selectors select', async () => {
    await virtual(vc, 'create', 'namespace', 'other');
    await virtualApply(vc, [
      pod('web-1', 'default', { app: 'web' }),
      pod('web-2', 'default', { app: 'web' }),
      pod('db', 'default', { app: 'db' }),
      pod('web', 'other', { app: 'web' }),
      pod('api', 'other', { app: 'api' }),
    ].join('---\n'));
    // a host pod of the same labels in the host namespace that is not the tenant's
    await host('run', 'stray', '-n', NS, '--image=nginx', '--labels=app=web', '--restart=Never');
    await eventually('5 tenant pods on the host', async () => ((await hostPodNames({ matchLabels: { 'vcluster.loft.sh/managed-by': VC } })).filter((n) => !n.startsWith('coredns')).length >= 5 ? true : undefined), SYNC_TIMEOUT_MS);
    await virtualApply(vc, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: db}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}
      podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}
    - ipBlock: {cidr: 192.168.0.0/16}
  egress:
  - to: [{namespaceSelector: {}}]
`);
    interface Peer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string } }
    interface HostPolicy { spec: { podSelector: LabelSelector; ingress: { from: Peer[] }[]; egress: { to: Peer[] }[] } }
    const policy = await eventually('the host NetworkPolicy', () => hostJson<HostPolicy>('networkpolicy', h('web'), '-n', NS), SYNC_TIMEOUT_MS);
    const [fromDb, fromOther, fromBlock] = policy.spec.ingress[0]?.from ?? [];
    const toAll = policy.spec.egress[0]?.to[0];
    assert.ok(fromDb?.podSelector && fromOther?.podSelector && toAll?.podSelector, JSON.stringify(policy.spec));
    assert.equal(fromOther.namespaceSelector, undefined, 'no namespaceSelector: the peers stay in the host namespace');
    assert.deepEqual(fromBlock, { ipBlock: { cidr: '192.168.0.0/16' } });
    const cases: { name: string; host: LabelSelector; tenant: string[] }[] = [
      { name: 'podSelector app=web', host: policy.spec.podSelector, tenant: await virtualPodTwins('default', 'app=web') },
      { name: 'peer app=db', host: fromDb.podSelector, tenant: await virtualPodTwins('default', 'app=db') },
      { name: 'peer namespace other, app in (web, api)', host: fromOther.podSelector, tenant: await virtualPodTwins('other', 'app in (web,api)') },
    ];
    for (const c of cases) {
      assert.ok(c.tenant.length > 0, c.name);
      assert.deepEqual(await hostPodNames(c.host), c.tenant, c.name);
    }
    assert.deepEqual(cases.map((c) => c.tenant), [[h('web-1'), h('web-2')], [h('db')], [h('api', 'other'), h('web', 'other')]]);
    // every tenant pod, none other (the stray host pod, the vcluster's own objects)
    const everyTenantPod = (await hostPodNames(toAll.podSelector)).filter((n) => !n.startsWith('coredns'));
    assert.deepEqual(everyTenantPod, [h('db'), h('web-1'), h('web-2'), h('api', 'other'), h('web', 'other')].sort());
  });

  it('PodDisruptionBudget: the host selector selects exactly the tenant pods of its namespace', async () => {
    await virtualApply(vc, `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
`);
    const pdb = await eventually('the host PDB', () => hostJson<{ spec: { minAvailable: number; selector: LabelSelector } }>('pdb', h('web'), '-n', NS), SYNC_TIMEOUT_MS);
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(await hostPodNames(pdb.spec.selector), [h('web-1'), h('web-2')]);
    await virtual(vc, 'patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":2}}');
    await eventually('the change on the host', async () => ((await hostJson<{ spec: { minAvailable: number } }>('pdb', h('web'), '-n', NS))?.spec.minAvailable === 2 ? true : undefined), SYNC_TIMEOUT_MS);
    await virtual(vc, 'delete', 'pdb', 'web');
    await eventually('the host PDB gone', async () => ((await hostJson('pdb', h('web'), '-n', NS)) === undefined ? true : undefined), SYNC_TIMEOUT_MS);
  });

  it('PriorityClass: a cluster-scoped host class vcluster-<name>-x-<ns>-x-<vc>; tenant pods naming it run with it', async () => {
    const hostClass = `vcluster-high-priority-x-${NS}-x-${VC}`;
    await virtualApply(vc, `
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-priority}
value: 1000
description: tenant class
---
${pod('urgent', 'default', { app: 'urgent' }, 'high-priority')}`);
    const pc = await eventually('the host PriorityClass', () => hostJson<{ value: number; globalDefault?: boolean; metadata: { labels: Record<string, string> } }>('priorityclass', hostClass), SYNC_TIMEOUT_MS);
    assert.equal(pc.value, 1000);
    assert.equal(pc.metadata.labels['vcluster.loft.sh/managed-by'], `${NS}-x-${VC}`);
    const hostPod = await eventually('the host pod', () => hostJson<{ spec: { priorityClassName: string; priority: number } }>('pod', h('urgent'), '-n', NS), SYNC_TIMEOUT_MS);
    assert.equal(hostPod.spec.priorityClassName, hostClass);
    assert.equal(hostPod.spec.priority, 1000);
    await virtual(vc, 'delete', 'pod', 'urgent', '--wait=false');
    await virtual(vc, 'delete', 'priorityclass', 'high-priority');
    await eventually('the host class gone', async () => ((await hostJson('priorityclass', hostClass)) === undefined ? true : undefined), SYNC_TIMEOUT_MS);
  });

  it('StorageClasses and IngressClasses from the host: copied in, read-only (a tenant edit and delete reverted)', async () => {
    const copy = (kind: string, name: string) => async (): Promise<(Named & { provisioner?: string; spec?: { controller: string } }) | undefined> => {
      const out = await virtual(vc, 'get', kind, name, '--ignore-not-found', '-o', 'json');
      return out.trim() === '' ? undefined : (JSON.parse(out) as Named & { provisioner?: string; spec?: { controller: string } });
    };
    const sc = await eventually('the StorageClass in the vcluster', copy('storageclass', 'host-fast'), SYNC_TIMEOUT_MS);
    assert.equal(sc.provisioner, 'example.com/fast');
    assert.equal(sc.metadata.labels?.tier, 'ssd');
    const ic = await eventually('the IngressClass in the vcluster', copy('ingressclass', 'host-nginx'), SYNC_TIMEOUT_MS);
    assert.equal(ic.spec?.controller, 'k8s.io/ingress-nginx');
    await virtual(vc, 'label', 'storageclass', 'host-fast', 'tier=hdd', '--overwrite');
    await eventually('the label reverted', async () => ((await copy('storageclass', 'host-fast')())?.metadata.labels?.tier === 'ssd' ? true : undefined), SYNC_TIMEOUT_MS);
    await virtual(vc, 'delete', 'ingressclass', 'host-nginx');
    await eventually('the IngressClass re-created', async () => {
      const again = await copy('ingressclass', 'host-nginx')();
      return again && again.metadata.uid !== ic.metadata.uid ? true : undefined;
    }, SYNC_TIMEOUT_MS);
    // a class the host removes leaves the vcluster
    await host('delete', 'storageclass', 'host-fast');
    await eventually('the StorageClass gone from the vcluster', async () => ((await copy('storageclass', 'host-fast')()) === undefined ? true : undefined), SYNC_TIMEOUT_MS);
  });

  it('PriorityClasses from the host (a vcluster of their own): copied in; tenant pods keep the host class name', async () => {
    fromVc = await createVCluster(suite(), 'local', FROM_VC, FROM_NS, ['--set', 'sync.fromHost.priorityClasses.enabled=true']);
    await remember();
    const pc = await eventually('the host class in the vcluster', async () => {
      const out = await virtual(fromVc, 'get', 'priorityclass', 'host-batch', '--ignore-not-found', '-o', 'json');
      return out.trim() === '' ? undefined : (JSON.parse(out) as { value: number });
    }, SYNC_TIMEOUT_MS);
    assert.equal(pc.value, 500);
    await virtualApply(fromVc, pod('batch', 'default', { app: 'batch' }, 'host-batch'));
    const hostPod = await eventually('the host pod', () => hostJson<{ spec: { priorityClassName: string; priority: number } }>('pod', `batch-x-default-x-${FROM_VC}`, '-n', FROM_NS), SYNC_TIMEOUT_MS);
    assert.equal(hostPod.spec.priorityClassName, 'host-batch');
    assert.equal(hostPod.spec.priority, 500);
  });
});
