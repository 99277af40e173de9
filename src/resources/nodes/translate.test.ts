import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../k8s/types.js';
import {
  fakeKubeletHostname,
  fakeNode,
  fakeNodeAddresses,
  fakeNodeNeeded,
  kubeletService,
  neededFakeNodes,
  virtualNodeFromHost,
} from './translate.js';

const now = '2026-01-01T00:00:00Z';
const ids = { machineID: 'm', systemUUID: 's', bootID: 'b' };

describe('fakeNode', () => {
  const node = fakeNode('worker-1.example', { kubeletVersion: 'v1.36.3', internalIP: '10.96.3.4', ids, now });
  const cases: { name: string; got: unknown; want: unknown }[] = [
    { name: 'same name as the host node', got: node.metadata?.name, want: 'worker-1.example' },
    {
      name: 'labels',
      got: node.metadata?.labels,
      want: {
        'vcluster.loft.sh/fake-node': 'true',
        'kubernetes.io/hostname': 'fake-worker-1.example',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
      },
    },
    {
      name: 'annotations',
      got: node.metadata?.annotations,
      want: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'false',
      },
    },
    {
      name: 'capacity',
      got: node.status?.capacity,
      want: {
        cpu: '16',
        memory: '32Gi',
        'ephemeral-storage': '100Gi',
        pods: '110',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
      },
    },
    {
      name: 'conditions in vCluster order, only Ready true',
      got: node.status?.conditions?.map((c) => `${c.type}=${c.status}`),
      want: ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True'],
    },
    {
      name: 'long node names: hostname label obeys the 63 rule',
      got: fakeNode('n'.repeat(70), { kubeletVersion: 'v', ids, now }).metadata?.labels?.[
        'kubernetes.io/hostname'
      ]?.length,
      want: 63,
    },
    { name: 'no images', got: node.status?.images, want: [] },
    { name: 'no taints', got: node.spec?.taints, want: undefined },
    { name: 'kubelet port', got: node.status?.daemonEndpoints?.kubeletEndpoint?.Port, want: 10250 },
    {
      name: 'addresses',
      got: node.status?.addresses,
      want: [{ type: 'InternalIP', address: '10.96.3.4' }],
    },
    {
      name: 'the kubelet proxy port',
      got: fakeNode('n', { kubeletVersion: 'v', ids, now, kubeletPort: 40123 }).status?.daemonEndpoints,
      want: { kubeletEndpoint: { Port: 40123 } },
    },
    {
      name: 'versions',
      got: [
        node.status?.nodeInfo?.kubeletVersion,
        node.status?.nodeInfo?.kernelVersion,
        node.status?.nodeInfo?.osImage,
      ],
      want: ['v1.36.3', '4.19.76-fakelinux', 'Fake Kubernetes Image'],
    },
    { name: 'no name to look up: no address without an IP', got: fakeNodeAddresses('n', {}), want: [] },
    {
      name: "vCluster's hostname only when asked (proxyKubelets.byHostname)",
      got: fakeNodeAddresses('n', { byHostname: true }),
      want: [{ type: 'Hostname', address: 'n.nodes.vcluster.com' }],
    },
    { name: 'kubelet hostname', got: fakeKubeletHostname('a.b.c'), want: 'a-b-c.nodes.vcluster.com' },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got, c.want));
});

describe('which fake nodes exist', () => {
  const pod = (node: string | undefined, daemonSet = false): Pod => ({
    metadata: {
      name: 'p',
      ownerReferences: daemonSet
        ? [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u', controller: true }]
        : [],
    },
    spec: { containers: [], ...(node === undefined ? {} : { nodeName: node }) },
  });
  const pods = [pod('n2'), pod('n1'), pod('n1'), pod('n3', true), pod(undefined)];
  const cases: { name: string; got: unknown; want: unknown }[] = [
    {
      name: 'needed nodes sorted, DaemonSet-only nodes excluded',
      got: neededFakeNodes(pods),
      want: ['n1', 'n2'],
    },
    { name: 'needed', got: fakeNodeNeeded('n1', pods), want: true },
    { name: 'only a DaemonSet pod', got: fakeNodeNeeded('n3', pods), want: false },
    { name: 'unused', got: fakeNodeNeeded('n9', pods), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got, c.want));
});

describe('virtualNodeFromHost', () => {
  const host: Node = {
    metadata: {
      name: 'n1',
      uid: 'host-uid',
      resourceVersion: '4',
      labels: { zone: 'a' },
      annotations: { note: 'x' },
    },
    spec: {
      providerID: 'aws:///i-1',
      podCIDR: '10.244.1.0/24',
      taints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
    },
    status: {
      addresses: [{ type: 'InternalIP', address: '192.168.0.5' }],
      images: [{ names: ['nginx'] }],
      capacity: { cpu: '4' },
    },
  };
  it('mirrors labels and status with fake kubelet addresses, hides tolerated taints', () => {
    const got = virtualNodeFromHost(host, {
      vclusterName: 'my-vcluster',
      internalIP: '10.96.0.9',
      clearImageStatus: true,
      hiddenTaints: [{ key: 'dedicated', effect: 'NoSchedule' }],
    });
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'n1',
        labels: { zone: 'a', 'vcluster.loft.sh/managed-by': 'my-vcluster' },
        annotations: { note: 'x' },
      },
      spec: {
        podCIDR: '10.244.1.0/24',
        taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      },
      status: {
        addresses: [{ type: 'InternalIP', address: '10.96.0.9' }],
        capacity: { cpu: '4' },
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    });
  });
});

describe('kubeletService', () => {
  const names = { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' };
  it('per-node service in the host namespace pointing at the vcluster proxy', () => {
    const vcSvc = {
      metadata: { name: 'my-vcluster', uid: 'svc-uid' },
      spec: { selector: { app: 'vcluster', release: 'my-vcluster' } },
    };
    assert.deepEqual(kubeletService(names, 'node-1.example.com', vcSvc), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'my-vcluster-node-node-1-example-com',
        namespace: 'test-namespace',
        labels: {
          'vcluster.loft.sh/belongs-to': 'my-vcluster',
          'vcluster.loft.sh/node': 'node-1.example.com',
        },
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Service', name: 'my-vcluster', uid: 'svc-uid', controller: false },
        ],
      },
      spec: {
        ports: [{ name: 'kubelet', port: 10250, targetPort: 8443 }],
        selector: { app: 'vcluster', release: 'my-vcluster' },
      },
    });
  });
  it('no selector on the vcluster service: no selector and no target port', () => {
    const got = kubeletService(names, 'n1', { metadata: { name: 'my-vcluster' }, spec: {} });
    assert.deepEqual(got.spec, { ports: [{ name: 'kubelet', port: 10250 }] });
    assert.equal(got.metadata?.ownerReferences, undefined);
  });
});
