import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InformerFactory } from '../../k8s/informer.js';
import type { Syncer } from '../../syncer/types.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { itCases, startSyncHarness, toHostCases } from '../shared/sync-harness.js';
import { createEndpointsSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

/** A selector-less Service: its Endpoints are the tenant's, written by hand, and go to the host. */
const service: Service & TypedObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'default', uid: 'svc-uid' },
  spec: { ports: [{ port: 5432, protocol: 'TCP' }] },
};
const endpoints: Endpoints & TypedObject = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'db', namespace: 'default', uid: 'ep-uid' },
  subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 5432, protocol: 'TCP' }] }],
};
const ipsOf = (e: Endpoints): string[] => (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));

describe('endpoints syncer (selector-less Service)', () => {
  itCases(
    toHostCases<Endpoints>({
      syncer: (virtualInformers) => createEndpointsSyncer(virtualInformers.informerFor<Service>(Kinds.Service)),
      names,
      virtual: endpoints,
      extraVirtual: [service],
      hostKey: { namespace: 'team-a', name: 'db-x-default-x-vc1' },
      checkHost: (host) => assert.deepEqual(ipsOf(host), ['192.168.1.10']),
      editVirtual: (v) => ({ ...v, subsets: [{ addresses: [{ ip: '192.168.1.11' }], ports: [{ port: 5432, protocol: 'TCP' }] }] }),
      checkEdited: (host) => assert.deepEqual(ipsOf(host), ['192.168.1.11']),
      warnsOnNameTaken: false,
    }),
  );
});

describe('endpoints syncer: the subsets', () => {
  const hostKey = { namespace: 'team-a', name: 'db-x-default-x-vc1' };
  const make = (vf: InformerFactory): Syncer<Endpoints> => createEndpointsSyncer(vf.informerFor<Service>(Kinds.Service));

  it('a tenant change of the addresses reaches the host copy (the part of the update that flows)', async () => {
    const h = await startSyncHarness<Endpoints>(make, { names, virtualObjects: [service, endpoints] });
    try {
      await h.until('the host copy', () => assert.deepEqual(ipsOf(h.host.peek<Endpoints>(Kinds.Endpoints, hostKey) ?? {}), ['192.168.1.10']));
      const current = h.virtual.peek<Endpoints & TypedObject>(Kinds.Endpoints, { namespace: 'default', name: 'db' })!;
      await h.virtual.update({ ...current, subsets: [{ addresses: [{ ip: '192.168.1.12' }], ports: [{ port: 5432, protocol: 'TCP' }] }] });
      await h.until('the new address on the host', () => assert.deepEqual(ipsOf(h.host.peek<Endpoints>(Kinds.Endpoints, hostKey) ?? {}), ['192.168.1.12']));
    } finally {
      await h.stop();
    }
  });

  it('the Endpoints of a Service with a selector are the host controller’s: never written', async () => {
    const selected: Service & TypedObject = { ...service, spec: { ...service.spec, selector: { app: 'db' } } };
    const hostOwn: Endpoints & TypedObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...hostKey, labels: { 'vcluster.loft.sh/managed-by': 'vc1' } },
      subsets: [{ addresses: [{ ip: '10.0.0.5' }] }],
    };
    const h = await startSyncHarness<Endpoints>(make, { names, virtualObjects: [selected, endpoints], hostObjects: [hostOwn] });
    try {
      await h.settled(300);
      assert.deepEqual(ipsOf(h.host.peek<Endpoints>(Kinds.Endpoints, hostKey) ?? {}), ['10.0.0.5']);
      assert.deepEqual(h.host.writes(), []);
    } finally {
      await h.stop();
    }
  });
});
