import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syncSwitches } from './switches.js';

describe('syncSwitches', () => {
  it('flattens enabled and all switches, leaving other fields out', () => {
    const sync = {
      toHost: { pods: { enabled: true, rewriteHosts: { enabled: false } }, configMaps: { enabled: true, all: false } },
      fromHost: { storageClasses: { enabled: 'auto' }, nodes: { enabled: false, selector: { all: true, labels: {} } } },
    };
    assert.deepEqual(syncSwitches(sync).map((s) => `${s.path}=${s.value}`), [
      'toHost.pods=true',
      'toHost.pods.rewriteHosts=false',
      'toHost.configMaps=true',
      'toHost.configMaps.all=false',
      'fromHost.storageClasses=auto',
      'fromHost.nodes=false',
      'fromHost.nodes.selector.all=true',
    ]);
  });
  for (const empty of [undefined, null, 'x', []]) it(`nothing for ${JSON.stringify(empty)}`, () => assert.deepEqual(syncSwitches(empty), []));
});
