import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../k8s/types.js';
import { checkOwnership, hostPodRef, virtualPodOf } from './ownership.js';
import { filterSummary } from './stats.js';

const names = { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' };

function hostPod(name: string, labels: Record<string, string>, annotations: Record<string, string>, namespace = 'test-namespace'): Pod {
  return { metadata: { name, namespace, labels, annotations }, spec: { containers: [], nodeName: 'kwok-node-0' } };
}
const managed = hostPod(
  'web-x-default-x-my-vcluster',
  { 'vcluster.loft.sh/managed-by': 'my-vcluster' },
  { 'vcluster.loft.sh/object-name': 'web', 'vcluster.loft.sh/object-namespace': 'default', 'vcluster.loft.sh/object-uid': 'u1' },
);

describe('which host pods the kubelet proxy reaches', () => {
  it('maps a virtual pod to its translated host name', () => {
    assert.deepEqual(hostPodRef(names, { namespace: 'default', name: 'web' }), { namespace: 'test-namespace', name: 'web-x-default-x-my-vcluster' });
  });
  const cases: { name: string; host: Pod | undefined; want: ReturnType<typeof checkOwnership>['ok']; status?: number }[] = [
    { name: 'the managed twin', host: managed, want: true },
    { name: 'no host pod: 404', host: undefined, want: false, status: 404 },
    { name: 'same name, no managed-by label: 403', host: hostPod('web-x-default-x-my-vcluster', {}, managed.metadata!.annotations!), want: false, status: 403 },
    { name: "another vcluster's marker: 403", host: hostPod('web-x-default-x-my-vcluster', { 'vcluster.loft.sh/managed-by': 'other' }, managed.metadata!.annotations!), want: false, status: 403 },
    {
      name: 'annotations naming another pod: 403',
      host: hostPod('web-x-default-x-my-vcluster', { 'vcluster.loft.sh/managed-by': 'my-vcluster' }, { 'vcluster.loft.sh/object-name': 'db', 'vcluster.loft.sh/object-namespace': 'default' }),
      want: false,
      status: 403,
    },
    { name: 'another host namespace: 403', host: hostPod('web-x-default-x-my-vcluster', managed.metadata!.labels!, managed.metadata!.annotations!, 'kube-system'), want: false, status: 403 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = checkOwnership(names, { namespace: 'default', name: 'web' }, c.host);
      assert.equal(got.ok, c.want);
      if (!got.ok) {
        assert.equal(got.status, c.status);
        assert.match(got.message, /pod default\/web .*vcluster my-vcluster/);
      } else assert.deepEqual(got.host, { namespace: 'test-namespace', name: 'web-x-default-x-my-vcluster' });
    });
  }
  it('maps a managed host pod back', () => assert.deepEqual(virtualPodOf(names, managed), { namespace: 'default', name: 'web' }));
});

describe('stats summary of a virtual node', () => {
  it("keeps only the tenant's pods, under their virtual names", () => {
    const got = filterSummary(
      {
        node: { nodeName: 'n' },
        pods: [
          { podRef: { name: 'web-x-default-x-my-vcluster', namespace: 'test-namespace', uid: 'h1' }, cpu: { usageNanoCores: 1 } },
          { podRef: { name: 'intruder', namespace: 'test-namespace', uid: 'h2' } },
          { podRef: { name: 'coredns', namespace: 'kube-system', uid: 'h3' } },
        ],
      },
      'test-namespace',
      (name) => (name === 'web-x-default-x-my-vcluster' ? { namespace: 'default', name: 'web', uid: 'u1' } : undefined),
    );
    assert.deepEqual(got, { node: { nodeName: 'n' }, pods: [{ podRef: { name: 'web', namespace: 'default', uid: 'u1' }, cpu: { usageNanoCores: 1 } }] });
  });
});
