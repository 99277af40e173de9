import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../lib/errors.js';
import { candidateKeys, listPath, parseObjectArg } from './keys.js';

describe('parseObjectArg', () => {
  const cases = [
    { arg: 'configmap/web', want: { resource: 'configmaps', group: '', namespace: 'default', name: 'web' } },
    { arg: 'cm/team-a/web', want: { resource: 'configmaps', group: '', namespace: 'team-a', name: 'web' } },
    { arg: 'ConfigMaps/web', want: { resource: 'configmaps', group: '', namespace: 'default', name: 'web' } },
    { arg: 'deploy/web', want: { resource: 'deployments', group: 'apps', namespace: 'default', name: 'web' } },
    { arg: 'deployments.apps/web', want: { resource: 'deployments', group: 'apps', namespace: 'default', name: 'web' } },
    { arg: 'svc/kubernetes', want: { resource: 'services', group: '', namespace: 'default', name: 'kubernetes' } },
    { arg: 'networkpolicy/deny', want: { resource: 'networkpolicies', group: '', namespace: 'default', name: 'deny' } },
    { arg: 'widgets.example.com/w1', want: { resource: 'widgets', group: 'example.com', namespace: 'default', name: 'w1' } },
    { arg: 'namespace/kube-system', want: { resource: 'namespaces', group: '', namespace: 'default', name: 'kube-system' } },
  ];
  for (const c of cases) it(c.arg, () => assert.deepEqual(parseObjectArg(c.arg, 'default'), c.want));
  for (const bad of ['web', 'cm/', '/web', 'cm/a/b/c', 'cm/Web', 'cm/ns_1/web']) {
    it(`refuses "${bad}"`, () => assert.throws(() => parseObjectArg(bad, 'default'), UsageError));
  }
});

describe('candidateKeys and listPath', () => {
  const cases = [
    { arg: 'cm/web', keys: ['/registry/configmaps/default/web', '/registry/configmaps/web'], path: '/api/v1/namespaces/default/configmaps' },
    { arg: 'svc/web', keys: ['/registry/services/specs/default/web', '/registry/services/specs/web'], path: '/api/v1/namespaces/default/services' },
    { arg: 'node/n1', keys: ['/registry/minions/default/n1', '/registry/minions/n1'], path: '/api/v1/namespaces/default/nodes' },
    { arg: 'deploy/web', keys: ['/registry/deployments/default/web', '/registry/apps/deployments/default/web', '/registry/deployments/web', '/registry/apps/deployments/web'], path: '/apis/apps/v1/namespaces/default/deployments' },
    { arg: 'ingress/web', keys: ['/registry/ingress/default/web', '/registry/networking.k8s.io/ingresses/default/web', '/registry/ingress/web', '/registry/networking.k8s.io/ingresses/web'], path: '/apis/networking.k8s.io/v1/namespaces/default/ingresses' },
  ];
  for (const c of cases) {
    it(c.arg, () => {
      const t = parseObjectArg(c.arg, 'default');
      assert.deepEqual(candidateKeys(t), c.keys);
      assert.equal(listPath(t, 'v1', true), c.path);
    });
  }
});
