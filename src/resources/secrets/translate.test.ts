import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from '../../k8s/types.js';
import { shouldSyncSecret, syncSecretData, toHostSecret } from './translate.js';
import { identity, markers, options, ownerRefs } from '../shared/testing.js';

describe('toHostSecret', () => {
  const cases: { name: string; virtual: Secret; want: Secret }[] = [
    {
      name: 'opaque secret',
      virtual: {
        metadata: { name: 's', namespace: 'default', uid: 'u' },
        type: 'Opaque',
        data: { p: 'cGFzcw==' },
      },
      want: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 's-x-default-x-my-vcluster',
          namespace: 'test-namespace',
          labels: markers('default'),
          annotations: identity('Secret', 's', 'default', 'u'),
          ownerReferences: ownerRefs,
        },
        type: 'Opaque',
        data: { p: 'cGFzcw==' },
      },
    },
    {
      name: 'service-account token becomes Opaque',
      virtual: {
        metadata: { name: 't', namespace: 'default' },
        type: 'kubernetes.io/service-account-token',
        data: { token: 'eA==' },
      },
      want: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 't-x-default-x-my-vcluster',
          namespace: 'test-namespace',
          labels: markers('default'),
          annotations: identity('Secret', 't', 'default'),
          ownerReferences: ownerRefs,
        },
        type: 'Opaque',
        data: { token: 'eA==' },
      },
    },
    {
      name: 'tls secret keeps its type',
      virtual: {
        metadata: { name: 'tls', namespace: 'web' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==' },
      },
      want: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'tls-x-web-x-my-vcluster',
          namespace: 'test-namespace',
          labels: markers('web'),
          annotations: identity('Secret', 'tls', 'web'),
          ownerReferences: ownerRefs,
        },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'Yw==', 'tls.key': 'aw==' },
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toHostSecret(c.virtual, options), c.want));
  it('shares the reference policy with configmaps', () =>
    assert.equal(shouldSyncSecret({ name: 's' }, { all: false, referencedBy: 2 }), true));
});

describe('syncSecretData', () => {
  const s = (type: string, data: Record<string, string>): Secret => ({
    metadata: { name: 's' },
    type,
    data,
  });
  const cases: {
    name: string;
    vOld?: Secret;
    v: Secret;
    hOld?: Secret;
    h: Secret;
    want: { vType?: string; hType?: string; vData?: Record<string, string>; hData?: Record<string, string> };
  }[] = [
    {
      name: 'virtual data change',
      vOld: s('Opaque', { a: '1' }),
      v: s('Opaque', { a: '2' }),
      hOld: s('Opaque', { a: '1' }),
      h: s('Opaque', { a: '1' }),
      want: { vType: 'Opaque', hType: 'Opaque', vData: { a: '2' }, hData: { a: '2' } },
    },
    {
      name: 'host type change comes back',
      vOld: s('Opaque', {}),
      v: s('Opaque', {}),
      hOld: s('Opaque', {}),
      h: s('custom', {}),
      want: { vType: 'custom', hType: 'custom' },
    },
    {
      name: 'token type never pushed',
      vOld: s('kubernetes.io/service-account-token', {}),
      v: s('kubernetes.io/service-account-token', {}),
      hOld: s('Opaque', {}),
      h: s('Opaque', {}),
      want: { vType: 'kubernetes.io/service-account-token', hType: 'Opaque' },
    },
    {
      name: 'a host token type never comes back',
      vOld: s('Opaque', {}),
      v: s('Opaque', {}),
      hOld: s('Opaque', {}),
      h: s('kubernetes.io/service-account-token', {}),
      want: { vType: 'Opaque', hType: 'kubernetes.io/service-account-token' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = syncSecretData({ virtualOld: c.vOld, virtual: c.v, hostOld: c.hOld, host: c.h });
      const summary = {
        vType: got.virtual.type,
        hType: got.host.type,
        vData: got.virtual.data,
        hData: got.host.data,
      };
      assert.deepEqual(JSON.parse(JSON.stringify(summary)), c.want);
    });
  }
});
