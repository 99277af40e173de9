import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError, type FakeAction } from '../../k8s/fake.js';
import { Kinds, type Event, type Pod, type TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import type { SyncContext } from '../../syncer/types.js';
import { REQUEUE_SOON_MS } from '../../syncer/decide.js';
import { itCases, toHostCases } from '../shared/sync-harness.js';
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

describe('pod syncer: pod security standard before the host create', () => {
  const escaping: Pod & TypedObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'escape', namespace: 'default', uid: 'uid-escape' },
    spec: {
      hostNetwork: true,
      containers: [{ name: 'sh', image: 'busybox', securityContext: { privileged: true } }],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    },
  };
  const cases: {
    name: string;
    level?: 'privileged' | 'baseline' | 'restricted';
    pod: Pod & TypedObject;
    synced: boolean;
    event?: string;
  }[] = [
    {
      name: 'baseline (the default) refuses hostNetwork, privileged and hostPath',
      pod: escaping,
      synced: false,
      event:
        'cannot sync pod: hostNetwork is not allowed; privileged is not allowed for container "sh"; hostPath volume "root" is not allowed (policies.podSecurityStandard=baseline)',
    },
    { name: 'privileged lets it through', level: 'privileged', pod: escaping, synced: true },
    { name: 'baseline lets a plain pod through', level: 'baseline', pod: virtualPod(), synced: true },
    {
      name: 'restricted refuses a plain pod',
      level: 'restricted',
      pod: virtualPod(),
      synced: false,
      event:
        'cannot sync pod: capabilities.drop must include "ALL" for container "c"; seccompProfile must be RuntimeDefault or Localhost (on the pod or the container) for container "c"; allowPrivilegeEscalation must be false for container "c"; runAsNonRoot must be true (on the pod or the container) for container "c" (policies.podSecurityStandard=restricted)',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const podSyncer = createPodSyncer({
        kubeIP: undefined,
        clusterDomain: 'cluster.local',
        kubeletVersion: 'v1.36.3',
        ...(c.level ? { podSecurityStandard: c.level } : {}),
      });
      const virtual = new FakeKubeClient({ objects: [c.pod] });
      const host = new FakeKubeClient();
      const ctx: SyncContext = { names, virtual, host, log: silentLogger(), signal: new AbortController().signal };
      assert.deepEqual(await podSyncer.syncToHost(ctx, { virtual: c.pod, hostOld: undefined }), {}, 'no requeue');
      const hostPods = (await host.list<Pod>(Kinds.Pod)).items;
      assert.equal(hostPods.length, c.synced ? 1 : 0);
      const events = (await virtual.list<Event>(Kinds.Event, { namespace: 'default' })).items;
      if (c.event === undefined) {
        assert.deepEqual(events, []);
      } else {
        assert.equal(events.length, 1);
        assert.equal(events[0]?.type, 'Warning');
        assert.equal(events[0]?.reason, 'SyncError');
        assert.equal(events[0]?.involvedObject.name, c.pod.metadata.name);
        assert.equal(events[0]?.message, c.event);
      }
    });
  }
});

describe('pod syncer: sync.toHost.pods.enforceTolerations', () => {
  it('adds the enforced tolerations to the host pod', async () => {
    const enforced = { key: 'dedicated', operator: 'Equal', value: 'tenants', effect: 'NoSchedule' };
    const podSyncer = createPodSyncer({
      kubeIP: undefined,
      clusterDomain: 'cluster.local',
      kubeletVersion: 'v1.36.3',
      enforceTolerations: [enforced],
    });
    const pod = virtualPod();
    const virtual = new FakeKubeClient({ objects: [pod] });
    const host = new FakeKubeClient();
    const ctx: SyncContext = { names, virtual, host, log: silentLogger(), signal: new AbortController().signal };
    await podSyncer.syncToHost(ctx, { virtual: pod, hostOld: undefined });
    const [created] = (await host.list<Pod>(Kinds.Pod)).items;
    assert.ok(created?.spec?.tolerations?.some((t) => t.key === 'dedicated' && t.value === 'tenants' && t.effect === 'NoSchedule'));
  });
});

