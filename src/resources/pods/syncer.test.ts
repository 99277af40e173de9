import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError, type FakeAction } from '../../k8s/fake.js';
import { Kinds, type Pod, type TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import type { SyncContext } from '../../syncer/types.js';
import { REQUEUE_SOON_MS } from '../../syncer/decide.js';
import { createPodSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const syncer = createPodSyncer({
  kubeIP: undefined,
  clusterDomain: 'cluster.local',
  kubeletVersion: 'v1.36.3',
});

function virtualPod(nodeName?: string): Pod & TypedObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(nodeName ? { nodeName } : {}) },
  };
}

/** The host copy, scheduled to node-1 and Running. */
const hostPod: Pod & TypedObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-x-default-x-vc1',
    namespace: 'team-a',
    labels: { 'vcluster.loft.sh/managed-by': 'vc1' },
  },
  spec: { containers: [{ name: 'c', image: 'nginx' }], nodeName: 'node-1' },
  status: { phase: 'Running', podIP: '10.0.0.5' },
};

function setup(options: { inject?: (action: FakeAction) => Error | undefined; bound?: boolean } = {}) {
  const virtual = new FakeKubeClient({
    objects: [virtualPod(options.bound ? 'node-1' : undefined)],
    ...(options.inject ? { inject: options.inject } : {}),
  });
  const host = new FakeKubeClient({ objects: [hostPod] });
  const ctx: SyncContext = {
    names,
    virtual,
    host,
    log: silentLogger(),
    signal: new AbortController().signal,
  };
  const stored = (): Pod => virtual.peek<Pod>(Kinds.Pod, { namespace: 'default', name: 'web' }) as Pod;
  return { ctx, virtual, stored };
}

/** Makes the binding request fail with `err`. */
const failBinding =
  (err: Error) =>
  (action: FakeAction): Error | undefined =>
    action.verb === 'createSubresource' ? err : undefined;

/** One sync of the scheduled host pod against `virtual`, the virtual pod as the informer cache holds it. */
function syncOnce(ctx: SyncContext, virtual: Pod) {
  return syncer.sync(ctx, { host: hostPod, virtual, hostOld: undefined, virtualOld: undefined });
}

describe('pod syncer: binding and status', () => {
  it('binds the virtual pod to the host node and writes its status in the same reconcile', async () => {
    const { ctx, virtual, stored } = setup();
    assert.deepEqual(await syncOnce(ctx, stored()), {}, 'no requeue');
    assert.equal(stored().spec?.nodeName, 'node-1');
    assert.equal(stored().status?.phase, 'Running');
    assert.ok(virtual.peek(Kinds.Node, { name: 'node-1' }), 'the fake node exists');
  });

  it('goes on to the status when the pod was bound already (409 from the binding)', async () => {
    const conflict = statusError(409, 'Conflict', 'pod web is already assigned to node "node-1"');
    const { ctx, stored } = setup({ bound: true, inject: failBinding(conflict) });
    const seen = { ...stored(), spec: { ...stored().spec, nodeName: undefined } } as Pod; // a cache that has not seen the binding
    assert.deepEqual(await syncOnce(ctx, seen), {});
    assert.equal(stored().status?.phase, 'Running');
  });

  it('does not write status onto a pod re-created under the same name', async () => {
    const { ctx, stored } = setup();
    const seen = { ...stored(), metadata: { ...stored().metadata, uid: 'an-older-uid' } } as Pod;
    assert.deepEqual(await syncOnce(ctx, seen), { requeueAfterMs: REQUEUE_SOON_MS });
    assert.equal(stored().status?.phase, undefined);
  });

  it('passes other binding errors up', async () => {
    const { ctx, stored } = setup({
      inject: failBinding(statusError(403, 'Forbidden', 'bindings is forbidden')),
    });
    await assert.rejects(syncOnce(ctx, stored()), /bindings is forbidden/);
  });
});
