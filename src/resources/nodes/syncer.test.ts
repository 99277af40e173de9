/**
 * The nodes controller on two fake clusters. Real node sync (hostNodes given): the host node is the
 * source, the virtual node the target. Fake nodes (no hostNodes): the pod syncer makes them when it
 * binds a pod (pods/syncer.test.ts), this controller removes them once no pod uses them and keeps
 * their kubelet address. Cases of the sync table that do not apply:
 * - update virtual → host: syncBackChanges is not implemented, virtual nodes are read-only (a tenant
 *   edit is reverted instead);
 * - a host node the syncer did not make: every host node is a source, none is "ours" (which ones are
 *   mirrored is the selector's business: the informer's label selector, or `all`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kinds, type Node, type Pod, type TypedObject } from '../../k8s/types.js';
import type { KubeletEndpoints } from '../../syncer/kubelet-proxy/endpoints.js';
import { withControllerHarness, type ControllerBuilder } from '../shared/controller-harness.js';
import type { SyncHarness } from '../shared/sync-harness.js';
import { nodesController } from './syncer.js';
import { FAKE_NODE_LABEL } from './translate.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const MB = 'vcluster.loft.sh/managed-by';
/** The virtual cluster's clock: objects it makes are old at once, past the nodes' 10 s grace period. */
const longAgo = (): string => '2020-01-01T00:00:00Z';

const hostNode: Node & TypedObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'worker-1', labels: { 'kubernetes.io/hostname': 'worker-1', zone: 'a' }, annotations: { 'example.com/rack': '7' } },
  spec: { providerID: 'aws:///eu-west-1a/i-123', podCIDR: '10.244.1.0/24', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
  status: {
    addresses: [{ type: 'InternalIP', address: '192.168.1.10' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    capacity: { cpu: '8' },
  },
};

const pod = (name: string, nodeName: string, extra: Partial<Pod['metadata']> = {}): Pod & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...extra },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] },
});

const fakeNodeObject = (name: string): Node & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { [FAKE_NODE_LABEL]: 'true' }, creationTimestamp: longAgo() },
  status: { addresses: [], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
});

const nodeOf = (h: SyncHarness, name = 'worker-1'): (Node & TypedObject) | undefined => h.virtual.peek<Node & TypedObject>(Kinds.Node, { name });

/** The virtual mirror of `hostNode` (or of its edited form). */
function checkMirror(h: SyncHarness, want: { labels: Record<string, string>; cpu: string; taints?: unknown }): void {
  const n = nodeOf(h);
  assert.ok(n, 'the virtual node exists');
  assert.deepEqual(n.metadata.labels, { ...want.labels, [MB]: 'vc1' });
  assert.deepEqual(n.metadata.annotations, { 'example.com/rack': '7' });
  assert.equal(n.spec?.providerID, undefined);
  assert.equal(n.spec?.podCIDR, '10.244.1.0/24');
  assert.deepEqual(n.spec?.taints, 'taints' in want ? want.taints : [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
  assert.equal(n.status?.capacity?.cpu, want.cpu);
  // the host's addresses are never shown: without a kubelet proxy there is none to advertise
  assert.deepEqual(n.status?.addresses, []);
  assert.deepEqual(n.status?.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
}
const mirrored = (h: SyncHarness): Promise<void> =>
  h.until('the virtual node', () => checkMirror(h, { labels: { 'kubernetes.io/hostname': 'worker-1', zone: 'a' }, cpu: '8' }));

describe('nodes controller, real node sync (harness cases)', () => {
  const build =
    (all: boolean): ControllerBuilder =>
    (ctx, f) =>
      nodesController(ctx, {
        virtualNodes: f.virtual.informerFor<Node>(Kinds.Node),
        virtualPods: f.virtual.informerFor<Pod>(Kinds.Pod),
        hostNodes: f.host.informerFor<Node>(Kinds.Node),
        all,
      });
  const run = (o: { all?: boolean; host?: TypedObject[]; virtual?: TypedObject[] }, body: (h: SyncHarness) => Promise<void>): Promise<void> =>
    withControllerHarness(build(o.all ?? true), { names, hostObjects: o.host ?? [], virtualObjects: o.virtual ?? [], virtualNow: longAgo }, body);

  it('create: a host node appearing gets its virtual mirror (labels + managed-by, spec without providerID, status with no host address)', () =>
    run({}, async (h) => {
      await h.settled();
      assert.equal(nodeOf(h), undefined);
      await h.host.create(hostNode);
      await mirrored(h);
    }));

  it('create, without selector.all: only a host node a tenant pod runs on is mirrored', () =>
    run({ all: false, host: [hostNode, { ...hostNode, metadata: { name: 'worker-2' } }] }, async (h) => {
      await h.settled();
      assert.deepEqual((await h.virtual.list<Node>(Kinds.Node)).items, []);
      await h.virtual.create(pod('web', 'worker-1'));
      await mirrored(h);
      await h.settled();
      assert.equal(nodeOf(h, 'worker-2'), undefined);
    }));

  it('update host → virtual: host labels, spec and status reach the mirror', () =>
    run({ host: [hostNode] }, async (h) => {
      await mirrored(h);
      const n = h.host.peek<Node & TypedObject>(Kinds.Node, { name: 'worker-1' })!;
      await h.host.update({ ...n, metadata: { ...n.metadata, labels: { zone: 'b' } }, spec: { ...n.spec, taints: [] } });
      await h.host.updateStatus({ ...h.host.peek<Node & TypedObject>(Kinds.Node, { name: 'worker-1' })!, status: { ...n.status, capacity: { cpu: '16' } } });
      await h.until('the host change', () => checkMirror(h, { labels: { zone: 'b' }, cpu: '16', taints: undefined }));
    }));

  it('a tenant edit of the mirror (labels, spec, status) is reverted', () =>
    run({ host: [hostNode] }, async (h) => {
      await mirrored(h);
      const n = nodeOf(h)!;
      await h.virtual.update({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, tenant: 'x' } }, spec: { ...n.spec, unschedulable: true } });
      await mirrored(h);
      assert.equal(nodeOf(h)?.spec?.unschedulable, undefined);
      const m = nodeOf(h)!;
      await h.virtual.updateStatus({ ...m, status: { ...m.status, capacity: { cpu: '64' } } });
      await mirrored(h);
      assert.deepEqual(h.host.writes(), [], 'nothing flows to the host');
    }));

  it('delete host → virtual: the mirror goes with the host node (no tenant pod on it)', () =>
    run({ host: [hostNode] }, async (h) => {
      await mirrored(h);
      await h.host.delete(Kinds.Node, { name: 'worker-1' });
      await h.until('the mirror gone', () => assert.equal(nodeOf(h), undefined));
    }));

  it('the mirror deleted by the tenant (out of band) is re-created from the host node', () =>
    run({ host: [hostNode] }, async (h) => {
      await mirrored(h);
      const uid = nodeOf(h)?.metadata.uid;
      await h.virtual.delete(Kinds.Node, { name: 'worker-1' });
      await h.until('a new mirror', () => assert.notEqual(nodeOf(h)?.metadata.uid ?? uid, uid));
      await mirrored(h);
    }));

  // A tenant node holding a host node's name is taken over as its mirror (vCluster's node syncer too:
  // virtual nodes are the syncer's, same name both sides): not a case of this table.
  it('a node the tenant made (no host node of its name) is never touched', () => {
    const own: Node & TypedObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'tenant-node', labels: { team: 'a' } } };
    return run({ host: [hostNode], virtual: [own] }, async (h) => {
      await mirrored(h);
      // a pod leaving it is a reason to look at it again
      await h.virtual.create(pod('web', 'tenant-node'));
      await h.virtual.delete(Kinds.Pod, { namespace: 'default', name: 'web' });
      await h.settled();
      assert.deepEqual(nodeOf(h, 'tenant-node')?.metadata.labels, { team: 'a' });
      assert.ok(!h.virtual.writes().some((w) => w.kind === 'Node' && w.name === 'tenant-node'), JSON.stringify(h.virtual.writes()));
    });
  });
});

