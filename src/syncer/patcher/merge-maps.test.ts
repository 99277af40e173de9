import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffMaps, mergeMaps, type MapMergeInput } from './merge-maps.js';
import { mergeAnnotations, mergeLabels } from './labels-annotations.js';
import { GVK } from '../translate/gvk.js';
import type { NameContext } from '../translate/names.js';

const identity = { toHost: (k: string) => k, toVirtual: (k: string) => k };
type M = Record<string, string>;

describe('diffMaps', () => {
  it('reports added, changed and removed keys', () => {
    assert.deepEqual(
      [...diffMaps({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })],
      [
        ['b', '3'],
        ['c', '4'],
      ],
    );
    assert.deepEqual([...diffMaps({ a: '1' }, undefined)], [['a', null]]);
  });
  it('no history means no change', () => assert.equal(diffMaps(undefined, { a: '1' }).size, 0));
});

describe('mergeMaps', () => {
  const cases: { name: string; input: MapMergeInput; want: { virtual: M; host: M } }[] = [
    {
      name: 'nothing changed',
      input: { virtualOld: { a: '1' }, virtual: { a: '1' }, hostOld: { a: '1' }, host: { a: '1' } },
      want: { virtual: { a: '1' }, host: { a: '1' } },
    },
    {
      name: 'virtual added a key → host gets it',
      input: { virtualOld: { a: '1' }, virtual: { a: '1', b: '2' }, hostOld: { a: '1' }, host: { a: '1' } },
      want: { virtual: { a: '1', b: '2' }, host: { a: '1', b: '2' } },
    },
    {
      name: 'host added a key → virtual gets it (label from host)',
      input: {
        virtualOld: { a: '1' },
        virtual: { a: '1' },
        hostOld: { a: '1' },
        host: { a: '1', 'test-label': 'from-host' },
      },
      want: { virtual: { a: '1', 'test-label': 'from-host' }, host: { a: '1', 'test-label': 'from-host' } },
    },
    {
      name: 'both changed different keys → both applied',
      input: {
        virtualOld: { a: '1' },
        virtual: { a: '1', v: 'x' },
        hostOld: { a: '1' },
        host: { a: '1', h: 'y' },
      },
      want: { virtual: { a: '1', v: 'x', h: 'y' }, host: { a: '1', h: 'y', v: 'x' } },
    },
    {
      name: 'both changed the same key → virtual wins',
      input: { virtualOld: { a: '1' }, virtual: { a: 'v' }, hostOld: { a: '1' }, host: { a: 'h' } },
      want: { virtual: { a: 'v' }, host: { a: 'v' } },
    },
    {
      name: 'virtual removed, host changed the same key → removal wins',
      input: { virtualOld: { a: '1' }, virtual: {}, hostOld: { a: '1' }, host: { a: 'h' } },
      want: { virtual: {}, host: {} },
    },
    {
      name: 'host removed a key → removed on virtual',
      input: {
        virtualOld: { a: '1', b: '2' },
        virtual: { a: '1', b: '2' },
        hostOld: { a: '1', b: '2' },
        host: { a: '1' },
      },
      want: { virtual: { a: '1' }, host: { a: '1' } },
    },
    {
      name: 'first sight: virtual pushed, host-only keys kept',
      input: {
        virtualOld: undefined,
        virtual: { a: '1' },
        hostOld: undefined,
        host: { a: 'old', foreign: 'f' },
      },
      want: { virtual: { a: '1' }, host: { a: '1', foreign: 'f' } },
    },
    {
      name: 'unicode values flow both ways',
      input: { virtualOld: {}, virtual: { v: '🚀' }, hostOld: {}, host: { h: 'ñ' } },
      want: { virtual: { v: '🚀', h: 'ñ' }, host: { h: 'ñ', v: '🚀' } },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(mergeMaps(c.input, identity), c.want));

  const map = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('1', '2', '3'));
  it('converges: merging twice with the results as the new olds changes nothing', () => {
    fc.assert(
      fc.property(map, map, map, map, (virtualOld, virtual, hostOld, host) => {
        const first = mergeMaps({ virtualOld, virtual, hostOld, host }, identity);
        const second = mergeMaps(
          { virtualOld: first.virtual, virtual: first.virtual, hostOld: first.host, host: first.host },
          identity,
        );
        assert.deepEqual(second, first);
      }),
    );
  });
  it('after a merge, both sides agree on every key the virtual side changed', () => {
    fc.assert(
      fc.property(map, map, map, map, (virtualOld, virtual, hostOld, host) => {
        const got = mergeMaps({ virtualOld, virtual, hostOld, host }, identity);
        for (const [k] of diffMaps(virtualOld, virtual)) assert.equal(got.host[k], got.virtual[k]);
      }),
    );
  });
});

