import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IndexedCache } from './cache.js';
import type { KubeObject } from './types.js';

type Obj = KubeObject & { node?: string };
const o = (ns: string, name: string, rv = '1', node?: string): Obj => ({
  metadata: { namespace: ns || undefined, name, resourceVersion: rv },
  ...(node ? { node } : {}),
});

describe('IndexedCache', () => {
  it('keys namespaced and cluster-scoped objects like client-go', () => {
    const c = new IndexedCache<Obj>();
    c.upsert(o('ns', 'a'));
    c.upsert(o('', 'node-1'));
    assert.deepEqual(c.keys().sort(), ['node-1', 'ns/a']);
    assert.equal(c.get({ namespace: 'ns', name: 'a' })?.metadata?.name, 'a');
    assert.equal(c.get('node-1')?.metadata?.name, 'node-1');
  });

  it('moves an object between index values on update and forgets it on remove', () => {
    const c = new IndexedCache<Obj>({ node: (x) => (x.node ? [x.node] : []) });
    c.upsert(o('ns', 'p', '1', 'n1'));
    assert.deepEqual(c.byIndex('node', 'n1').length, 1);
    const old = c.upsert(o('ns', 'p', '2', 'n2'));
    assert.equal(old?.metadata?.resourceVersion, '1');
    assert.deepEqual(c.byIndex('node', 'n1'), []);
    assert.deepEqual(c.indexValues('node'), ['n2']);
    c.remove('ns/p');
    assert.deepEqual(c.byIndex('node', 'n2'), []);
    assert.deepEqual(c.indexValues('node'), []);
    assert.equal(c.size, 0);
  });

  it('lists by namespace', () => {
    const c = new IndexedCache<Obj>();
    for (const x of [o('a', '1'), o('a', '2'), o('b', '1')]) c.upsert(x);
    assert.deepEqual(
      c
        .list('a')
        .map((x) => x.metadata?.name)
        .sort(),
      ['1', '2'],
    );
    assert.equal(c.list().length, 3);
    assert.deepEqual(c.list('zzz'), []);
  });

  it('unknown index is an error', () =>
    assert.throws(() => new IndexedCache<Obj>().byIndex('nope', 'x'), RangeError));

  const replaceCases: { name: string; before: Obj[]; after: Obj[]; want: string[] }[] = [
    { name: 'from empty', before: [], after: [o('n', 'a')], want: ['add n/a'] },
    { name: 'unchanged rv: no delta', before: [o('n', 'a', '1')], after: [o('n', 'a', '1')], want: [] },
    {
      name: 'changed rv: update',
      before: [o('n', 'a', '1')],
      after: [o('n', 'a', '2')],
      want: ['update n/a 1->2'],
    },
    {
      name: 'missing: delete',
      before: [o('n', 'a'), o('n', 'b')],
      after: [o('n', 'b')],
      want: ['delete n/a'],
    },
  ];
  for (const c of replaceCases) {
    it(`replace: ${c.name}`, () => {
      const cache = new IndexedCache<Obj>();
      for (const x of c.before) cache.upsert(x);
      const got = cache
        .replace(c.after)
        .map((d) =>
          d.type === 'update'
            ? `update ${d.object.metadata?.namespace}/${d.object.metadata?.name} ${d.old.metadata?.resourceVersion}->${d.object.metadata?.resourceVersion}`
            : `${d.type} ${d.object.metadata?.namespace}/${d.object.metadata?.name}`,
        );
      assert.deepEqual(got, c.want);
      assert.equal(cache.size, c.after.length);
    });
  }
});
