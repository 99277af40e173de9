import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  hostLabelSelector,
  hostNamespaceSelector,
  scopeSelector,
  scopeSelectorToNamespaces,
  type LabelSelector,
} from './selectors.js';
import type { NameContext } from './names.js';

const ctx: NameContext = { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' };

describe('selector translation', () => {
  const cases: { name: string; got: () => LabelSelector; want: LabelSelector }[] = [
    {
      name: 'plain keys unchanged',
      got: () =>
        hostLabelSelector(ctx, {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
        }),
      want: {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
      },
    },
    {
      name: 'reserved keys hashed in labels and expressions',
      got: () =>
        hostLabelSelector(ctx, {
          matchLabels: { release: 'r' },
          matchExpressions: [{ key: 'vcluster.loft.sh/managed-by', operator: 'Exists' }],
        }),
      want: {
        matchLabels: { 'vcluster.loft.sh/label-my-vcluster-x-a4d451ec23': 'r' },
        matchExpressions: [{ key: 'vcluster.loft.sh/label-my-vcluster-x-e5f1b28ab2', operator: 'Exists' }],
      },
    },
    {
      name: 'empty selector stays empty',
      got: () => hostLabelSelector(ctx, {}),
      want: {},
    },
    {
      name: 'namespace selector becomes ns-label pod selector',
      got: () => hostNamespaceSelector(ctx, { matchLabels: { team: 'a' } }),
      want: { matchLabels: { 'vcluster.loft.sh/ns-label-my-vcluster-x-ca8b22d0db': 'a' } },
    },
    {
      name: 'scoping adds namespace and managed-by',
      got: () => scopeSelector(ctx, { matchLabels: { app: 'web' } }, 'default'),
      want: {
        matchLabels: {
          app: 'web',
          'vcluster.loft.sh/namespace': 'default',
          'vcluster.loft.sh/managed-by': 'my-vcluster',
        },
      },
    },
    {
      name: 'scoping cannot be overridden by a tenant value',
      got: () => scopeSelector(ctx, { matchLabels: { 'vcluster.loft.sh/managed-by': 'other' } }, 'default'),
      want: {
        matchLabels: {
          'vcluster.loft.sh/managed-by': 'my-vcluster',
          'vcluster.loft.sh/namespace': 'default',
        },
      },
    },
    {
      name: 'several namespaces become an In expression (order kept)',
      got: () => scopeSelectorToNamespaces(ctx, { matchLabels: { app: 'web' } }, ['b', 'a']),
      want: {
        matchLabels: { app: 'web', 'vcluster.loft.sh/managed-by': 'my-vcluster' },
        matchExpressions: [{ key: 'vcluster.loft.sh/namespace', operator: 'In', values: ['b', 'a'] }],
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));
});
