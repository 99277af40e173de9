import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kinds, type Ingress, type Secret, type TypedObject } from '../../k8s/types.js';
import type { NameMapping } from '../../syncer/mappings/mapping.js';
import type { ReferenceStore } from '../shared/referenced-syncer.js';
import { startSyncHarness, toHostCases } from '../shared/sync-harness.js';
import { createIngressSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const h = (name: string): string => `${name}-x-default-x-vc1`;

const ingress: Ingress & TypedObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default', uid: 'ing-uid' },
  spec: {
    ingressClassName: 'nginx',
    tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }],
    rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
  },
};
const tls: Secret & TypedObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', namespace: 'default', uid: 's-uid' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } };
const backendOf = (i: Ingress): string | undefined => i.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name;

/** An in-memory reference graph (the mappings store's part the Ingress syncer uses). */
function memoryStore(): ReferenceStore & { graph: Map<string, NameMapping[]> } {
  const graph = new Map<string, NameMapping[]>();
  const key = (m: NameMapping): string => `${m.gvk.kind}/${m.virtual.namespace}/${m.virtual.name}`;
  return {
    graph,
    record: (owner, refs) => {
      graph.set(key(owner), [...refs]);
      return Promise.resolve();
    },
    release: (owner) => {
      const refs = graph.get(key(owner)) ?? [];
      graph.delete(key(owner));
      const still = new Set([...graph.values()].flat().map(key));
      return Promise.resolve(refs.filter((r) => !still.has(key(r))));
    },
  };
}

describe('ingresses syncer', () => {
  for (const c of toHostCases<Ingress>({
    syncer: createIngressSyncer(),
    names,
    virtual: ingress,
    extraVirtual: [tls],
    hostKey: { namespace: 'team-a', name: h('web') },
    checkHost: (host) => {
      assert.equal(backendOf(host), h('web'));
      assert.equal(host.spec?.tls?.[0]?.secretName, h('web-tls'));
      assert.equal(host.spec?.ingressClassName, 'nginx');
    },
    editVirtual: (v) => ({ ...v, spec: { ...v.spec, rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web-v2', port: { number: 80 } } } }] } }] } }),
    checkEdited: (host) => assert.equal(backendOf(host), h('web-v2')),
  }))
    it(c.name, c.run);

  it('copies the TLS Secret to the host, records the reference, and removes the copy with the Ingress', async () => {
    const store = memoryStore();
    const harness = await startSyncHarness(createIngressSyncer({ references: store }), { names, virtualObjects: [ingress, tls] });
    try {
      const secretKey = { namespace: 'team-a', name: h('web-tls') };
      await harness.until('the host Secret', () => assert.deepEqual(harness.host.peek<Secret>(Kinds.Secret, secretKey)?.data, tls.data));
      assert.deepEqual([...store.graph.values()].flat().map((m) => m.host.name), [h('web-tls')]);
      await harness.virtual.delete(Kinds.Ingress, { namespace: 'default', name: 'web' });
      await harness.until('the host Secret gone', () => assert.equal(harness.host.peek(Kinds.Secret, secretKey), undefined));
    } finally {
      await harness.stop();
    }
  });

  it('copies the host status (load balancer addresses) back to the virtual Ingress', async () => {
    const harness = await startSyncHarness(createIngressSyncer(), { names, virtualObjects: [ingress, tls] });
    try {
      const key = { namespace: 'team-a', name: h('web') };
      await harness.until('the host copy', () => assert.ok(harness.host.peek(Kinds.Ingress, key)));
      const copy = harness.host.peek<Ingress & TypedObject>(Kinds.Ingress, key)!;
      await harness.host.updateStatus({ ...copy, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } });
      await harness.until('the status in the vcluster', () =>
        assert.equal(harness.virtual.peek<Ingress>(Kinds.Ingress, { namespace: 'default', name: 'web' })?.status?.loadBalancer?.ingress?.[0]?.ip, '10.0.0.9'),
      );
    } finally {
      await harness.stop();
    }
  });
});
