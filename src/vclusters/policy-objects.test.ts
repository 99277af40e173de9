import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, type Config } from '../config/index.js';
import { limitRange, networkPolicy, policyObjects, resourceQuota } from './policy-objects.js';

function withPolicies(edit: (p: Config['policies']) => void): Config {
  const c = defaultConfig();
  edit(c.policies);
  return c;
}

describe('policyObjects', () => {
  const cases: { name: string; config: Config; want: string[] }[] = [
    {
      name: 'all three by default',
      config: defaultConfig(),
      want: ['ResourceQuota vc-vc1', 'LimitRange vc-vc1', 'NetworkPolicy vc-vc1'],
    },
    {
      name: 'auto means on',
      config: withPolicies((p) => {
        p.resourceQuota.enabled = 'auto';
        p.limitRange.enabled = 'auto';
      }),
      want: ['ResourceQuota vc-vc1', 'LimitRange vc-vc1', 'NetworkPolicy vc-vc1'],
    },
    {
      name: 'resourceQuota.enabled=false turns only the quota off',
      config: withPolicies((p) => (p.resourceQuota.enabled = false)),
      want: ['LimitRange vc-vc1', 'NetworkPolicy vc-vc1'],
    },
    {
      name: 'limitRange.enabled=false turns only the limit range off',
      config: withPolicies((p) => (p.limitRange.enabled = false)),
      want: ['ResourceQuota vc-vc1', 'NetworkPolicy vc-vc1'],
    },
    {
      name: 'networkPolicy.enabled=false turns only the network policy off',
      config: withPolicies((p) => (p.networkPolicy.enabled = false)),
      want: ['ResourceQuota vc-vc1', 'LimitRange vc-vc1'],
    },
    {
      name: 'all off',
      config: withPolicies((p) => {
        p.resourceQuota.enabled = false;
        p.limitRange.enabled = false;
        p.networkPolicy.enabled = false;
      }),
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const objects = policyObjects('vc1', 'team-a', c.config);
      assert.deepEqual(
        objects.map((o) => `${o.kind} ${o.metadata.name}`),
        c.want,
      );
      for (const o of objects) {
        assert.equal(o.metadata.namespace, 'team-a');
        assert.deepEqual(o.metadata.labels, { app: 'vcluster', release: 'vc1' }, 'removed with the vcluster');
      }
    });
  }
});

describe('resourceQuota', () => {
  it('takes vCluster\'s default quota, every value a string', () => {
    assert.deepEqual(resourceQuota('vc1', 'team-a', defaultConfig().policies.resourceQuota.quota), {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'vc-vc1', namespace: 'team-a', labels: { app: 'vcluster', release: 'vc1' } },
      spec: {
        hard: {
          'requests.cpu': '10',
          'requests.memory': '20Gi',
          'requests.storage': '100Gi',
          'requests.ephemeral-storage': '60Gi',
          'limits.cpu': '20',
          'limits.memory': '40Gi',
          'limits.ephemeral-storage': '160Gi',
          'services.nodeports': '0',
          'services.loadbalancers': '1',
          'count/endpoints': '40',
          'count/pods': '20',
          'count/services': '20',
          'count/secrets': '100',
          'count/configmaps': '100',
          'count/persistentvolumeclaims': '20',
        },
      },
    });
  });
});

describe('limitRange', () => {
  const cases: { name: string; min: Record<string, string>; max: Record<string, string | number>; extra: Record<string, unknown> }[] = [
    { name: 'defaults: no min or max', min: {}, max: {}, extra: {} },
    { name: 'with min and max', min: { cpu: '10m' }, max: { cpu: 2 }, extra: { min: { cpu: '10m' }, max: { cpu: '2' } } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const lr = defaultConfig().policies.limitRange;
      assert.deepEqual(limitRange('vc1', 'team-a', { ...lr, min: c.min, max: c.max }).spec, {
        limits: [
          {
            type: 'Container',
            default: { 'ephemeral-storage': '8Gi', memory: '512Mi', cpu: '1' },
            defaultRequest: { 'ephemeral-storage': '3Gi', memory: '128Mi', cpu: '100m' },
            ...c.extra,
          },
        ],
      });
    });
  }
});

describe('networkPolicy', () => {
  it('selects the vcluster\'s pods; lets in and out only them and its control plane', () => {
    const peers = [
      { podSelector: { matchLabels: { 'vcluster.loft.sh/managed-by': 'vc1' } } },
      { podSelector: { matchLabels: { app: 'vcluster', release: 'vc1' } } },
    ];
    assert.deepEqual(networkPolicy('vc1', 'team-a').spec, {
      podSelector: { matchLabels: { 'vcluster.loft.sh/managed-by': 'vc1' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: peers }],
      egress: [{ to: peers }],
    });
  });
  it('has no namespaceSelector, so no peer outside the host namespace matches', () => {
    assert.doesNotMatch(JSON.stringify(networkPolicy('vc1', 'team-a')), /namespaceSelector|ipBlock/);
  });
});
