import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient } from '../../k8s/fake.js';
import type { EndpointSlice, TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import type { SyncContext } from '../../syncer/types.js';
import { itCases, toHostCases } from '../shared/sync-harness.js';
import { createEndpointSliceSyncer } from './syncer.js';

const slice = (namespace: string, service: string, managedBy?: string): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: service,
    namespace,
    labels: { 'kubernetes.io/service-name': service, ...(managedBy ? { 'endpointslice.kubernetes.io/managed-by': managedBy } : {}) },
  },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.201.7.1'] }],
  ports: [{ name: 'https', port: 41417 }],
});

describe('endpointslices syncer: what goes to the host', () => {
  const cases = [
    { name: "virtual default/kubernetes' slice (the syncer's own mirror of the host)", slice: slice('default', 'kubernetes'), synced: false },
    { name: 'a slice the virtual endpointslice controller made', slice: slice('default', 'web', 'endpointslice-controller.k8s.io'), synced: false },
    { name: 'a hand-written slice of a selector-less Service', slice: slice('default', 'db'), synced: true },
    { name: 'a hand-written slice for a Service named kubernetes in another namespace', slice: slice('apps', 'kubernetes'), synced: true },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const host = new FakeKubeClient();
      const ctx: SyncContext = { names: { vclusterName: 'vc1', hostNamespace: 'team-a' }, virtual: new FakeKubeClient(), host, log: silentLogger(), signal: new AbortController().signal };
      await createEndpointSliceSyncer().syncToHost(ctx, { hostOld: undefined, virtual: c.slice });
      assert.equal(host.writes().length > 0, c.synced, JSON.stringify(host.writes()));
    });
});

describe('endpointslices syncer: a hand-written slice of a selector-less Service', () => {
  const virtual = { ...slice('default', 'db'), metadata: { ...slice('default', 'db').metadata, name: 'db-1', uid: 'es-uid' } } as EndpointSlice & TypedObject;
  itCases(
    toHostCases<EndpointSlice>({
      syncer: createEndpointSliceSyncer(),
      names: { vclusterName: 'vc1', hostNamespace: 'team-a' },
      virtual,
      hostKey: { namespace: 'team-a', name: 'db-1-x-default-x-vc1' },
      checkHost: (host) => {
        // the slice belongs to the host twin of the Service
        assert.equal(host.metadata?.labels?.['kubernetes.io/service-name'], 'db-x-default-x-vc1');
        assert.deepEqual(host.endpoints, [{ addresses: ['10.201.7.1'] }]);
        assert.deepEqual(host.ports, [{ name: 'https', port: 41417 }]);
      },
      editVirtual: (v) => ({ ...v, endpoints: [{ addresses: ['10.201.7.2'] }] }),
      checkEdited: (host) => {
        assert.deepEqual(host.endpoints, [{ addresses: ['10.201.7.2'] }]);
        assert.equal(host.metadata?.labels?.['kubernetes.io/service-name'], 'db-x-default-x-vc1');
      },
      // the ConfigMap/Secret syncer it shares leaves a foreign host object alone without telling the tenant
      warnsOnNameTaken: false,
    }),
  );
});
