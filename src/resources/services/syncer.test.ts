import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError, type FakeAction } from '../../k8s/fake.js';
import { Kinds, type Endpoints, type EndpointSlice, type Service, type TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import type { SyncContext } from '../../syncer/types.js';
import { MIRROR_RESYNC_MS, MIRROR_WAIT_MS } from './kubernetes-service.js';
import { itCases, toHostCases } from '../shared/sync-harness.js';
import { createServiceSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const syncer = createServiceSyncer();

const frontend = (nodePort: number): Service & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'frontend', namespace: 'default', uid: 'u1' },
  spec: { type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], selector: { app: 'frontend' }, ports: [{ port: 80, protocol: 'TCP', nodePort }] },
});

function ctxOf(virtual: FakeKubeClient, host: FakeKubeClient): SyncContext {
  return { names, virtual, host, log: silentLogger(), signal: new AbortController().signal };
}

describe('services syncer: nodePorts', () => {
  it('creates the host twin with the virtual ClusterIP and nodePort', async () => {
    const host = new FakeKubeClient();
    await syncer.syncToHost(ctxOf(new FakeKubeClient(), host), { hostOld: undefined, virtual: frontend(32128) });
    const twin = host.peek<Service>(Kinds.Service, { namespace: 'team-a', name: 'frontend-x-default-x-vc1' });
    assert.equal(twin?.spec?.clusterIP, '10.96.0.20');
    assert.equal(twin?.spec?.ports?.[0]?.nodePort, 32128);
  });

  it('asks for less when the host refuses the nodePort (taken): ClusterIP only, then nothing', async () => {
    let refusals = 0;
    const inject = (a: FakeAction): Error | undefined =>
      a.verb === 'create' && a.kind === 'Service' && refusals++ < 1 ? statusError(422, 'Invalid', 'provided port is already allocated') : undefined;
    const host = new FakeKubeClient({ inject });
    await syncer.syncToHost(ctxOf(new FakeKubeClient(), host), { hostOld: undefined, virtual: frontend(32128) });
    const twin = host.peek<Service>(Kinds.Service, { namespace: 'team-a', name: 'frontend-x-default-x-vc1' });
    assert.equal(twin?.spec?.clusterIP, '10.96.0.20');
    assert.equal(twin?.spec?.ports?.[0]?.nodePort, undefined, 'left to the host');
  });

  it('gives the virtual Service the host nodePort when they differ (32128 vs 30574)', async () => {
    const virtualSvc = frontend(32128);
    const virtual = new FakeKubeClient({ objects: [virtualSvc] });
    const hostSvc: Service = {
      ...frontend(30574),
      metadata: { name: 'frontend-x-default-x-vc1', namespace: 'team-a', labels: { 'vcluster.loft.sh/managed-by': 'vc1' } },
    };
    const stored = virtual.peek<Service & TypedObject>(Kinds.Service, { namespace: 'default', name: 'frontend' })!;
    await syncer.sync(ctxOf(virtual, new FakeKubeClient({ objects: [hostSvc as Service & TypedObject] })), { hostOld: undefined, host: hostSvc, virtualOld: undefined, virtual: stored });
    assert.equal(virtual.peek<Service>(Kinds.Service, { namespace: 'default', name: 'frontend' })?.spec?.ports?.[0]?.nodePort, 30574);
  });
});