describe('pod syncer: a full host ResourceQuota', () => {
  it('tells the tenant once with a Warning event and keeps retrying', async () => {
    const podSyncer = createPodSyncer({ kubeIP: undefined, clusterDomain: 'cluster.local', kubeletVersion: 'v1.36.3' });
    const pod = { ...virtualPod(), metadata: { ...virtualPod().metadata, uid: 'uid-web' } };
    const virtual = new FakeKubeClient({ objects: [pod] });
    const refusal = statusError(
      403,
      'Forbidden',
      'pods "web-x-default-x-vc1" is forbidden: exceeded quota: vc-vc1, requested: count/pods=1, used: count/pods=20, limited: count/pods=20',
    );
    const host = new FakeKubeClient({ inject: (a) => (a.verb === 'create' ? refusal : undefined) });
    const ctx: SyncContext = { names, virtual, host, log: silentLogger(), signal: new AbortController().signal };
    for (let attempt = 0; attempt < 3; attempt++) {
      await assert.rejects(podSyncer.syncToHost(ctx, { virtual: pod, hostOld: undefined }), /exceeded quota/);
    }
    const events = (await virtual.list<Event>(Kinds.Event, { namespace: 'default' })).items;
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.reason}: ${e.message}`),
      ['Warning SyncError: cannot sync pod: exceeded quota: vc-vc1, requested: count/pods=1, used: count/pods=20, limited: count/pods=20'],
    );
  });
});

describe('pod syncer: cluster DNS and service links', () => {
  const fresh = (): Pod & TypedObject => ({ ...virtualPod(), metadata: { name: 'web', namespace: 'default', creationTimestamp: new Date().toISOString() } });
  const redis = { metadata: { name: 'redis-master', namespace: 'default' }, spec: { clusterIP: '10.96.4.7', ports: [{ port: 6379 }] } };
  const run = async (dnsIP: string | undefined, pod: Pod) => {
    const host = new FakeKubeClient();
    const ctx: SyncContext = { names, virtual: new FakeKubeClient({ objects: [virtualPod()] }), host, log: silentLogger(), signal: new AbortController().signal };
    const podSyncer = createPodSyncer({
      kubeIP: undefined,
      clusterDomain: 'cluster.local',
      kubeletVersion: 'v1.36.3',
      dnsIP: () => dnsIP,
      servicesOf: (ns) => (ns === 'default' ? [redis] : []),
    });
    const result = await podSyncer.syncToHost(ctx, { hostOld: undefined, virtual: pod });
    return { result, hostPod: host.peek<Pod>(Kinds.Pod, { namespace: 'team-a', name: 'web-x-default-x-vc1' }) };
  };

  it('waits for the kube-dns twin before creating a ClusterFirst pod', async () => {
    const { result, hostPod } = await run(undefined, fresh());
    assert.deepEqual(result, { requeueAfterMs: 1_000 });
    assert.equal(hostPod, undefined);
  });

  it('creates a pod that waited too long without cluster DNS', async () => {
    const old = { ...fresh(), metadata: { name: 'web', namespace: 'default', creationTimestamp: '2020-01-01T00:00:00Z' } };
    const { hostPod } = await run(undefined, old);
    assert.ok(hostPod);
    assert.equal(hostPod.spec?.dnsPolicy, undefined);
  });

  it('gives the host pod the kube-dns twin as nameserver and the service links of its namespace', async () => {
    const { result, hostPod } = await run('10.96.0.53', fresh());
    assert.deepEqual(result, {});
    assert.equal(hostPod?.spec?.dnsPolicy, 'None');
    assert.deepEqual(hostPod?.spec?.dnsConfig?.nameservers, ['10.96.0.53']);
    assert.equal(hostPod?.spec?.enableServiceLinks, false);
    const env = new Map((hostPod?.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.get('REDIS_MASTER_SERVICE_HOST'), '10.96.4.7');
    assert.equal(env.get('REDIS_MASTER_PORT_6379_TCP'), 'tcp://10.96.4.7:6379');
  });
});

describe('pod syncer (harness)', () => {
  const pod: Pod & TypedObject = { ...virtualPod(), metadata: { name: 'web', namespace: 'default', uid: 'pod-uid', labels: { app: 'web' } } };
  itCases(
    toHostCases<Pod>({
      syncer: createPodSyncer({ kubeIP: undefined, clusterDomain: 'cluster.local', kubeletVersion: 'v1.36.3' }),
      names,
      virtual: pod,
      hostKey: { namespace: 'team-a', name: 'web-x-default-x-vc1' },
      checkHost: (host) => {
        assert.equal(host.spec?.containers[0]?.image, 'nginx');
        assert.equal(host.metadata?.labels?.app, 'web');
      },
      // the image is one of the few mutable fields of a pod
      editVirtual: (v) => ({ ...v, spec: { ...v.spec, containers: [{ name: 'c', image: 'nginx:1.27' }] } }),
      checkEdited: (host) => assert.equal(host.spec?.containers[0]?.image, 'nginx:1.27'),
      fromHost: [
        {
          name: 'the host schedules and starts the pod: the virtual pod is bound to the node and takes the status',
          write: async (host, copy) => {
            const scheduled = await host.update({ ...copy, spec: { ...copy.spec!, nodeName: 'node-1' } });
            return host.updateStatus({ ...scheduled, status: { phase: 'Running', podIP: '10.0.0.5' } });
          },
          check: (v) => {
            assert.equal(v.spec?.nodeName, 'node-1');
            assert.equal(v.status?.phase, 'Running');
            assert.equal(v.status?.podIP, '10.0.0.5');
          },
        },
      ],
      // a pod cannot be rescheduled: its controller makes a new one
      hostDeleted: 'virtual-deleted',
    }),
  );
});
