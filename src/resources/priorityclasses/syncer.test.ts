import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kinds, type PriorityClass, type TypedObject } from '../../k8s/types.js';
import { startSyncHarness, toHostCases } from '../shared/sync-harness.js';
import { createPriorityClassSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const hostScope = { labelSelector: 'vcluster.loft.sh/managed-by=team-a-x-vc1' };
const pc = (name: string, value: number): PriorityClass & TypedObject => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name, uid: `${name}-uid` },
  value,
  description: 'tenant batch jobs',
});

describe('priorityclasses syncer', () => {
  for (const c of toHostCases<PriorityClass>({
    syncer: createPriorityClassSyncer(),
    names,
    hostScope,
    virtual: pc('high-priority', 1000),
    hostKey: { name: 'vcluster-high-priority-x-team-a-x-vc1' },
    checkHost: (host) => {
      assert.equal(host.value, 1000);
      assert.equal(host.globalDefault, false);
      assert.equal(host.metadata?.labels?.['vcluster.loft.sh/managed-by'], 'team-a-x-vc1');
    },
    editVirtual: (v) => ({ ...v, description: 'changed' }),
    checkEdited: (host) => assert.equal(host.description, 'changed'),
  }))
    it(c.name, c.run);

  it('never syncs the system classes', async () => {
    const harness = await startSyncHarness(createPriorityClassSyncer(), { names, hostScope, virtualObjects: [pc('system-node-critical', 2000001000), pc('low', 1)] });
    try {
      await harness.until('the class synced', () => assert.ok(harness.host.peek(Kinds.PriorityClass, { name: 'vcluster-low-x-team-a-x-vc1' })));
      assert.equal(harness.host.peek(Kinds.PriorityClass, { name: 'vcluster-system-node-critical-x-team-a-x-vc1' }), undefined);
    } finally {
      await harness.stop();
    }
  });
});
