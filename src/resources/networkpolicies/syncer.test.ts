import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy, TypedObject } from '../../k8s/types.js';
import { toHostCases } from '../shared/sync-harness.js';
import { createNetworkPolicySyncer } from './syncer.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
const scope = { 'vcluster.loft.sh/namespace': 'default', 'vcluster.loft.sh/managed-by': 'vc1' };

const policy: NetworkPolicy & TypedObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'web-ingress', namespace: 'default', uid: 'np-uid' },
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }, { ipBlock: { cidr: '192.168.0.0/16' } }] }],
  },
};

describe('networkpolicies syncer', () => {
  for (const c of toHostCases<NetworkPolicy>({
    syncer: createNetworkPolicySyncer(),
    names,
    virtual: policy,
    hostKey: { namespace: 'team-a', name: 'web-ingress-x-default-x-vc1' },
    checkHost: (host) => {
      assert.deepEqual(host.spec?.podSelector, { matchLabels: { app: 'web', ...scope } });
      assert.deepEqual(host.spec?.ingress?.[0]?.from, [{ podSelector: { matchLabels: { role: 'frontend', ...scope } } }, { ipBlock: { cidr: '192.168.0.0/16' } }]);
    },
    editVirtual: (v) => ({ ...v, spec: { ...v.spec, podSelector: { matchLabels: { app: 'api' } } } }),
    checkEdited: (host) => assert.deepEqual(host.spec?.podSelector, { matchLabels: { app: 'api', ...scope } }),
  }))
    it(c.name, c.run);
});
