import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectMeta } from '../../k8s/types.js';
import { GVK } from './gvk.js';
import { hostMetadata, virtualMetadata } from './metadata.js';
import type { NameContext } from './names.js';

const ctx: NameContext = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const owner = { apiVersion: 'v1', kind: 'Service', name: 'vc1', uid: 'svc-uid' };

function virtualPodMeta(): ObjectMeta {
  return {
    name: 'nginx',
    namespace: 'default',
    uid: 'uid-1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    finalizers: ['x'],
    generateName: 'ngin',
    labels: { app: 'web', release: 'r1' },
    annotations: { note: 'n' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true },
    ],
  };
}

describe('hostMetadata', () => {
  it('resets server fields, sets name, labels, annotations and owner', () => {
    const input = virtualPodMeta();
    const before = structuredClone(input);
    const got = hostMetadata(ctx, input, {
      gvk: GVK.Pod,
      host: { name: 'nginx-x-default-x-vc1', namespace: 'team-a' },
      owner,
    });
    assert.deepEqual(got, {
      name: 'nginx-x-default-x-vc1',
      namespace: 'team-a',
      labels: {
        app: 'web',
        'vcluster.loft.sh/label-vc1-x-a4d451ec23': 'r1',
        'vcluster.loft.sh/managed-by': 'vc1',
        'vcluster.loft.sh/namespace': 'default',
      },
      annotations: {
        note: 'n',
        'vcluster.loft.sh/managed-annotations': 'note',
        'vcluster.loft.sh/object-name': 'nginx',
        'vcluster.loft.sh/object-namespace': 'default',
        'vcluster.loft.sh/object-uid': 'uid-1',
        'vcluster.loft.sh/object-kind': '/v1, Kind=Pod',
        'vcluster.loft.sh/object-host-name': 'nginx-x-default-x-vc1',
        'vcluster.loft.sh/object-host-namespace': 'team-a',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'vc1', uid: 'svc-uid', controller: true }],
    });
    assert.deepEqual(input, before, 'input not mutated');
  });

  const ownerCases: {
    name: string;
    refs: ObjectMeta['ownerReferences'];
    withOwner: boolean;
    want: unknown;
  }[] = [
    {
      name: 'no controller owner → controller false',
      refs: [],
      withOwner: true,
      want: [{ apiVersion: 'v1', kind: 'Service', name: 'vc1', uid: 'svc-uid', controller: false }],
    },
    { name: 'no owner target → no ownerReferences', refs: [], withOwner: false, want: undefined },
  ];
  for (const c of ownerCases) {
    it(c.name, () => {
      const got = hostMetadata(
        ctx,
        { name: 'a', namespace: 'b', ownerReferences: c.refs },
        {
          gvk: GVK.ConfigMap,
          host: { name: 'a-x-b-x-vc1', namespace: 'team-a' },
          ...(c.withOwner ? { owner } : {}),
        },
      );
      assert.deepEqual(got.ownerReferences, c.want);
    });
  }

  it('cluster-scoped objects get no namespace, no owner and the cluster marker', () => {
    const got = hostMetadata(
      ctx,
      { name: 'fast', uid: 'u' },
      { gvk: GVK.PersistentVolume, host: { name: 'vcluster-fast-x-team-a-x-vc1', namespace: '' }, owner },
    );
    assert.equal(got.namespace, undefined);
    assert.equal(got.ownerReferences, undefined);
    assert.deepEqual(got.labels, { 'vcluster.loft.sh/managed-by': 'team-a-x-vc1' });
  });
});

describe('virtualMetadata', () => {
  it('strips markers and bookkeeping and restores hashed keys', () => {
    const host = hostMetadata(ctx, virtualPodMeta(), {
      gvk: GVK.Pod,
      host: { name: 'nginx-x-default-x-vc1', namespace: 'team-a' },
    });
    assert.deepEqual(virtualMetadata(ctx, host, { name: 'nginx', namespace: 'default' }), {
      name: 'nginx',
      namespace: 'default',
      labels: { app: 'web', release: 'r1' },
      annotations: { note: 'n' },
    });
  });
});
