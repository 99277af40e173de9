/**
 * Isolation by default (issue 16) on the embedded host (simulated nodes only): the virtual apiserver's
 * PodSecurity admission refuses the hostNetwork/privileged/hostPath pod, naming the rules; a pod that
 * slips past admission (a namespace label lifting the level) is refused by the syncer with a Warning
 * event and never reaches the host; with `policies.podSecurityStandard: privileged` (a second vcluster,
 * `-f values.yaml`) the same pod syncs; ResourceQuota, LimitRange and NetworkPolicy `vc-<name>` exist
 * in the host namespace, the LimitRange's defaults land on host pods and the quota holds a tenant back
 * (a Warning event says so); `vcluster delete` removes them; bad policies and an oversized
 * vcluster.yaml are refused up front.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';

const VC = 'iso';
const NS = 'iso-ns';
const OPEN_VC = 'open';
const OPEN_NS = 'open-ns';
const SYNC_TIMEOUT_MS = 30_000;

/** The pod: host network, a privileged container and the host's root filesystem. */
const escapingPod = (namespace: string): string => `
apiVersion: v1
kind: Pod
metadata: {name: escape, namespace: ${namespace}}
spec:
  hostNetwork: true
  containers:
  - name: sh
    image: busybox
    command: [sleep, "3600"]
    securityContext: {privileged: true}
    volumeMounts: [{name: root, mountPath: /host}]
  volumes:
  - name: root
    hostPath: {path: /}
`;

