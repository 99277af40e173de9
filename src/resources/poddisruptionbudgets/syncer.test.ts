import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodDisruptionBudget, TypedObject } from '../../k8s/types.js';
import { toHostCases } from '../shared/sync-harness.js';
import { createPodDisruptionBudgetSyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const scope = { 'vcluster.loft.sh/namespace': 'default', 'vcluster.loft.sh/managed-by': 'vc1' };

const budget: PodDisruptionBudget & TypedObject = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default', uid: 'pdb-uid' },
  spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
};

describe('poddisruptionbudgets syncer', () => {
  for (const c of toHostCases<PodDisruptionBudget>({
    syncer: createPodDisruptionBudgetSyncer(),
    names,
    virtual: budget,
    hostKey: { namespace: 'team-a', name: 'web-x-default-x-vc1' },
    checkHost: (host) => assert.deepEqual(host.spec, { minAvailable: 1, selector: { matchLabels: { app: 'web', ...scope } } }),
    editVirtual: (v) => ({ ...v, spec: { maxUnavailable: '25%', selector: v.spec?.selector ?? {} } }),
    checkEdited: (host) => assert.deepEqual(host.spec, { maxUnavailable: '25%', selector: { matchLabels: { app: 'web', ...scope } } }),
  }))
    it(c.name, c.run);
});
