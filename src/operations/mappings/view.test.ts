import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMapping } from '../../syncer/mappings/mapping.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { mappingsTable, toMappingRows } from './view.js';

describe('mappings view', () => {
  const value = encodeMapping({
    gvk: GVK.Pod,
    virtual: { namespace: 'default', name: 'web' },
    host: { namespace: 'ns', name: 'web-x-default-x-vc' },
    sender: 's',
    references: [{ gvk: GVK.ConfigMap, virtual: { namespace: 'default', name: 'cfg' }, host: { namespace: 'ns', name: 'cfg-x-default-x-vc' } }],
  });
  const rows = toMappingRows([
    { key: '/vcluster/mappings/v1/pod/default/web', revision: 7, value },
    { key: '/vcluster/mappings/v1/pod/default/bad', revision: 8, value: '{' },
  ]);
  it('decodes a mapping with its references', () => {
    assert.deepEqual(mappingsTable(rows)[0], ['Pod.v1', 'default/web', 'ns/web-x-default-x-vc', 'ConfigMap:default/cfg→ns/cfg-x-default-x-vc', '7']);
  });
  it('shows an unreadable value instead of failing', () => {
    assert.equal(rows[1]?.error !== undefined, true);
    assert.match(mappingsTable(rows)[1]![3]!, /^\(unreadable: decode mapping/);
  });
});
