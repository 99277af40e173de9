import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { corednsEnabled, defaultConfig, validateConfig } from '../config/index.js';
import { COREDNS_PORT, corednsObjects, corefile } from './manifests.js';

const opts = { image: 'vcluster-ts.local/coredns:1.14.2', clusterDomain: 'cluster.local', realNode: true };

interface PodSpecView {
  nodeSelector?: Record<string, string>;
  tolerations?: { key: string; effect: string }[];
  dnsPolicy?: string;
  serviceAccountName?: string;
  containers: { image: string; imagePullPolicy: string; args: string[]; securityContext: { readOnlyRootFilesystem: boolean } }[];
}

function find(kind: string, o = opts): Record<string, unknown> {
  const obj = corednsObjects(o).find((x) => x.kind === kind);
  assert.ok(obj, `no ${kind}`);
  return obj as unknown as Record<string, unknown>;
}
const podSpec = (o = opts): PodSpecView =>
  ((find('Deployment', o).spec as { template: { spec: PodSpecView } }).template.spec);

describe('the Corefile', () => {
  it('serves the cluster domain and reverse zones with the kubernetes plugin, NXDOMAIN for every other name', () => {
    const text = corefile('cluster.local');
    assert.match(text, /^cluster\.local:1053 in-addr\.arpa:1053 ip6\.arpa:1053 \{$/m);
    assert.match(text, /^ {4}kubernetes cluster\.local in-addr\.arpa ip6\.arpa \{$/m);
    assert.match(text, /^\.:1053 \{\n {4}errors\n.*\n {4}template ANY ANY \{\n {8}rcode NXDOMAIN\n/m);
  });
  it('never forwards: no forward, no resolv.conf, no upstream', () => {
    for (const domain of ['cluster.local', 'corp.example']) {
      const text = corefile(domain);
      assert.doesNotMatch(text, /forward|resolv\.conf|upstream|proxy/);
    }
  });
  it('follows a custom cluster domain', () => {
    assert.match(corefile('corp.example'), /^ {4}kubernetes corp\.example in-addr\.arpa ip6\.arpa \{$/m);
  });
});

describe('corednsObjects', () => {
  it('applies RBAC and config before the Deployment, in kube-system', () => {
    const objects = corednsObjects(opts);
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      [
        'ServiceAccount/kube-system/coredns',
        'ClusterRole//system:coredns',
        'ClusterRoleBinding//system:coredns',
        'ConfigMap/kube-system/coredns',
        'Service/kube-system/kube-dns',
        'Deployment/kube-system/coredns',
      ],
    );
  });
  it('lets the coredns service account list and watch what the kubernetes plugin reads', () => {
    const rules = find('ClusterRole').rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const allowed = rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res}:${r.verbs.join(',')}`));
    for (const want of ['/services:list,watch', '/namespaces:list,watch', 'discovery.k8s.io/endpointslices:list,watch'])
      assert.ok(allowed.includes(want), `missing ${want} in ${allowed.join(' ')}`);
    const binding = find('ClusterRoleBinding') as { subjects: { name: string; namespace: string }[] };
    assert.deepEqual(binding.subjects.map((s) => `${s.namespace}/${s.name}`), ['kube-system/coredns']);
  });
  it('runs the project image, never pulled, read-only, on the real node when the host has one', () => {
    const spec = podSpec();
    assert.equal(spec.serviceAccountName, 'coredns');
    assert.equal(spec.dnsPolicy, 'Default');
    assert.deepEqual(spec.nodeSelector, { 'vcluster-ts.io/node-type': 'real' });
    assert.deepEqual(spec.tolerations?.map((t) => `${t.key}:${t.effect}`), ['vcluster-ts.io/real-node:PreferNoSchedule']);
    const [c] = spec.containers;
    assert.equal(c?.image, 'vcluster-ts.local/coredns:1.14.2');
    assert.equal(c?.imagePullPolicy, 'Never');
    assert.deepEqual(c?.args, ['-conf', '/etc/coredns/Corefile']);
    assert.equal(c?.securityContext.readOnlyRootFilesystem, true);
    const noReal = podSpec({ ...opts, realNode: false });
    assert.equal(noReal.nodeSelector, undefined);
    assert.equal(noReal.tolerations, undefined);
  });
  it('exposes DNS on port 53 (UDP and TCP) of Service kube-dns, selecting the coredns pods', () => {
    const svc = find('Service') as { spec: { type: string; selector: Record<string, string>; ports: { port: number; targetPort: number; protocol: string }[] } };
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.deepEqual(svc.spec.selector, { 'k8s-app': 'vcluster-kube-dns' });
    assert.deepEqual(
      svc.spec.ports.filter((p) => p.port === 53).map((p) => `${p.protocol}:${p.targetPort}`),
      [`UDP:${COREDNS_PORT}`, `TCP:${COREDNS_PORT}`],
    );
  });
});

describe('controlPlane.coredns.enabled', () => {
  const cases = [
    { name: 'auto (the default) with a real node', set: undefined, realNode: true, want: true },
    { name: 'auto (the default) without a real node', set: undefined, realNode: false, want: false },
    { name: 'auto spelled out', set: 'auto' as const, realNode: true, want: true },
    { name: 'true without a real node', set: true, realNode: false, want: true },
    { name: 'false with a real node', set: false, realNode: true, want: false },
  ];
  for (const c of cases)
    it(c.name, () => {
      const config = c.set === undefined ? defaultConfig() : validateConfig({ controlPlane: { coredns: { enabled: c.set } } });
      assert.equal(corednsEnabled(config, c.realNode), c.want);
    });
  it('refuses vCluster coredns keys vcluster-ts does not implement', () => {
    assert.throws(() => validateConfig({ controlPlane: { coredns: { embedded: true } } }), /not supported/);
  });
});