describe('nodes controller, fake nodes (harness cases)', () => {
  const kubelet: KubeletEndpoints = { port: 8443, addressOf: (node) => Promise.resolve(node === 'worker-1' ? '10.0.0.1' : '10.0.0.2'), release: () => undefined };
  const build =
    (withKubelet: boolean): ControllerBuilder =>
    (ctx, f) =>
      nodesController(ctx, {
        virtualNodes: f.virtual.informerFor<Node>(Kinds.Node),
        virtualPods: f.virtual.informerFor<Pod>(Kinds.Pod),
        ...(withKubelet ? { kubelet } : {}),
      });
  const run = (o: { kubelet?: boolean; virtual?: TypedObject[] }, body: (h: SyncHarness) => Promise<void>): Promise<void> =>
    withControllerHarness(build(o.kubelet ?? false), { names, virtualObjects: o.virtual ?? [], virtualNow: longAgo }, body);

  // create: the pod syncer makes a fake node when it binds a pod to it (pods/syncer.test.ts); this
  // controller never makes one. Out-of-band delete: the pod syncer's next bind makes it again.

  it('update: a fake node made before the kubelet proxy is updated to advertise the proxy', () =>
    run({ kubelet: true, virtual: [fakeNodeObject('worker-1'), pod('web', 'worker-1')] }, async (h) =>
      h.until('the proxy address', () => {
        assert.deepEqual(nodeOf(h)?.status?.addresses, [{ type: 'InternalIP', address: '10.0.0.1' }]);
        assert.deepEqual(nodeOf(h)?.status?.daemonEndpoints, { kubeletEndpoint: { Port: 8443 } });
      }),
    ));

  it('delete: the fake node goes once no tenant pod (but a DaemonSet one) runs on it', () =>
    run({ virtual: [fakeNodeObject('worker-1'), pod('web', 'worker-1')] }, async (h) => {
      await h.virtual.create(pod('agent', 'worker-1', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds', controller: true }] }));
      await h.settled();
      assert.ok(nodeOf(h), 'kept while a tenant pod runs on it');
      await h.virtual.delete(Kinds.Pod, { namespace: 'default', name: 'web' });
      await h.until('the fake node gone', () => assert.equal(nodeOf(h), undefined));
    }));

  it('a node the tenant made (no fake-node label) is never removed', () => {
    const own: Node & TypedObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'tenant-node', labels: { team: 'a' }, creationTimestamp: longAgo() } };
    return run({ virtual: [own, fakeNodeObject('worker-1')] }, async (h) => {
      await h.until('the unused fake node gone', () => assert.equal(nodeOf(h), undefined));
      await h.settled();
      assert.deepEqual(nodeOf(h, 'tenant-node')?.metadata.labels, { team: 'a' });
    });
  });
});
