import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from '../../k8s/types.js';
import { shouldSyncConfigMap, syncConfigMapData, toHostConfigMap } from './translate.js';
import { identity, markers, options, ownerRefs } from '../shared/testing.js';

describe('toHostConfigMap', () => {
  const cases: { name: string; virtual: ConfigMap; want: ConfigMap }[] = [
    {
      name: 'data and metadata',
      virtual: {
        metadata: {
          name: 'cfg',
          namespace: 'default',
          uid: 'u1',
          labels: { app: 'a' },
          resourceVersion: '5',
        },
        data: { k: 'v' },
      },
      want: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'cfg-x-default-x-my-vcluster',
          namespace: 'test-namespace',
          labels: { app: 'a', ...markers('default') },
          annotations: identity('ConfigMap', 'cfg', 'default', 'u1'),
          ownerReferences: ownerRefs,
        },
        data: { k: 'v' },
      },
    },
    {
      name: 'kube-root-ca.crt gets the normal host name',
      virtual: {
        metadata: { name: 'kube-root-ca.crt', namespace: 'kube-system' },
        data: { 'ca.crt': 'pem' },
      },
      want: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt-x-kube-system-x-my-vcluster',
          namespace: 'test-namespace',
          labels: markers('kube-system'),
          annotations: identity('ConfigMap', 'kube-root-ca.crt', 'kube-system'),
          ownerReferences: ownerRefs,
        },
        data: { 'ca.crt': 'pem' },
      },
    },
    {
      name: 'binary data, immutable, unicode values',
      virtual: {
        metadata: { name: 'b', namespace: 'ns' },
        binaryData: { bin: 'AAEC' },
        data: { greet: 'こんにちは' },
        immutable: true,
      },
      want: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'b-x-ns-x-my-vcluster',
          namespace: 'test-namespace',
          labels: markers('ns'),
          annotations: identity('ConfigMap', 'b', 'ns'),
          ownerReferences: ownerRefs,
        },
        data: { greet: 'こんにちは' },
        binaryData: { bin: 'AAEC' },
        immutable: true,
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.virtual);
      assert.deepEqual(toHostConfigMap(c.virtual, options), c.want);
      assert.deepEqual(c.virtual, before);
    });
  }
});

describe('shouldSyncConfigMap', () => {
  const cases: {
    name: string;
    annotations?: Record<string, string>;
    all: boolean;
    refs: number;
    want: boolean;
  }[] = [
    { name: 'unreferenced', all: false, refs: 0, want: false },
    { name: 'referenced by a pod', all: false, refs: 1, want: true },
    { name: 'all', all: true, refs: 0, want: true },
    {
      name: 'force-sync',
      annotations: { 'vcluster.loft.sh/force-sync': 'true' },
      all: false,
      refs: 0,
      want: true,
    },
    {
      name: 'force-sync false',
      annotations: { 'vcluster.loft.sh/force-sync': 'false' },
      all: false,
      refs: 0,
      want: false,
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      assert.equal(
        shouldSyncConfigMap(
          { name: 'x', annotations: c.annotations ?? {} },
          { all: c.all, referencedBy: c.refs },
        ),
        c.want,
      ),
    );
});

describe('syncConfigMapData', () => {
  const cm = (data: Record<string, string>): ConfigMap => ({ metadata: { name: 'x' }, data });
  const cases: {
    name: string;
    vOld?: ConfigMap;
    v: ConfigMap;
    hOld?: ConfigMap;
    h: ConfigMap;
    want: [Record<string, string> | undefined, Record<string, string> | undefined];
  }[] = [
    {
      name: 'virtual edit goes to host',
      vOld: cm({ a: '1' }),
      v: cm({ a: '2' }),
      hOld: cm({ a: '1' }),
      h: cm({ a: '1' }),
      want: [{ a: '2' }, { a: '2' }],
    },
    {
      name: 'host edit comes back',
      vOld: cm({ a: '1' }),
      v: cm({ a: '1' }),
      hOld: cm({ a: '1' }),
      h: cm({ a: '9' }),
      want: [{ a: '9' }, { a: '9' }],
    },
    {
      name: 'first sight: virtual keys win, host-only keys survive',
      v: cm({ a: '1' }),
      h: cm({ a: 'x', b: 'y' }),
      want: [{ a: '1' }, { a: '1', b: 'y' }],
    },
    {
      name: 'deleting all keys removes data',
      vOld: cm({ a: '1' }),
      v: cm({}),
      hOld: cm({ a: '1' }),
      h: cm({ a: '1' }),
      want: [undefined, undefined],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = syncConfigMapData({ virtualOld: c.vOld, virtual: c.v, hostOld: c.hOld, host: c.h });
      assert.deepEqual([got.virtual.data, got.host.data], c.want);
    });
  }
});
