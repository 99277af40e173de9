import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostPodServiceAccountName, toHostServiceAccount } from './translate.js';
import { identity, markers, options, ownerRefs } from '../shared/testing.js';

describe('toHostServiceAccount', () => {
  it('drops secrets and pull secrets and disables automount', () => {
    const got = toHostServiceAccount(
      {
        metadata: { name: 'app', namespace: 'default', annotations: { 'eks.amazonaws.com/role-arn': 'arn' } },
        secrets: [{ name: 'x' }],
        imagePullSecrets: [{ name: 'y' }],
        automountServiceAccountToken: true,
      },
      options,
    );
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'app-x-default-x-my-vcluster',
        namespace: 'test-namespace',
        labels: markers('default'),
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn',
          'vcluster.loft.sh/managed-annotations': 'eks.amazonaws.com/role-arn',
          ...identity('ServiceAccount', 'app', 'default'),
        },
        ownerReferences: ownerRefs,
      },
      automountServiceAccountToken: false,
    });
  });
});

describe('hostPodServiceAccountName', () => {
  const cases = [
    { name: 'workload SA by default', sa: 'app', toHost: false, want: 'vc-workload-my-vcluster' },
    { name: 'translated SA when synced', sa: 'app', toHost: true, want: 'app-x-default-x-my-vcluster' },
    { name: 'empty SA means default', sa: '', toHost: true, want: 'default-x-default-x-my-vcluster' },
  ];
  for (const c of cases)
    it(c.name, () => assert.equal(hostPodServiceAccountName(options, c.sa, 'default', c.toHost), c.want));
});