const ctx: NameContext = { vclusterName: 'vc1', hostNamespace: 'team-a' };

describe('mergeLabels', () => {
  it('hashes reserved keys, keeps markers, pulls host labels', () => {
    const got = mergeLabels(
      ctx,
      {
        virtualOld: { app: 'a' },
        virtual: { app: 'a', release: 'r' },
        hostOld: { app: 'a', 'vcluster.loft.sh/managed-by': 'vc1', 'vcluster.loft.sh/namespace': 'default' },
        host: {
          app: 'a',
          'vcluster.loft.sh/managed-by': 'tampered',
          'vcluster.loft.sh/namespace': 'default',
          'test-label': 'from-host',
        },
      },
      { virtualNamespace: 'default' },
    );
    assert.deepEqual(got.virtual, { app: 'a', release: 'r', 'test-label': 'from-host' });
    assert.deepEqual(got.host, {
      app: 'a',
      'vcluster.loft.sh/managed-by': 'vc1',
      'vcluster.loft.sh/namespace': 'default',
      'test-label': 'from-host',
      'vcluster.loft.sh/label-vc1-x-a4d451ec23': 'r',
    });
  });
});

describe('mergeLabels with namespace labels', () => {
  it('replaces every ns-label key on the host with the namespace labels of now', () => {
    const stale = 'vcluster.loft.sh/ns-label-vc1-x-0000000000';
    const got = mergeLabels(
      ctx,
      {
        virtualOld: { app: 'a' },
        virtual: { app: 'a' },
        hostOld: { app: 'a', [stale]: 'old' },
        host: { app: 'a', [stale]: 'old' },
      },
      { virtualNamespace: 'default', namespaceLabels: { team: 'x' } },
    );
    assert.equal(got.host[stale], undefined);
    assert.equal(got.host['vcluster.loft.sh/ns-label-vc1-x-ca8b22d0db'], 'x');
    assert.deepEqual(got.virtual, { app: 'a' });
  });
});

describe('mergeAnnotations', () => {
  it('never copies bookkeeping or excluded annotations and re-adds identity', () => {
    const got = mergeAnnotations(
      {
        virtualOld: {},
        virtual: { 'vcluster.loft.sh/object-name': 'spoof', keep: 'v' },
        hostOld: {},
        host: { 'vcluster.loft.sh/token-abcd1234': 'secret', fromHost: 'h' },
      },
      {
        identity: {
          gvk: GVK.ConfigMap,
          virtualName: 'cfg',
          virtualNamespace: 'default',
          hostName: 'cfg-x-default-x-vc1',
          hostNamespace: 'team-a',
        },
        excludePrefixes: ['vcluster.loft.sh/token-'],
      },
    );
    assert.deepEqual(got.virtual, { 'vcluster.loft.sh/object-name': 'spoof', keep: 'v', fromHost: 'h' });
    assert.equal(got.host['vcluster.loft.sh/object-name'], 'cfg');
    assert.equal(got.host.keep, 'v');
    assert.equal(got.host['vcluster.loft.sh/token-abcd1234'], 'secret');
  });
});

describe('mergeLabels properties', () => {
  const key = fc.constantFrom('app', 'tier', 'release', 'vcluster.loft.sh/managed-by', 'test-label');
  const labels = fc.dictionary(key, fc.constantFrom('1', '2', 'ñ'));
  it('reaches a fixpoint: merging again with the results as the olds changes nothing', () => {
    fc.assert(
      fc.property(labels, labels, labels, labels, (virtualOld, virtual, hostOld, host) => {
        const options = { virtualNamespace: 'default' };
        const first = mergeLabels(ctx, { virtualOld, virtual, hostOld, host }, options);
        const second = mergeLabels(
          ctx,
          { virtualOld: first.virtual, virtual: first.virtual, hostOld: first.host, host: first.host },
          options,
        );
        assert.deepEqual(second, first);
      }),
    );
  });
  it('the host always carries the real markers and never a raw reserved key from the tenant', () => {
    fc.assert(
      fc.property(labels, labels, (virtualOld, virtual) => {
        const got = mergeLabels(
          ctx,
          { virtualOld, virtual, hostOld: {}, host: {} },
          { virtualNamespace: 'default' },
        );
        assert.equal(got.host['vcluster.loft.sh/managed-by'], 'vc1');
        assert.equal(got.host['vcluster.loft.sh/namespace'], 'default');
        assert.equal(got.host.release, undefined);
      }),
    );
  });
});
