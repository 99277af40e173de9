import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMapping, encodeMapping, mappingKey, parseMappingKey, type Mapping } from './mapping.js';
import { GVK, gvkOf } from '../translate/gvk.js';

describe('mappingKey', () => {
  const cases = [
    {
      name: 'core namespaced',
      got: mappingKey(GVK.Pod, { namespace: 'default', name: 'nginx' }),
      want: '/vcluster/mappings/v1/pod/default/nginx',
    },
    {
      name: 'grouped',
      got: mappingKey(gvkOf('networking.k8s.io/v1', 'Ingress'), { namespace: 'default', name: 'web' }),
      want: '/vcluster/mappings/networking.k8s.io/v1/ingress/default/web',
    },
    {
      name: 'cluster-scoped',
      got: mappingKey(GVK.PersistentVolume, { namespace: '', name: 'pv-1' }),
      want: '/vcluster/mappings/v1/persistentvolume/pv-1',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(c.got, c.want));
});

describe('parseMappingKey', () => {
  const cases: { key: string; want: unknown }[] = [
    {
      key: '/vcluster/mappings/v1/pod/default/nginx',
      want: { group: '', version: 'v1', kindLower: 'pod', virtual: { namespace: 'default', name: 'nginx' } },
    },
    {
      key: '/vcluster/mappings/networking.k8s.io/v1/ingress/default/web',
      want: {
        group: 'networking.k8s.io',
        version: 'v1',
        kindLower: 'ingress',
        virtual: { namespace: 'default', name: 'web' },
      },
    },
    {
      key: '/vcluster/mappings/apps/v1/deployment/default/web',
      want: {
        group: 'apps',
        version: 'v1',
        kindLower: 'deployment',
        virtual: { namespace: 'default', name: 'web' },
      },
    },
    {
      key: '/vcluster/mappings/v1/persistentvolume/pv-1',
      want: {
        group: '',
        version: 'v1',
        kindLower: 'persistentvolume',
        virtual: { namespace: '', name: 'pv-1' },
      },
    },
    {
      key: '/vcluster/mappings/storage.k8s.io/v1/storageclass/fast',
      want: {
        group: 'storage.k8s.io',
        version: 'v1',
        kindLower: 'storageclass',
        virtual: { namespace: '', name: 'fast' },
      },
    },
    { key: '/registry/pods/default/nginx', want: undefined },
    { key: '/vcluster/mappings/v1/pod', want: undefined },
  ];
  for (const c of cases) it(c.key, () => assert.deepEqual(parseMappingKey(c.key), c.want));
});

const pod: Mapping = {
  gvk: GVK.Pod,
  virtual: { namespace: 'default', name: 'nginx' },
  host: { namespace: 'team-a', name: 'nginx-x-default-x-vc1' },
  sender: '0b6f2c1e-uuid',
  references: [
    {
      gvk: GVK.ConfigMap,
      virtual: { namespace: 'default', name: 'cfg' },
      host: { namespace: 'team-a', name: 'cfg-x-default-x-vc1' },
    },
    {
      gvk: GVK.Secret,
      virtual: { namespace: 'default', name: 's' },
      host: { namespace: 'team-a', name: 's-x-default-x-vc1' },
    },
  ],
};

describe('mapping values', () => {
  it('encodes with Go field names and order', () => {
    assert.equal(
      encodeMapping(pod),
      '{"Group":"","Version":"v1","Kind":"Pod","VirtualName":{"Namespace":"default","Name":"nginx"},"HostName":{"Namespace":"team-a","Name":"nginx-x-default-x-vc1"},"sender":"0b6f2c1e-uuid",' +
        '"references":[{"Group":"","Version":"v1","Kind":"ConfigMap","VirtualName":{"Namespace":"default","Name":"cfg"},"HostName":{"Namespace":"team-a","Name":"cfg-x-default-x-vc1"}},' +
        '{"Group":"","Version":"v1","Kind":"Secret","VirtualName":{"Namespace":"default","Name":"s"},"HostName":{"Namespace":"team-a","Name":"s-x-default-x-vc1"}}]}',
    );
  });
  it('round trips', () => assert.deepEqual(decodeMapping(encodeMapping(pod)), pod));
  it('omits an empty sender (omitempty)', () => {
    const anonymous = { ...pod, sender: '', references: [] };
    assert.equal(
      encodeMapping(anonymous),
      '{"Group":"","Version":"v1","Kind":"Pod","VirtualName":{"Namespace":"default","Name":"nginx"},"HostName":{"Namespace":"team-a","Name":"nginx-x-default-x-vc1"}}',
    );
    assert.deepEqual(decodeMapping(encodeMapping(anonymous)), anonymous);
  });
  it('omits empty references and decodes their absence', () => {
    const bare = { ...pod, references: [] };
    assert.ok(!encodeMapping(bare).includes('references'));
    assert.deepEqual(decodeMapping(encodeMapping(bare)), bare);
  });
  const bad = [
    'not json',
    '[]',
    '{"Kind":""}',
    '{"Kind":"Pod","VirtualName":3}',
    '{"Kind":"Pod","VirtualName":{},"HostName":{},"references":{}}',
  ];
  for (const text of bad)
    it(`rejects ${text}`, () => assert.throws(() => decodeMapping(text), { name: 'SyncError' }));
});