describe('services syncer: default/kubernetes', () => {
  const kubernetes: Service & TypedObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', uid: 'k' },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  };
  const vcService: Service & TypedObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'vc1', namespace: 'team-a' },
    spec: { clusterIP: '10.99.0.7', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }] },
  };
  const relay: Endpoints & TypedObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'vc1', namespace: 'team-a' },
    subsets: [{ addresses: [{ ip: '10.201.7.1' }], ports: [{ name: 'https', port: 41417, protocol: 'TCP' }] }],
  };

  it('mirrors the host Service and its endpoints: Endpoints and EndpointSlice, looked at again later', async () => {
    const virtual = new FakeKubeClient({ objects: [kubernetes] });
    const host = new FakeKubeClient({ objects: [vcService, relay] });
    const stored = virtual.peek<Service & TypedObject>(Kinds.Service, { namespace: 'default', name: 'kubernetes' })!;
    const result = await syncer.syncToHost(ctxOf(virtual, host), { hostOld: undefined, virtual: stored });
    assert.deepEqual(result, { requeueAfterMs: MIRROR_RESYNC_MS });
    assert.equal(virtual.peek<Service>(Kinds.Service, { namespace: 'default', name: 'kubernetes' })?.spec?.clusterIP, '10.99.0.7');
    const eps = virtual.peek<Endpoints>(Kinds.Endpoints, { namespace: 'default', name: 'kubernetes' });
    assert.deepEqual(eps?.subsets, relay.subsets);
    assert.equal(eps?.metadata?.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true');
    const slice = virtual.peek<EndpointSlice>(Kinds.EndpointSlice, { namespace: 'default', name: 'kubernetes' });
    assert.deepEqual(slice?.endpoints?.map((e) => e.addresses), [['10.201.7.1']]);
    assert.deepEqual(slice?.ports?.map((p) => p.port), [41417]);
  });

  it('copies a not-ready address and asks again soon, then takes it as ready (the kubernetes driver’s pod turns Ready after the syncer starts)', async () => {
    const pending: Endpoints & TypedObject = { ...relay, subsets: [{ notReadyAddresses: [{ ip: '10.245.1.2' }], ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] }] };
    const virtual = new FakeKubeClient({ objects: [kubernetes] });
    const host = new FakeKubeClient({ objects: [vcService, pending] });
    const first = await syncer.syncToHost(ctxOf(virtual, host), { hostOld: undefined, virtual: virtual.peek<Service & TypedObject>(Kinds.Service, { namespace: 'default', name: 'kubernetes' })! });
    assert.deepEqual(first, { requeueAfterMs: MIRROR_WAIT_MS });
    await host.update({ ...host.peek<Endpoints & TypedObject>(Kinds.Endpoints, { namespace: 'team-a', name: 'vc1' })!, subsets: [{ addresses: [{ ip: '10.245.1.2' }], ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] }] });
    const second = await syncer.syncToHost(ctxOf(virtual, host), { hostOld: undefined, virtual: virtual.peek<Service & TypedObject>(Kinds.Service, { namespace: 'default', name: 'kubernetes' })! });
    assert.deepEqual(second, { requeueAfterMs: MIRROR_RESYNC_MS });
    assert.deepEqual(virtual.peek<Endpoints>(Kinds.Endpoints, { namespace: 'default', name: 'kubernetes' })?.subsets?.[0]?.addresses, [{ ip: '10.245.1.2' }]);
  });

  it('asks again soon while the host Service has no endpoints yet', async () => {
    const virtual = new FakeKubeClient({ objects: [kubernetes] });
    const host = new FakeKubeClient({ objects: [vcService] });
    const stored = virtual.peek<Service & TypedObject>(Kinds.Service, { namespace: 'default', name: 'kubernetes' })!;
    const result = await syncer.syncToHost(ctxOf(virtual, host), { hostOld: undefined, virtual: stored });
    assert.deepEqual(result, { requeueAfterMs: MIRROR_WAIT_MS });
    assert.equal(virtual.peek(Kinds.Endpoints, { namespace: 'default', name: 'kubernetes' }), undefined);
  });
});

describe('services syncer (harness)', () => {
  const web: Service & TypedObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'web-uid' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.30', clusterIPs: ['10.96.0.30'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  };
  const hostSelector = { app: 'web', 'vcluster.loft.sh/managed-by': 'vc1', 'vcluster.loft.sh/namespace': 'default' };
  itCases(
    toHostCases<Service>({
      syncer: createServiceSyncer(),
      names,
      virtual: web,
      hostKey: { namespace: 'team-a', name: 'web-x-default-x-vc1' },
      checkHost: (host) => {
        assert.deepEqual(host.spec?.selector, hostSelector);
        assert.equal(host.spec?.clusterIP, '10.96.0.30', 'the virtual ClusterIP asked for');
        assert.deepEqual(host.spec?.ports?.map((p) => p.port), [80]);
      },
      editVirtual: (v) => ({ ...v, spec: { ...v.spec, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] } }),
      checkEdited: (host) => assert.deepEqual(host.spec?.ports?.map((p) => p.port), [8080]),
      fromHost: [
        {
          name: 'the status the host writes comes back',
          write: (host, copy) => host.updateStatus({ ...copy, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ok', message: '', lastTransitionTime: '2024-01-01T00:00:00Z' }] } }),
          check: (v) => assert.equal(v.status?.conditions?.[0]?.type, 'Ready'),
        },
        {
          name: 'a spec field changed on the host (sessionAffinity) comes back',
          write: (host, copy) => host.update({ ...copy, spec: { ...copy.spec, sessionAffinity: 'ClientIP' } }),
          check: (v) => assert.equal(v.spec?.sessionAffinity, 'ClientIP'),
        },
        {
          name: 'a ClusterIP the host allocated: the virtual Service is recreated with it',
          write: (host, copy) => host.update({ ...copy, spec: { ...copy.spec, clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.99'] } }),
          check: (v) => {
            assert.equal(v.spec?.clusterIP, '10.96.0.99');
            assert.notEqual(v.metadata?.uid, web.metadata.uid);
          },
        },
      ],
      warnsOnNameTaken: false,
    }),
  );
});
