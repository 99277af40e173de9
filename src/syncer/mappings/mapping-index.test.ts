import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MappingIndex } from './mapping-index.js';
import type { NameMapping } from './mapping.js';
import { GVK } from '../translate/gvk.js';

const podA: NameMapping = {
  gvk: GVK.Pod,
  virtual: { namespace: 'default', name: 'a' },
  host: { namespace: 'h', name: 'a-x-default-x-vc' },
};
const podB: NameMapping = {
  gvk: GVK.Pod,
  virtual: { namespace: 'default', name: 'b' },
  host: { namespace: 'h', name: 'b-x-default-x-vc' },
};
const cfg: NameMapping = {
  gvk: GVK.ConfigMap,
  virtual: { namespace: 'default', name: 'cfg' },
  host: { namespace: 'h', name: 'cfg-x-default-x-vc' },
};

describe('MappingIndex', () => {
  it('looks names up both ways', () => {
    const index = new MappingIndex('me');
    index.ensure(podA);
    assert.deepEqual(index.virtualToHost(GVK.Pod, podA.virtual), podA.host);
    assert.deepEqual(index.hostToVirtual(GVK.Pod, podA.host), podA.virtual);
    assert.equal(index.hostToVirtual(GVK.Secret, podA.host), undefined, 'kinds are separate');
  });

  it('tracks references: a configmap is referenced while some pod references it', () => {
    const index = new MappingIndex('me');
    assert.equal(index.addReference(podA, cfg).changed, true);
    assert.equal(index.addReference(podA, cfg).changed, false, 'idempotent');
    index.addReference(podB, cfg);
    assert.deepEqual(
      index
        .referencesTo(GVK.ConfigMap, cfg.virtual)
        .map((m) => m.virtual.name)
        .sort(),
      ['a', 'b'],
    );
    index.remove(GVK.Pod, podA.virtual);
    assert.equal(index.referencesTo(GVK.ConfigMap, cfg.virtual).length, 1);
    assert.equal(index.setReferences(podB, []).changed, true);
    assert.equal(index.referencesTo(GVK.ConfigMap, cfg.virtual).length, 0);
  });

  it('an object does not reference itself', () => {
    const index = new MappingIndex('me');
    index.addReference(cfg, cfg);
    assert.equal(index.referencesTo(GVK.ConfigMap, cfg.virtual).length, 0);
  });

  it('stamps its sender on what it writes', () =>
    assert.equal(new MappingIndex('me').ensure(podA).mapping.sender, 'me'));

  const conflicts: { name: string; second: NameMapping }[] = [
    { name: 'host name taken by another virtual object', second: { ...podB, host: podA.host } },
    {
      name: 'virtual object moved to another host name',
      second: { ...podA, host: { namespace: 'h', name: 'other' } },
    },
  ];
  for (const c of conflicts) {
    it(`refuses conflicts: ${c.name}`, () => {
      const index = new MappingIndex('me');
      index.ensure(podA);
      assert.throws(() => index.ensure(c.second), { name: 'SyncError' });
    });
  }
});
