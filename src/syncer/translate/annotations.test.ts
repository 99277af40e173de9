import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyManagedKeys,
  formatManagedKeys,
  hostAnnotations,
  parseManagedKeys,
  virtualAnnotations,
  type ObjectIdentity,
} from './annotations.js';
import { GVK, gvkOf, gvkString } from './gvk.js';

const pod: ObjectIdentity = {
  gvk: GVK.Pod,
  virtualName: 'nginx',
  virtualNamespace: 'default',
  virtualUid: 'uid-1',
  hostName: 'nginx-x-default-x-vc1',
  hostNamespace: 'team-a',
};

describe('gvkString', () => {
  const cases = [
    { name: 'core', gvk: GVK.ConfigMap, want: '/v1, Kind=ConfigMap' },
    {
      name: 'grouped',
      gvk: gvkOf('networking.k8s.io/v1', 'Ingress'),
      want: 'networking.k8s.io/v1, Kind=Ingress',
    },
    { name: 'discovery', gvk: GVK.EndpointSlice, want: 'discovery.k8s.io/v1, Kind=EndpointSlice' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(gvkString(c.gvk), c.want));
});

describe('hostAnnotations', () => {
  const cases: {
    name: string;
    virtual: Record<string, string> | undefined;
    identity: ObjectIdentity;
    exclude?: string[];
    want: Record<string, string>;
  }[] = [
    {
      name: 'namespaced object',
      virtual: { note: 'hi' },
      identity: pod,
      want: {
        note: 'hi',
        'vcluster.loft.sh/managed-annotations': 'note',
        'vcluster.loft.sh/object-name': 'nginx',
        'vcluster.loft.sh/object-namespace': 'default',
        'vcluster.loft.sh/object-uid': 'uid-1',
        'vcluster.loft.sh/object-kind': '/v1, Kind=Pod',
        'vcluster.loft.sh/object-host-name': 'nginx-x-default-x-vc1',
        'vcluster.loft.sh/object-host-namespace': 'team-a',
      },
    },
    {
      name: 'cluster-scoped object omits namespaces',
      virtual: undefined,
      identity: { gvk: GVK.PersistentVolume, virtualName: 'pv-1', hostName: 'vcluster-pv-1-x-team-a-x-vc1' },
      want: {
        'vcluster.loft.sh/object-name': 'pv-1',
        'vcluster.loft.sh/object-uid': '',
        'vcluster.loft.sh/object-kind': '/v1, Kind=PersistentVolume',
        'vcluster.loft.sh/object-host-name': 'vcluster-pv-1-x-team-a-x-vc1',
      },
    },
    {
      name: 'tenant cannot spoof identity annotations',
      virtual: { 'vcluster.loft.sh/object-name': 'victim', 'vcluster.loft.sh/managed-labels': 'x' },
      identity: {
        gvk: GVK.ConfigMap,
        virtualName: 'cfg',
        virtualNamespace: 'default',
        hostName: 'h',
        hostNamespace: 'n',
      },
      want: {
        'vcluster.loft.sh/object-name': 'cfg',
        'vcluster.loft.sh/object-uid': '',
        'vcluster.loft.sh/object-namespace': 'default',
        'vcluster.loft.sh/object-kind': '/v1, Kind=ConfigMap',
        'vcluster.loft.sh/object-host-name': 'h',
        'vcluster.loft.sh/object-host-namespace': 'n',
      },
    },
    {
      name: 'managed-annotations lists the copied keys, sorted',
      virtual: { b: '2', a: '1', 'vcluster.loft.sh/managed-annotations': 'spoof' },
      identity: { gvk: GVK.Secret, virtualName: 's', virtualUid: 'u', hostName: 'h' },
      want: {
        a: '1',
        b: '2',
        'vcluster.loft.sh/managed-annotations': 'a\nb',
        'vcluster.loft.sh/object-name': 's',
        'vcluster.loft.sh/object-uid': 'u',
        'vcluster.loft.sh/object-kind': '/v1, Kind=Secret',
        'vcluster.loft.sh/object-host-name': 'h',
      },
    },
    {
      name: 'excluded keys dropped',
      virtual: { 'field.cattle.io/publicEndpoints': '[]', keep: 'y' },
      identity: { gvk: GVK.Service, virtualName: 's', hostName: 'h' },
      exclude: ['field.cattle.io/publicEndpoints'],
      want: {
        keep: 'y',
        'vcluster.loft.sh/managed-annotations': 'keep',
        'vcluster.loft.sh/object-name': 's',
        'vcluster.loft.sh/object-uid': '',
        'vcluster.loft.sh/object-kind': '/v1, Kind=Service',
        'vcluster.loft.sh/object-host-name': 'h',
      },
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      assert.deepEqual(hostAnnotations(c.virtual, c.identity, { exclude: c.exclude ?? [] }), c.want),
    );

  it('virtualAnnotations strips what hostAnnotations adds', () => {
    assert.deepEqual(virtualAnnotations(hostAnnotations({ a: '1', ünï: 'ç' }, pod)), { a: '1', ünï: 'ç' });
  });
});

describe('managed keys', () => {
  it('formats sorted, deduplicated, newline-joined', () =>
    assert.equal(formatManagedKeys(['b', 'a', 'b']), 'a\nb'));
  it('parses empty values', () => assert.deepEqual(parseManagedKeys(''), []));
  const cases: {
    name: string;
    source: Record<string, string>;
    target: Record<string, string>;
    managed: string | undefined;
    want: Record<string, string>;
    wantManaged: string;
  }[] = [
    {
      name: 'copies all source keys',
      source: { a: '1' },
      target: { foreign: 'f' },
      managed: undefined,
      want: { a: '1', foreign: 'f' },
      wantManaged: 'a',
    },
    {
      name: 'removes keys no longer on the source',
      source: { a: '1' },
      target: { a: '1', b: '2', foreign: 'f' },
      managed: 'a\nb',
      want: { a: '1', foreign: 'f' },
      wantManaged: 'a',
    },
    {
      name: 'never removes foreign keys',
      source: {},
      target: { foreign: 'f' },
      managed: 'a',
      want: { foreign: 'f' },
      wantManaged: '',
    },
    {
      name: 'source overwrites target values',
      source: { a: 'new' },
      target: { a: 'old' },
      managed: 'a',
      want: { a: 'new' },
      wantManaged: 'a',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = applyManagedKeys(c.source, c.target, c.managed);
      assert.deepEqual(got.map, c.want);
      assert.equal(got.managed, c.wantManaged);
    });
  }
});