const plainPod = (name: string): string => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  containers: [{name: app, image: nginx}]
`;

interface Quota {
  spec: { hard: Record<string, string> };
  status?: { used?: Record<string, string> };
}

interface HostPod {
  metadata: { name: string };
  spec: { containers: { resources?: { limits?: Record<string, string>; requests?: Record<string, string> } }[] };
}

describe('isolation on the embedded host', () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  const pids = new Set<number>();
  const host = async (...args: string[]): Promise<string> =>
    (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args])).stdout;
  const adminKubeconfig = (ns: string, name: string): string => join(home, 'vclusters', 'vcluster-host', ns, name, 'pki', 'admin.conf');
  const virtual = (ns: string, name: string) => ({
    kubectl: async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', adminKubeconfig(ns, name), ...args])).stdout,
    /** kubectl apply; resolves to stdout+stderr, rejects with kubectl's error. */
    apply: async (yaml: string): Promise<string> => {
      const r = await run(kubectlBin, ['--kubeconfig', adminKubeconfig(ns, name), 'apply', '-f', '-'], { input: yaml });
      return r.stdout + r.stderr;
    },
  });
  const hostPodNames = async (ns: string, name: string): Promise<string[]> =>
    (await host('get', 'pods', '-n', ns, '-l', `vcluster.loft.sh/managed-by=${name}`, '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean);
  const quotaOf = async (ns: string, name: string): Promise<Quota> =>
    JSON.parse(await host('get', 'resourcequota', `vc-${name}`, '-n', ns, '-o', 'json')) as Quota;
  const remember = async (ns?: string, name?: string): Promise<void> => {
    const dirs = [join(home, 'host', 'pids'), ...(ns && name ? [join(home, 'vclusters', 'vcluster-host', ns, name, 'pids')] : [])];
    for (const dir of dirs) for (const p of Object.values(await pidsIn(dir))) pids.add(p);
  };
  /** The default ServiceAccount must exist before a pod can be created: retry until it does. */
  const applyWhenReady = (apply: () => Promise<string>): Promise<string> =>
    eventually('the pod accepted', async () => apply().catch((err: unknown) => {
      if (err instanceof Error && /serviceaccount "default" not found/i.test(err.message)) return undefined;
      throw err;
    }), SYNC_TIMEOUT_MS, 500);

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), 'vcluster-isolation-e2e-'));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await runCli(['host', 'up', '--nodes', '2', '--real-nodes', '0'], env);
    assert.equal(up.code, 0, up.stderr);
    await remember();
    const created = await runCli(['create', VC, '-n', NS, '--connect=false'], env);
    assert.equal(created.code, 0, created.stderr);
    await remember(NS, VC);
  });

  after(async () => {
    await runCli(['delete', OPEN_VC, '-n', OPEN_NS, '--ignore-not-found'], env);
    await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
    await runCli(['host', 'down', '--purge'], env);
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('creates ResourceQuota, LimitRange and NetworkPolicy vc-<name> in the host namespace, with vCluster\'s isolation defaults', async () => {
    const quota = await quotaOf(NS, VC);
    assert.equal(quota.spec.hard['count/pods'], '20');
    assert.equal(quota.spec.hard['requests.cpu'], '10');
    assert.equal(quota.spec.hard['limits.memory'], '40Gi');
    assert.equal(quota.spec.hard['services.nodeports'], '0');
    const limits = JSON.parse(await host('get', 'limitrange', `vc-${VC}`, '-n', NS, '-o', 'json')) as {
      spec: { limits: { type: string; default: Record<string, string>; defaultRequest: Record<string, string> }[] };
    };
    assert.deepEqual(limits.spec.limits.map((l) => [l.type, l.default.memory, l.defaultRequest.cpu]), [['Container', '512Mi', '100m']]);
    const policy = JSON.parse(await host('get', 'networkpolicy', `vc-${VC}`, '-n', NS, '-o', 'json')) as {
      spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[] };
    };
    assert.deepEqual(policy.spec.podSelector.matchLabels, { 'vcluster.loft.sh/managed-by': VC });
    assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
  });

  it('the virtual apiserver refuses the hostNetwork/privileged/hostPath pod, naming each rule; nothing reaches the host', async () => {
    const vc = virtual(NS, VC);
    const err = await vc.apply(escapingPod('default')).then(
      () => assert.fail('the pod was accepted'),
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    assert.match(err, /violates PodSecurity "baseline:latest"/);
    assert.match(err, /host namespaces \(hostNetwork=true\)/);
    assert.match(err, /privileged \(container "sh" must not set securityContext\.privileged=true\)/);
    assert.match(err, /hostPath volumes \(volume "root"\)/);
    assert.equal((await vc.kubectl('get', 'pods', '-n', 'default', '-o', 'name')).trim(), '', 'no virtual pod');
    assert.deepEqual(await hostPodNames(NS, VC), [], 'no host pod');
  });

  it('a pod that slips past admission (namespace label enforce=privileged) is refused by the syncer with a Warning event, never synced', async () => {
    const vc = virtual(NS, VC);
    await vc.kubectl('create', 'namespace', 'lifted');
    await vc.kubectl('label', 'namespace', 'lifted', 'pod-security.kubernetes.io/enforce=privileged');
    const out = await applyWhenReady(() => vc.apply(escapingPod('lifted')));
    assert.match(out, /pod\/escape created/);
    const message = await eventually(
      'the SyncError event on the virtual pod',
      async () => (await vc.kubectl('get', 'events', '-n', 'lifted', '--field-selector', 'involvedObject.name=escape,reason=SyncError', '-o', 'jsonpath={.items[*].message}')) || undefined,
      SYNC_TIMEOUT_MS,
    );
    assert.equal(
      message,
      'cannot sync pod: hostNetwork is not allowed; privileged is not allowed for container "sh"; hostPath volume "root" is not allowed (policies.podSecurityStandard=baseline)',
    );
    // a plain pod created after it syncs, so the syncer has looked at the escaping one long since
    await vc.apply(plainPod('after-escape'));
    await eventually('the plain pod on the host', async () => ((await hostPodNames(NS, VC)).includes(`after-escape-x-default-x-${VC}`) ? true : undefined), SYNC_TIMEOUT_MS);
    assert.deepEqual((await hostPodNames(NS, VC)).filter((n) => n.startsWith('escape')), [], 'the escaping pod never reached the host');
    assert.equal(await vc.kubectl('get', 'pod', 'escape', '-n', 'lifted', '-o', 'jsonpath={.spec.nodeName}'), '', 'never bound');
  });

  it('host pods get the LimitRange defaults and count against the ResourceQuota', async () => {
    const pod = JSON.parse(await host('get', 'pod', `after-escape-x-default-x-${VC}`, '-n', NS, '-o', 'json')) as HostPod;
    const resources = pod.spec.containers[0]?.resources;
    assert.deepEqual(resources?.limits, { cpu: '1', 'ephemeral-storage': '8Gi', memory: '512Mi' });
    assert.deepEqual(resources?.requests, { cpu: '100m', 'ephemeral-storage': '3Gi', memory: '128Mi' });
    await eventually(
      'the quota counting the pod',
      async () => ((await quotaOf(NS, VC)).status?.used?.['count/pods'] === '1' ? true : undefined),
      SYNC_TIMEOUT_MS,
    );
  });

  it('with policies.podSecurityStandard: privileged (-f values.yaml) the same pod syncs; a small quota holds the tenant back', async () => {
    const values = join(home, 'values.yaml');
    await writeFile(values, 'policies:\n  podSecurityStandard: privileged\n  resourceQuota:\n    quota:\n      count/pods: 2\n');
    const created = await runCli(['create', OPEN_VC, '-n', OPEN_NS, '--connect=false', '-f', values], env);
    assert.equal(created.code, 0, created.stderr);
    await remember(OPEN_NS, OPEN_VC);
    const vc = virtual(OPEN_NS, OPEN_VC);
    const out = await applyWhenReady(() => vc.apply(escapingPod('default')));
    assert.doesNotMatch(out, /violates PodSecurity/);
    const hostPod = await eventually(
      'the escaping pod on the host',
      async () => {
        const json = await host('get', 'pod', `escape-x-default-x-${OPEN_VC}`, '-n', OPEN_NS, '-o', 'json').catch(() => '');
        return json === '' ? undefined : (JSON.parse(json) as { spec: { hostNetwork?: boolean; containers: { securityContext?: { privileged?: boolean } }[] } });
      },
      SYNC_TIMEOUT_MS,
    );
    assert.equal(hostPod.spec.hostNetwork, true);
    assert.equal(hostPod.spec.containers[0]?.securityContext?.privileged, true);
    assert.deepEqual((await quotaOf(OPEN_NS, OPEN_VC)).spec.hard, { 'count/pods': '2' });

    // quota count/pods 2: a second pod fits, a third is refused by the host and stays unsynced
    await vc.apply(plainPod('second'));
    await eventually('the second pod on the host', async () => ((await hostPodNames(OPEN_NS, OPEN_VC)).length === 2 ? true : undefined), SYNC_TIMEOUT_MS);
    await vc.apply(plainPod('third'));
    const refused = await eventually(
      'the quota event on the third pod',
      async () => (await vc.kubectl('get', 'events', '--field-selector', 'involvedObject.name=third,reason=SyncError', '-o', 'jsonpath={.items[*].message}')) || undefined,
      SYNC_TIMEOUT_MS,
    );
    assert.match(refused, new RegExp(`^cannot sync pod: exceeded quota: vc-${OPEN_VC}, requested: count/pods=1, used: count/pods=2, limited: count/pods=2$`));
    assert.deepEqual((await hostPodNames(OPEN_NS, OPEN_VC)).sort(), [`escape-x-default-x-${OPEN_VC}`, `second-x-default-x-${OPEN_VC}`]);
    assert.equal(await vc.kubectl('get', 'pod', 'third', '-o', 'jsonpath={.spec.nodeName}'), '', 'the third pod is not running anywhere');
  });

  it('vcluster delete removes the quota, limit range and network policy with the vcluster', async () => {
    const del = await runCli(['delete', OPEN_VC, '-n', OPEN_NS], env);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await host('get', 'resourcequotas,limitranges,networkpolicies', '-A', '-l', `release=${OPEN_VC}`, '-o', 'name')).trim(), '');
    assert.match(await host('get', 'resourcequotas,limitranges,networkpolicies', '-n', NS, '-o', 'name'), new RegExp(`resourcequota/vc-${VC}`), 'the other vcluster keeps its own');
  });

  it('refuses an unknown Pod Security Standard and an oversized vcluster.yaml before touching the host', async () => {
    const bad = await runCli(['create', 'bad', '-n', 'bad-ns', '--connect=false', '--set', 'policies.podSecurityStandard=strict'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /policies\.podSecurityStandard: expected one of "privileged", "baseline", "restricted", got "strict"/);
    const big = join(home, 'big.yaml');
    await writeFile(big, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const huge = await runCli(['create', 'big', '-n', 'big-ns', '--connect=false', '-f', big], env);
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /big\.yaml: larger than 1 MiB \(1048576 bytes\), the limit for a vcluster\.yaml/);
    assert.equal((await host('get', 'namespaces', 'bad-ns', 'big-ns', '--ignore-not-found', '-o', 'name')).trim(), '', 'no namespace made');
  });

  it('refuses the kubernetes driver on a host whose nodes are all simulated (host up --real-nodes 0), naming them', async () => {
    const r = await runCli(['create', 'nonode', '-n', 'nonode-ns', '--driver', 'kubernetes', '--connect=false'], env);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /no node of host context "vcluster-host" can run pod nonode-0: kwok-node-0 \(simulated by kwok\), kwok-node-1 \(simulated by kwok\)/);
    assert.match(r.stderr, /vcluster host up --real-nodes 1/);
    assert.equal((await host('get', 'namespaces', 'nonode-ns', '--ignore-not-found', '-o', 'name')).trim(), '', 'no namespace made');
    assert.equal((await host('get', 'statefulsets,clusterroles,persistentvolumes', '-A', '-l', 'release=nonode', '-o', 'name')).trim(), '', 'nothing made');
  });
});
