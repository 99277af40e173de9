import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterMapper, mirrorMapper, namespacedMapper, sameRef } from './mapper.js';
import { GVK } from './translate/gvk.js';
import { hostMetadata } from './translate/metadata.js';
import type { NameContext } from './translate/names.js';

const names: NameContext = { vclusterName: 'vc1', hostNamespace: 'team-a' };

describe('namespacedMapper', () => {
  const mapper = namespacedMapper(GVK.ConfigMap);
  const host = {
    metadata: hostMetadata(
      names,
      { name: 'cfg', namespace: 'default' },
      { gvk: GVK.ConfigMap, host: { name: 'cfg-x-default-x-vc1', namespace: 'team-a' } },
    ),
  };
  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    {
      name: 'virtual → host',
      got: () => mapper.virtualToHost(names, { name: 'cfg', namespace: 'default' }),
      want: { name: 'cfg-x-default-x-vc1', namespace: 'team-a' },
    },
    {
      name: 'host → virtual',
      got: () => mapper.hostToVirtual(names, { name: 'cfg-x-default-x-vc1', namespace: 'team-a' }, host),
      want: { name: 'cfg', namespace: 'default' },
    },
    {
      name: 'host → virtual outside the namespace',
      got: () => mapper.hostToVirtual(names, { name: 'cfg-x-default-x-vc1', namespace: 'other' }, host),
      want: undefined,
    },
    { name: 'managed', got: () => mapper.isManaged(names, host), want: true },
    { name: 'kind matters', got: () => namespacedMapper(GVK.Secret).isManaged(names, host), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));
});

describe('clusterMapper and mirrorMapper', () => {
  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    {
      name: 'cluster name',
      got: () => clusterMapper(GVK.PersistentVolume).virtualToHost(names, { name: 'pv1' }),
      want: { name: 'vcluster-pv1-x-team-a-x-vc1', namespace: '' },
    },
    {
      name: 'mirror name',
      got: () => mirrorMapper(GVK.Node).virtualToHost(names, { name: 'node-1' }),
      want: { name: 'node-1', namespace: '' },
    },
    {
      name: 'mirror back',
      got: () => mirrorMapper(GVK.Node).hostToVirtual(names, { name: 'node-1' }),
      want: { name: 'node-1' },
    },
    {
      name: 'mirror never managed',
      got: () => mirrorMapper(GVK.Node).isManaged(names, { metadata: { name: 'node-1' } }),
      want: false,
    },
    {
      name: 'sameRef treats absent namespace as empty',
      got: () => sameRef({ name: 'a' }, { name: 'a', namespace: '' }),
      want: true,
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));
});
