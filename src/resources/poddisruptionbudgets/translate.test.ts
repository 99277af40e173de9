import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodDisruptionBudget } from '../../k8s/types.js';
import { hashedLabelKey } from '../../syncer/translate/labels.js';
import { identity, markers, names, ownerRefs, options } from '../shared/testing.js';
import { toHostPodDisruptionBudget } from './translate.js';

const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'apps', uid: 'pdb-uid' },
  spec,
  status: { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2 },
});
const scope = markers('apps');

describe('toHostPodDisruptionBudget', () => {
  const cases: { name: string; spec: PodDisruptionBudget['spec']; want: PodDisruptionBudget['spec'] }[] = [
    {
      name: 'minAvailable, selector scoped to the namespace and the vcluster',
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      want: { minAvailable: 1, selector: { matchLabels: { app: 'web', ...scope } } },
    },
    {
      name: 'maxUnavailable as a percentage, expressions and a reserved key',
      spec: { maxUnavailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { release: 'r1' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } },
      want: {
        maxUnavailable: '50%',
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: { [hashedLabelKey(names, 'release')]: 'r1', ...scope }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      },
    },
    { name: 'no selector: selects nothing, stays so', spec: { minAvailable: 1 }, want: { minAvailable: 1 } },
  ];
  for (const c of cases)
    it(c.name, () => {
      const virtual = pdb(c.spec);
      const before = structuredClone(virtual);
      const host = toHostPodDisruptionBudget(virtual, options);
      assert.deepEqual(virtual, before, 'input not mutated');
      assert.deepEqual(host, {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: {
          name: 'web-x-apps-x-my-vcluster',
          namespace: 'test-namespace',
          labels: markers('apps'),
          annotations: identity('PodDisruptionBudget', 'web', 'apps', 'pdb-uid', 'policy'),
          ownerReferences: ownerRefs,
        },
        spec: c.want,
      });
    });
});
