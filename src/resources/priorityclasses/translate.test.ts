import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PriorityClass } from '../../k8s/types.js';
import { options } from '../shared/testing.js';
import { isSystemPriorityClass, toHostPriorityClass } from './translate.js';

const pc = (name: string, extra: Partial<PriorityClass> = {}): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name, uid: 'pc-uid', labels: { tier: 'a' } },
  value: 1000,
  ...extra,
});
const HOST_NAME = 'vcluster-high-priority-x-test-namespace-x-my-vcluster';
const meta = {
  name: HOST_NAME,
  labels: { tier: 'a', 'vcluster.loft.sh/managed-by': 'test-namespace-x-my-vcluster' },
  annotations: {
    'vcluster.loft.sh/object-name': 'high-priority',
    'vcluster.loft.sh/object-uid': 'pc-uid',
    'vcluster.loft.sh/object-kind': 'scheduling.k8s.io/v1, Kind=PriorityClass',
    'vcluster.loft.sh/object-host-name': HOST_NAME,
  },
};

describe('toHostPriorityClass', () => {
  const cases: { name: string; virtual: PriorityClass; want: Partial<PriorityClass> }[] = [
    { name: 'value, description, preemptionPolicy copied', virtual: pc('high-priority', { description: 'd', preemptionPolicy: 'Never' }), want: { value: 1000, description: 'd', preemptionPolicy: 'Never' } },
    { name: 'never the host global default', virtual: pc('high-priority', { globalDefault: true }), want: { value: 1000 } },
    { name: 'value capped at 1e9', virtual: pc('high-priority', { value: 2_000_000_000 }), want: { value: 1_000_000_000 } },
  ];
  for (const c of cases)
    it(c.name, () => {
      const before = structuredClone(c.virtual);
      assert.deepEqual(toHostPriorityClass(c.virtual, options), { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta, globalDefault: false, ...c.want });
      assert.deepEqual(c.virtual, before, 'input not mutated');
    });
  it('the system classes are the host’s own', () => {
    assert.equal(isSystemPriorityClass('system-node-critical'), true);
    assert.equal(isSystemPriorityClass('high-priority'), false);
  });
});
