import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectCache } from './object-cache.js';
import type { KubeObject } from './translate/object.js';

const obj = (rv: string, labels?: Record<string, string>): KubeObject => ({
  metadata: { name: 'x', resourceVersion: rv, ...(labels ? { labels } : {}) },
});

describe('ObjectCache', () => {
  it('first sight: virtual old without labels at rv 1, host old = host', () => {
    const cache = new ObjectCache<KubeObject>();
    const got = cache.oldStates('default/x', obj('5', { a: '1' }), obj('7', { b: '2' }));
    assert.deepEqual(got, {
      virtualOld: { metadata: { name: 'x', resourceVersion: '1' } },
      hostOld: obj('7', { b: '2' }),
    });
  });
  it('remembers written states as copies', () => {
    const cache = new ObjectCache<KubeObject>();
    const written = obj('9', { a: '1' });
    cache.remember('default/x', written, undefined);
    written.metadata!.labels = { mutated: 'yes' };
    assert.deepEqual(cache.oldStates('default/x', obj('9'), undefined), {
      virtualOld: obj('9', { a: '1' }),
      hostOld: undefined,
    });
  });
  it('no objects, no olds', () =>
    assert.deepEqual(new ObjectCache().oldStates('k', undefined, undefined), {
      virtualOld: undefined,
      hostOld: undefined,
    }));
  it('prunes entries whose objects are gone', () => {
    const cache = new ObjectCache<KubeObject>();
    cache.remember('a', obj('1'), obj('1'));
    cache.remember('b', obj('1'), undefined);
    assert.equal(
      cache.prune((k) => k === 'a'),
      1,
    );
    assert.equal(cache.size, 1);
  });
});
