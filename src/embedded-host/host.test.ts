import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { HOST_STAGES, renderKwokStages } from './kwok-stages.js';
import { hostNode, hostNodeName } from './nodes.js';
import { hostComponents } from './plan.js';
import { hostPaths } from './paths.js';

describe('renderKwokStages', () => {
  it('emits one Stage document per stage, pod-delete included', () => {
    const docs = parseAllDocuments(renderKwokStages()).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    assert.equal(docs.length, HOST_STAGES.length);
    assert.ok(docs.every((d) => d.kind === 'Stage'));
    assert.deepEqual(
      docs.map((d) => d.metadata.name),
      ['node-ready', 'pod-running', 'pod-job-succeeded', 'pod-vcluster-job-succeeded', 'pod-deleted'],
    );
  });
});

describe('hostNode', () => {
  const cases = [
    { index: 0, name: 'kwok-node-0', cidr: '10.244.0.0/24' },
    { index: 7, name: 'kwok-node-7', cidr: '10.244.7.0/24' },
  ];
  for (const c of cases) {
    it(`node ${c.index} has its own podCIDR and a loopback kubelet address`, () => {
      const node = hostNode(c.index, 'v1.36.3', 4242);
      assert.equal(node.metadata.name, c.name);
      assert.equal(hostNodeName(c.index), c.name);
      assert.equal(node.spec.podCIDR, c.cidr);
      assert.equal(node.metadata.annotations['kwok.x-k8s.io/node'], 'fake');
      const addrs = node.status.addresses as { type: string; address: string }[];
      assert.deepEqual(addrs[0], { type: 'InternalIP', address: '127.0.0.1' });
      assert.deepEqual(node.status.daemonEndpoints, { kubeletEndpoint: { Port: 4242 } });
    });
  }
});

describe('hostComponents', () => {
  it('starts etcd, apiserver, kcm, scheduler, kwok in that order, wired together', () => {
    const ports = { apiServer: 1001, etcdClient: 1002, etcdPeer: 1003, controllerManager: 1004, scheduler: 1005, kwok: 1006 };
    const access = { clientCert: '/data/host/pki/k.crt', clientKey: '/data/host/pki/k.key' };
    const specs = hostComponents({ path: (n) => `/bin/${n}` }, hostPaths('/data/host'), ports, access);
    assert.deepEqual(
      specs.map((s) => s.name),
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'],
    );
    const api = specs[1]!;
    assert.ok(api.args.includes('--etcd-servers=http://127.0.0.1:1002'));
    assert.ok(api.args.includes('--secure-port=1001'));
    assert.ok(specs[2]!.args.includes('--kubeconfig=/data/host/pki/controller-manager.conf'));
    assert.ok(specs[4]!.args.includes('--kubeconfig=/data/host/pki/admin.conf'));
    assert.ok(api.args.includes('--kubelet-preferred-address-types=InternalIP'));
    assert.ok(api.args.includes('--kubelet-client-certificate=/data/host/pki/k.crt'));
    assert.ok(api.args.includes('--endpoint-reconciler-type=none'), 'no real node: nothing to advertise');
    assert.ok(specs[4]!.args.includes('--node-ip=127.0.0.1'));
    // every component's argv mentions the data dir, which is how leftover processes are recognised
    assert.ok(specs.every((s) => s.args.some((a) => a.includes('/data/host'))));
  });
});

describe('hostComponents with real nodes', () => {
  it('advertises the relay address and keeps the kubernetes Service endpoints', () => {
    const ports = { apiServer: 1001, etcdClient: 1002, etcdPeer: 1003, controllerManager: 1004, scheduler: 1005, kwok: 1006 };
    const access = { clientCert: '/c', clientKey: '/k', advertiseAddress: '10.201.7.1' };
    const api = hostComponents({ path: (n) => `/bin/${n}` }, hostPaths('/data/host'), ports, access)[1]!;
    assert.ok(api.args.includes('--advertise-address=10.201.7.1'));
    assert.ok(api.args.includes('--endpoint-reconciler-type=lease'));
    assert.ok(!api.args.includes('--endpoint-reconciler-type=none'));
  });
});
