import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VClusterError } from '../lib/errors.js';
import { accessReviews, assertRights, assertRunnableNode, defaultDriver, requiredRights, runnableNodes, type NodeFacts } from './preflight.js';

const node = (name: string, o: Partial<NodeFacts> = {}): NodeFacts => ({ name, labels: {}, annotations: {}, ready: true, unschedulable: false, ...o });
const kwok = (name: string): NodeFacts => node(name, { labels: { type: 'kwok' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } });
const real = (name: string, o: Partial<NodeFacts> = {}): NodeFacts => node(name, { labels: { 'vcluster-ts.io/node-type': 'real' }, ...o });

describe('defaultDriver', () => {
  const cases: { name: string; nodes: NodeFacts[]; want: 'local' | 'kubernetes' }[] = [
    { name: 'the embedded host with a Ready real node', nodes: [kwok('kwok-node-0'), real('10.201.3.2')], want: 'kubernetes' },
    { name: 'only kwok nodes (host up --real-nodes 0)', nodes: [kwok('kwok-node-0'), kwok('kwok-node-1')], want: 'local' },
    { name: 'the real node NotReady', nodes: [kwok('kwok-node-0'), real('10.201.3.2', { ready: false })], want: 'local' },
    { name: 'the real node cordoned', nodes: [real('10.201.3.2', { unschedulable: true })], want: 'local' },
    { name: 'another cluster: nodes without the label (our image may not be pullable there)', nodes: [node('worker-1')], want: 'local' },
    { name: 'no nodes', nodes: [], want: 'local' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(defaultDriver(c.nodes), c.want));
});

describe('runnableNodes and assertRunnableNode', () => {
  it('keeps Ready, schedulable, not simulated nodes', () => {
    const nodes = [kwok('k0'), real('r0'), node('w1'), node('w2', { ready: false }), node('w3', { unschedulable: true })];
    assert.deepEqual(runnableNodes(nodes).map((n) => n.name), ['r0', 'w1']);
  });
  const refused: { name: string; nodes: NodeFacts[]; message: RegExp }[] = [
    { name: 'all simulated', nodes: [kwok('kwok-node-0'), kwok('kwok-node-1')], message: /no node of host context "ctx" can run pod vc-0: kwok-node-0 \(simulated by kwok\), kwok-node-1 \(simulated by kwok\)/ },
    { name: 'NotReady and cordoned', nodes: [node('a', { ready: false }), node('b', { unschedulable: true })], message: /a \(NotReady\), b \(unschedulable\)/ },
    { name: 'no nodes', nodes: [], message: /it has no nodes/ },
  ];
  for (const c of refused) {
    it(`refuses: ${c.name}`, () => assert.throws(() => assertRunnableNode('ctx', 'vc-0', c.nodes), (e: unknown) => e instanceof VClusterError && c.message.test(e.message) && e.code === 'PRECONDITION'));
  }
  it('accepts one real node among kwok nodes', () => assertRunnableNode('ctx', 'vc-0', [kwok('k'), real('r')]));
});

describe('requiredRights', () => {
  const names = (rs: ReturnType<typeof requiredRights>): string[] => rs.map((r) => `${r.verb} ${r.group ? `${r.resource}.${r.group}` : r.resource}${r.namespaced ? '' : ' (cluster)'}`);
  const cases: { name: string; driver: 'local' | 'kubernetes'; createNamespace: boolean; embeddedHost: boolean; has: string[]; lacks: string[] }[] = [
    { name: 'local, namespace exists', driver: 'local', createNamespace: false, embeddedHost: false, has: ['create services', 'delete secrets', 'create configmaps'], lacks: ['create namespaces (cluster)', 'create statefulsets.apps'] },
    { name: 'local, new namespace', driver: 'local', createNamespace: true, embeddedHost: false, has: ['create namespaces (cluster)'], lacks: ['create statefulsets.apps'] },
    {
      name: 'kubernetes on another cluster',
      driver: 'kubernetes',
      createNamespace: false,
      embeddedHost: false,
      has: ['create statefulsets.apps', 'create roles.rbac.authorization.k8s.io', 'create clusterroles.rbac.authorization.k8s.io (cluster)', 'create pods/portforward'],
      lacks: ['create persistentvolumes (cluster)'],
    },
    { name: 'kubernetes on the embedded host', driver: 'kubernetes', createNamespace: false, embeddedHost: true, has: ['create persistentvolumes (cluster)'], lacks: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = names(requiredRights(c.driver, { createNamespace: c.createNamespace, embeddedHost: c.embeddedHost }));
      for (const h of c.has) assert.ok(got.includes(h), `${h} in ${got.join(', ')}`);
      for (const l of c.lacks) assert.ok(!got.includes(l), `${l} not in ${got.join(', ')}`);
    });
  }
});

describe('accessReviews and assertRights', () => {
  const rights = requiredRights('kubernetes', { createNamespace: true, embeddedHost: false });
  it('makes one review per right; subresources split; cluster rights without a namespace', () => {
    const list = accessReviews(rights, 'team') as { items: { spec: { resourceAttributes: Record<string, string> } }[] };
    assert.equal(list.items.length, rights.length);
    const attrs = list.items.map((i) => i.spec.resourceAttributes);
    assert.deepEqual(attrs.find((a) => a.subresource === 'portforward'), { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: 'team' });
    assert.deepEqual(attrs.find((a) => a.resource === 'namespaces' && a.verb === 'create'), { verb: 'create', group: '', resource: 'namespaces' });
  });
  it('passes when every right is allowed', () => assertRights('ctx', 'team', rights, rights.map(() => true)));
  it('names every denied right', () => {
    const allowed = rights.map((r) => r.resource !== 'statefulsets' && !(r.resource === 'namespaces' && r.verb === 'create'));
    assert.throws(
      () => assertRights('ctx', 'team', rights, allowed),
      (e: unknown) =>
        e instanceof VClusterError &&
        /may not create namespaces \(cluster-wide\); create statefulsets\.apps in namespace team; delete statefulsets\.apps in namespace team; patch statefulsets\.apps in namespace team$/.test(e.message),
    );
  });
  it('treats a missing answer as denied', () => assert.throws(() => assertRights('ctx', 'team', rights, []), VClusterError));
});
