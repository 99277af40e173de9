import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  hashedLabelKey,
  hostLabelKey,
  hostLabels,
  namespaceLabelKey,
  namespaceLabelsForPod,
  virtualLabelKey,
  virtualLabels,
} from './labels.js';
import type { NameContext } from './names.js';

const ctx: NameContext = { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' };

// Golden keys: SafeConcatName("vcluster.loft.sh/label", vc, "x", hex(sha256(key))[0:10]), computed in Python.
const HASHED = {
  release: 'vcluster.loft.sh/label-my-vcluster-x-a4d451ec23',
  namespace: 'vcluster.loft.sh/label-my-vcluster-x-101dcd4e86',
  managedBy: 'vcluster.loft.sh/label-my-vcluster-x-e5f1b28ab2',
  controlledBy: 'vcluster.loft.sh/label-my-vcluster-x-2080cec00f',
};

describe('hostLabelKey', () => {
  const cases: { name: string; ctx?: NameContext; key: string; want: string | undefined }[] = [
    { name: 'ordinary key verbatim', key: 'app', want: 'app' },
    { name: 'prefixed key verbatim', key: 'test.sh/abcd', want: 'test.sh/abcd' },
    { name: 'release hashed', key: 'release', want: HASHED.release },
    { name: 'namespace marker hashed', key: 'vcluster.loft.sh/namespace', want: HASHED.namespace },
    { name: 'managed-by marker hashed', key: 'vcluster.loft.sh/managed-by', want: HASHED.managedBy },
    { name: 'controlled-by hashed', key: 'vcluster.loft.sh/controlled-by', want: HASHED.controlledBy },
    { name: 'already-translated key dropped', key: HASHED.release, want: undefined },
    {
      name: 'ns-label key dropped',
      key: 'vcluster.loft.sh/ns-label-my-vcluster-x-ca8b22d0db',
      want: undefined,
    },
    {
      name: 'other vcluster.loft.sh keys verbatim',
      key: 'vcluster.loft.sh/fake-node',
      want: 'vcluster.loft.sh/fake-node',
    },
    {
      name: 'long vcluster name: hashed key itself obeys the 63 rule',
      ctx: { vclusterName: 'a-very-long-vcluster-name-for-testing', hostNamespace: 'h' },
      key: 'release',
      want: 'vcluster.loft.sh/label-a-very-long-vcluster-name-for-2b70356581',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(hostLabelKey(c.ctx ?? ctx, c.key), c.want));
});

describe('virtualLabelKey', () => {
  const cases: { name: string; key: string; want: string | undefined }[] = [
    { name: 'ordinary key', key: 'app', want: 'app' },
    { name: 'managed-by marker dropped', key: 'vcluster.loft.sh/managed-by', want: undefined },
    { name: 'namespace marker dropped', key: 'vcluster.loft.sh/namespace', want: undefined },
    { name: 'controlled-by dropped', key: 'vcluster.loft.sh/controlled-by', want: undefined },
    { name: 'a host release label never flows back', key: 'release', want: undefined },
    { name: 'ns-label dropped', key: namespaceLabelKey(ctx, 'team'), want: undefined },
    { name: 'hashed release restored', key: HASHED.release, want: 'release' },
    { name: 'hashed managed-by restored', key: HASHED.managedBy, want: 'vcluster.loft.sh/managed-by' },
    {
      name: "another vcluster's hashed key dropped",
      key: 'vcluster.loft.sh/label-other-x-a4d451ec23',
      want: undefined,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(virtualLabelKey(ctx, c.key), c.want));
});

describe('hostLabels', () => {
  const cases: {
    name: string;
    virtual: Record<string, string> | undefined;
    options: Parameters<typeof hostLabels>[2];
    want: Record<string, string>;
  }[] = [
    {
      name: 'namespaced metadata gets both markers',
      virtual: { app: 'web', 'test.sh/abcd': 'yes' },
      options: { virtualNamespace: 'default' },
      want: {
        app: 'web',
        'test.sh/abcd': 'yes',
        'vcluster.loft.sh/managed-by': 'my-vcluster',
        'vcluster.loft.sh/namespace': 'default',
      },
    },
    {
      name: 'cluster-scoped metadata gets the cluster marker only',
      virtual: { tier: 'gold' },
      options: {},
      want: { tier: 'gold', 'vcluster.loft.sh/managed-by': 'test-namespace-x-my-vcluster' },
    },
    {
      name: 'spoofed markers are hashed, real markers win',
      virtual: {
        'vcluster.loft.sh/managed-by': 'other-vc',
        'vcluster.loft.sh/namespace': 'kube-system',
        release: 'x',
      },
      options: { virtualNamespace: 'default' },
      want: {
        [HASHED.managedBy]: 'other-vc',
        [HASHED.namespace]: 'kube-system',
        [HASHED.release]: 'x',
        'vcluster.loft.sh/managed-by': 'my-vcluster',
        'vcluster.loft.sh/namespace': 'default',
      },
    },
    {
      name: 'unicode values are copied byte for byte',
      virtual: { owner: 'José-ñ-日本-🚀' },
      options: { virtualNamespace: 'ns' },
      want: {
        owner: 'José-ñ-日本-🚀',
        'vcluster.loft.sh/managed-by': 'my-vcluster',
        'vcluster.loft.sh/namespace': 'ns',
      },
    },
    {
      name: 'selector of an existing unmarked host object gets no markers',
      virtual: { app: 'web' },
      options: { virtualNamespace: 'default', isMetadata: false, hostLabels: { app: 'web' } },
      want: { app: 'web' },
    },
    {
      name: 'fresh selector gets markers',
      virtual: { app: 'web' },
      options: { virtualNamespace: 'default', isMetadata: false },
      want: {
        app: 'web',
        'vcluster.loft.sh/managed-by': 'my-vcluster',
        'vcluster.loft.sh/namespace': 'default',
      },
    },
    {
      name: 'controlled-by on the host is kept',
      virtual: undefined,
      options: { virtualNamespace: 'default', hostLabels: { 'vcluster.loft.sh/controlled-by': 'vcluster' } },
      want: {
        'vcluster.loft.sh/managed-by': 'my-vcluster',
        'vcluster.loft.sh/namespace': 'default',
        'vcluster.loft.sh/controlled-by': 'vcluster',
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(hostLabels(ctx, c.virtual, c.options), c.want));

  it('does not mutate its input', () => {
    const input = { release: 'r', app: 'a' };
    hostLabels(ctx, input, { virtualNamespace: 'default' });
    assert.deepEqual(input, { release: 'r', app: 'a' });
  });
});

describe('namespace labels on pods', () => {
  it('hashes namespace label keys with the ns-label prefix', () => {
    assert.deepEqual(namespaceLabelsForPod(ctx, { team: 'a' }), {
      'vcluster.loft.sh/ns-label-my-vcluster-x-ca8b22d0db': 'a',
    });
  });
  it('hashed keys are distinct from label keys', () =>
    assert.notEqual(namespaceLabelKey(ctx, 'release'), hashedLabelKey(ctx, 'release')));
});

const labelKey = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,30}[a-z0-9])?$/),
  fc.stringMatching(/^[a-z0-9.]{1,20}\/[a-z0-9]([a-z0-9._-]{0,20}[a-z0-9])?$/),
  fc.constantFrom(
    'release',
    'vcluster.loft.sh/namespace',
    'vcluster.loft.sh/managed-by',
    'vcluster.loft.sh/controlled-by',
  ),
);
const labelValue = fc.string({ unit: 'grapheme', maxLength: 20 });

describe('label properties', () => {
  it('virtual → host → virtual round trip is the identity (for keys a tenant may use)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(labelKey, labelValue),
        fc.stringMatching(/^[a-z0-9]{1,20}$/),
        (labels, ns) => {
          const clean = Object.fromEntries(
            Object.entries(labels).filter(([k]) => hostLabelKey(ctx, k) !== undefined),
          );
          assert.deepEqual(virtualLabels(ctx, hostLabels(ctx, clean, { virtualNamespace: ns })), clean);
        },
      ),
    );
  });
  it('the markers on the host are always the real ones', () => {
    fc.assert(
      fc.property(fc.dictionary(labelKey, labelValue), (labels) => {
        const host = hostLabels(ctx, labels, { virtualNamespace: 'default' });
        assert.equal(host['vcluster.loft.sh/managed-by'], 'my-vcluster');
        assert.equal(host['vcluster.loft.sh/namespace'], 'default');
      }),
    );
  });
  it('host label keys never exceed 63 characters in their name part when translated', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/), (vc) => {
        const key = hostLabelKey({ vclusterName: vc, hostNamespace: 'h' }, 'release') ?? '';
        assert.ok(key.length <= 63);
      }),
    );
  });
});
