import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controlPlaneRbac, controlPlaneService, controlPlaneStatefulSet, hostPathDataVolume, seedSecret } from './render.js';
import { forwardedPort } from './port-forward.js';
import { seedKey, seedPath } from './seed.js';
import { statusFromObjects } from './control.js';

interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  command?: string[];
  args?: string[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}
interface Sts {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { initContainers: Container[]; containers: Container[]; nodeSelector?: Record<string, string>; serviceAccountName: string } };
    volumeClaimTemplates: { metadata: { name: string }; spec: { storageClassName?: string; resources: { requests: { storage: string } } } }[];
  };
}

const images = { controlPlane: 'vcluster-ts.local/vcluster-ts:0.1.0', kubernetes: 'vcluster-ts.local/kubernetes:v1.36.3', pullPolicy: 'Never' as const };

describe('controlPlaneStatefulSet', () => {
  const cases = [
    { name: 'embedded host: hostPath claim, pinned to the real node', storage: { storageClassName: '' }, nodeSelector: { 'vcluster-ts.io/node-type': 'real' }, wantClass: '' },
    { name: 'another cluster: the default storage class', storage: {}, nodeSelector: undefined, wantClass: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sts = controlPlaneStatefulSet({ name: 'my-vcluster', namespace: 'ns', images, storage: c.storage, configHash: 'abc', ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}) }) as unknown as Sts;
      assert.deepEqual(sts.spec.template.metadata.labels, { app: 'vcluster', release: 'my-vcluster' });
      assert.deepEqual(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels);
      const init = sts.spec.template.spec.initContainers[0]!;
      assert.deepEqual([init.name, init.image, init.command, init.args], ['kubernetes', images.kubernetes, ['cp'], ['-r', '/kubernetes/.', '/binaries/']]);
      const syncer = sts.spec.template.spec.containers[0]!;
      assert.equal(syncer.name, 'syncer');
      assert.deepEqual(syncer.args?.slice(0, 5), ['--binaries-dir', '/binaries', 'start', '--data-dir', '/data']);
      assert.deepEqual(syncer.resources.requests, { 'ephemeral-storage': '1Gi', cpu: '200m', memory: '256Mi' });
      assert.equal(sts.spec.template.spec.serviceAccountName, 'vc-my-vcluster');
      assert.deepEqual(sts.spec.template.spec.nodeSelector, c.nodeSelector);
      const claim = sts.spec.volumeClaimTemplates[0]!;
      assert.equal(claim.metadata.name, 'data');
      assert.equal(claim.spec.storageClassName, c.wantClass);
      assert.equal(claim.spec.resources.requests.storage, '5Gi');
    });
  }
});

describe('the other objects', () => {
  it('Service NAME selects the pod, 443 → 8443', () => {
    const svc = controlPlaneService('v', 'ns') as unknown as { spec: { selector: Record<string, string>; ports: { port: number; targetPort: number }[] } };
    assert.deepEqual(svc.spec.selector, { app: 'vcluster', release: 'v' });
    assert.deepEqual(svc.spec.ports.map((p) => [p.port, p.targetPort]), [[443, 8443]]);
  });
  it('RBAC: namespaced rights, and cluster rights that only read, but for the PriorityClass copies', () => {
    const objs = controlPlaneRbac('v', 'ns') as unknown as { kind: string; metadata: { name: string }; rules?: { resources: string[]; verbs: string[] }[] }[];
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), ['ServiceAccount/vc-v', 'Role/vc-v', 'RoleBinding/vc-v', 'ClusterRole/vc-v-v-ns', 'ClusterRoleBinding/vc-v-v-ns']);
    const cluster = objs.find((o) => o.kind === 'ClusterRole')!;
    // sync.toHost.priorityClasses writes cluster-scoped vcluster-<name>-x-<ns>-x-<vc> classes
    const writes = cluster.rules!.filter((r) => !r.verbs.every((v) => ['get', 'list', 'watch'].includes(v)));
    assert.deepEqual(writes.map((r) => r.resources), [['priorityclasses']]);
  });
  it('the hostPath volume is pre-bound to data-NAME-0', () => {
    const pv = hostPathDataVolume('v', 'ns', '/var/lib/x') as unknown as { spec: { claimRef: { namespace: string; name: string }; storageClassName: string } };
    assert.deepEqual(pv.spec.claimRef, { namespace: 'ns', name: 'data-v-0' });
    assert.equal(pv.spec.storageClassName, '');
  });
  it('the seed Secret holds base64 data under path keys', () => {
    const secret = seedSecret('v', 'ns', { [seedKey('pki/ca.crt')]: 'PEM' }) as unknown as { metadata: { name: string }; data: Record<string, string> };
    assert.equal(secret.metadata.name, 'vc-seed-v');
    assert.deepEqual(secret.data, { 'pki__ca.crt': Buffer.from('PEM').toString('base64') });
  });
});

describe('seed keys', () => {
  for (const path of ['config.yaml', 'pki/ca.crt', 'pki/front-proxy-ca.key']) {
    it(path, () => {
      assert.doesNotMatch(seedKey(path), /\//);
      assert.equal(seedPath(seedKey(path)), path);
    });
  }
});

describe('forwardedPort', () => {
  const cases = [
    { out: 'Forwarding from 127.0.0.1:34567 -> 8443\n', want: 34567 },
    { out: 'error: unable to forward port\n', want: undefined },
  ];
  for (const c of cases) it(c.out.trim(), () => assert.equal(forwardedPort(c.out), c.want));
});

describe('statusFromObjects', () => {
  const ready = { status: { conditions: [{ type: 'Ready', status: 'True' }] } };
  const cases = [
    { name: 'no StatefulSet', sts: undefined, pod: undefined, want: 'Unknown' },
    { name: 'scaled to 0', sts: { spec: { replicas: 0 } }, pod: undefined, want: 'Paused' },
    { name: 'pod Ready', sts: { spec: { replicas: 1 } }, pod: ready, want: 'Running' },
    { name: 'pod not yet there', sts: { spec: { replicas: 1 } }, pod: undefined, want: 'Starting' },
    { name: 'crash loop', sts: { spec: { replicas: 1 } }, pod: { status: { containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }, want: 'Failed' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(statusFromObjects(c.sts, c.pod), c.want));
});
