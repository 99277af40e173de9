import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy } from '../../k8s/types.js';
import type { NetworkPolicyPeer } from '../../k8s/types.js';
import { parseLabelSelector } from '../../k8s/fake.js';
import { hashedLabelKey, namespaceLabelKey } from '../../syncer/translate/labels.js';
import { labelSelectorString, type LabelSelector } from '../../syncer/translate/selectors.js';
import { identity, names, ownerRefs, options } from '../shared/testing.js';
import { hostPeer, toHostNetworkPolicy } from './translate.js';

const MB = 'vcluster.loft.sh/managed-by';
const NS = 'vcluster.loft.sh/namespace';
const VC = names.vclusterName;

describe('toHostNetworkPolicy', () => {
  it('names, metadata, the policy podSelector scoped to the namespace, ports and policyTypes kept', () => {
    const virtual: NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'default', uid: 'np-uid', labels: { a: 'b' } },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'fe' } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 53, protocol: 'UDP', endPort: 54 }] }],
      },
    };
    const before = structuredClone(virtual);
    const host = toHostNetworkPolicy(virtual, options);
    assert.deepEqual(virtual, before, 'input not mutated');
    assert.deepEqual(host, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'deny-x-default-x-my-vcluster',
        namespace: 'test-namespace',
        labels: { a: 'b', [MB]: VC, [NS]: 'default' },
        annotations: identity('NetworkPolicy', 'deny', 'default', 'np-uid', 'networking.k8s.io'),
        ownerReferences: ownerRefs,
      },
      spec: {
        podSelector: { matchLabels: { app: 'web', [NS]: 'default', [MB]: VC } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'fe', [NS]: 'default', [MB]: VC } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 53, protocol: 'UDP', endPort: 54 }] }],
      },
    });
  });

  it('an empty podSelector selects every tenant pod of the namespace, no other pod', () => {
    const host = toHostNetworkPolicy({ metadata: { name: 'all', namespace: 'apps' }, spec: { podSelector: {} } }, options);
    assert.deepEqual(host.spec?.podSelector, { matchLabels: { [NS]: 'apps', [MB]: VC } });
  });
});

describe('hostPeer', () => {
  const cases: { name: string; peer: NetworkPolicyPeer; want: NetworkPolicyPeer }[] = [
    {
      name: 'podSelector only → pods of the policy namespace',
      peer: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] } },
      want: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }], matchLabels: { [NS]: 'default', [MB]: VC } } },
    },
    {
      name: 'reserved label keys are hashed as on pods',
      peer: { podSelector: { matchLabels: { release: 'x' } } },
      want: { podSelector: { matchLabels: { [hashedLabelKey(names, 'release')]: 'x', [NS]: 'default', [MB]: VC } } },
    },
    {
      name: 'namespaceSelector by name → the namespace label, no namespaceSelector on the host',
      peer: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } }, podSelector: { matchLabels: { app: 'db' } } },
      want: { podSelector: { matchLabels: { app: 'db', [NS]: 'other', [MB]: VC } } },
    },
    {
      name: 'namespaceSelector by name expression',
      peer: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } },
      want: { podSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['kube-system'] }], matchLabels: { [MB]: VC } } },
    },
    {
      name: 'namespaceSelector by another label → the ns-label key host pods carry',
      peer: { namespaceSelector: { matchLabels: { team: 'a' } } },
      want: { podSelector: { matchLabels: { [namespaceLabelKey(names, 'team')]: 'a', [MB]: VC } } },
    },
    {
      name: 'empty namespaceSelector → every tenant pod',
      peer: { namespaceSelector: {} },
      want: { podSelector: { matchLabels: { [MB]: VC } } },
    },
    { name: 'ipBlock kept', peer: { ipBlock: { cidr: '0.0.0.0/0' } }, want: { ipBlock: { cidr: '0.0.0.0/0' } } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(hostPeer(names, c.peer, 'default'), c.want));
});

describe('the host podSelector selects exactly the twins of the pods the virtual one selects', () => {
  // host pods as the pod syncer labels them: virtual labels + markers (+ ns-labels)
  const hostPods: { twin: string; labels: Record<string, string> }[] = [
    { twin: 'default/web-1', labels: { app: 'web', [MB]: VC, [NS]: 'default' } },
    { twin: 'default/web-2', labels: { app: 'web', [MB]: VC, [NS]: 'default' } },
    { twin: 'default/db', labels: { app: 'db', [MB]: VC, [NS]: 'default' } },
    { twin: 'other/web', labels: { app: 'web', [MB]: VC, [NS]: 'other' } },
    { twin: 'host pod not of the vcluster', labels: { app: 'web' } },
    { twin: 'another vcluster', labels: { app: 'web', [MB]: 'other-vc', [NS]: 'default' } },
  ];
  const matches = (selector: LabelSelector, labels: Record<string, string>): boolean =>
    parseLabelSelector(labelSelectorString(selector)).every((r) => r(labels));
  const host = toHostNetworkPolicy({ metadata: { name: 'p', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'web' } } } }, options);
  it('app=web in default → web-1 and web-2 only', () =>
    assert.deepEqual(hostPods.filter((p) => matches(host.spec?.podSelector ?? {}, p.labels)).map((p) => p.twin), ['default/web-1', 'default/web-2']));
});
