import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ObjectMeta } from '../../k8s/types.js';
import { GVK } from './gvk.js';
import { hostMetadata } from './metadata.js';
import { hostName, type NameContext } from './names.js';
import { isManaged, shouldDeleteHostObject, virtualRefFromHost } from './ownership.js';

const ctx: NameContext = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const mapper = (ref: { name: string; namespace?: string }): string =>
  hostName(ctx, ref.name, ref.namespace ?? '');

function managedPod(): ObjectMeta {
  return hostMetadata(
    ctx,
    { name: 'nginx', namespace: 'default', uid: 'u1' },
    { gvk: GVK.Pod, host: { name: 'nginx-x-default-x-vc1', namespace: 'team-a' } },
  );
}
function withChange(change: (m: ObjectMeta) => void): ObjectMeta {
  const m = managedPod();
  change(m);
  return m;
}

describe('isManaged', () => {
  const cases: { name: string; meta: ObjectMeta; want: boolean }[] = [
    { name: 'our own copy', meta: managedPod(), want: true },
    { name: 'other namespace', meta: withChange((m) => (m.namespace = 'other')), want: false },
    {
      name: 'no marker',
      meta: withChange((m) => delete m.labels!['vcluster.loft.sh/managed-by']),
      want: false,
    },
    {
      name: "another vcluster's marker",
      meta: withChange((m) => (m.labels!['vcluster.loft.sh/managed-by'] = 'vc2')),
      want: false,
    },
    {
      name: 'no object-name',
      meta: withChange((m) => delete m.annotations!['vcluster.loft.sh/object-name']),
      want: false,
    },
    {
      name: 'name does not match the mapping',
      meta: withChange((m) => (m.annotations!['vcluster.loft.sh/object-name'] = 'evil')),
      want: false,
    },
    {
      name: 'kind mismatch',
      meta: withChange((m) => (m.annotations!['vcluster.loft.sh/object-kind'] = '/v1, Kind=Secret')),
      want: false,
    },
    {
      name: 'copied annotations (host-name self-check fails)',
      meta: withChange((m) => {
        m.name = 'copy';
        m.annotations!['vcluster.loft.sh/object-name'] = 'copy';
        m.annotations!['vcluster.loft.sh/object-namespace'] = '';
      }),
      want: false,
    },
    {
      name: 'empty kind annotation is not checked',
      meta: withChange((m) => (m.annotations!['vcluster.loft.sh/object-kind'] = '')),
      want: true,
    },
    {
      name: 'empty host-name annotation is not checked',
      meta: withChange((m) => (m.annotations!['vcluster.loft.sh/object-host-name'] = '')),
      want: true,
    },
    {
      name: 'unmanaged object with the same name',
      meta: { name: 'nginx-x-default-x-vc1', namespace: 'team-a', labels: { app: 'x' } },
      want: false,
    },
    {
      name: 'cluster-scoped with cluster marker',
      meta: { name: 'vcluster-pv-x-team-a-x-vc1', labels: { 'vcluster.loft.sh/managed-by': 'team-a-x-vc1' } },
      want: true,
    },
    {
      name: 'cluster-scoped with namespaced marker',
      meta: { name: 'pv', labels: { 'vcluster.loft.sh/managed-by': 'vc1' } },
      want: false,
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      assert.equal(isManaged(ctx, c.meta, { gvk: GVK.Pod, virtualToHostName: mapper }), c.want),
    );
});

describe('virtualRefFromHost', () => {
  const cases: { name: string; meta: ObjectMeta; want: unknown }[] = [
    { name: 'from annotations', meta: managedPod(), want: { name: 'nginx', namespace: 'default' } },
    {
      name: 'foreign marker',
      meta: withChange((m) => (m.labels!['vcluster.loft.sh/managed-by'] = 'vc2')),
      want: undefined,
    },
    {
      name: 'kind mismatch',
      meta: withChange((m) => (m.annotations!['vcluster.loft.sh/object-kind'] = '/v1, Kind=Secret')),
      want: undefined,
    },
    { name: 'no annotations', meta: { name: 'x', namespace: 'team-a' }, want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(virtualRefFromHost(ctx, c.meta, GVK.Pod), c.want));
});

describe('shouldDeleteHostObject', () => {
  const cases: { name: string; meta: ObjectMeta; want: boolean }[] = [
    { name: 'our copy', meta: managedPod(), want: true },
    { name: 'being deleted', meta: { name: 'x', deletionTimestamp: '1970-01-01T00:00:00Z' }, want: true },
    {
      name: 'kind mismatch',
      meta: withChange((m) => (m.annotations!['vcluster.loft.sh/object-kind'] = '/v1, Kind=Secret')),
      want: false,
    },
    { name: 'host-name mismatch', meta: withChange((m) => (m.name = 'renamed')), want: false },
    {
      name: 'host-namespace missing',
      meta: withChange((m) => delete m.annotations!['vcluster.loft.sh/object-host-namespace']),
      want: false,
    },
    { name: 'no annotations', meta: { name: 'x', namespace: 'team-a' }, want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(shouldDeleteHostObject(c.meta, GVK.Pod), c.want));
});

describe('ownership properties', () => {
  const dns = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,100}[a-z0-9])?$/);
  const ns = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
  it('virtual → host metadata → virtual ref is the identity, and the copy is managed', () => {
    fc.assert(
      fc.property(dns, ns, ns, (name, namespace, vc) => {
        const c: NameContext = { vclusterName: vc, hostNamespace: 'host-ns' };
        const host = hostName(c, name, namespace);
        const meta = hostMetadata(
          c,
          { name, namespace, uid: 'u' },
          { gvk: GVK.Secret, host: { name: host, namespace: 'host-ns' } },
        );
        assert.deepEqual(virtualRefFromHost(c, meta, GVK.Secret), { name, namespace });
        assert.ok(
          isManaged(c, meta, {
            gvk: GVK.Secret,
            virtualToHostName: (r) => hostName(c, r.name, r.namespace ?? ''),
          }),
        );
        assert.ok(
          !isManaged({ ...c, vclusterName: `${vc}x` }, meta, { gvk: GVK.Secret }),
          'never managed by another vcluster',
        );
      }),
    );
  });
});
