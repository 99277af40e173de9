import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAlreadyExists, isConflict, isGone, isNotFound } from './errors.js';
import { FakeKubeClient, parseLabelSelector, pluralOf, strategicPatch } from './fake.js';
import { Informer, InformerFactory, listWatchSource } from './informer.js';
import {
  Kinds,
  type ConfigMap,
  type NewObject,
  type Pod,
  type TypedObject,
  type WatchEvent,
} from './types.js';

const cm = (name: string, ns = 'default', labels: Record<string, string> = {}): TypedObject & ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data: { k: 'v' },
});
const pod = (name: string): TypedObject & Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    containers: [
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:1' },
    ],
  },
});

describe('FakeKubeClient', () => {
  it('create sets uid, resourceVersion, creationTimestamp; AlreadyExists and NotFound have real messages', async () => {
    const c = new FakeKubeClient({ now: () => '2026-01-01T00:00:00Z' });
    const created = await c.create(cm('a'));
    assert.match(created.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(created.metadata.resourceVersion, '1');
    assert.equal(created.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
    await assert.rejects(
      c.create(cm('a')),
      (e: unknown) => isAlreadyExists(e) && (e as Error).message === 'configmaps "a" already exists',
    );
    await assert.rejects(
      c.get(Kinds.ConfigMap, { namespace: 'default', name: 'zz' }),
      (e: unknown) => isNotFound(e) && (e as Error).message === 'configmaps "zz" not found',
    );
    const gen: NewObject = await c.create({
      ...cm(''),
      metadata: { generateName: 'x-', namespace: 'default' },
    });
    assert.match(gen.metadata.name ?? '', /^x-.{5}$/);
  });

  it('update is conditional on resourceVersion and keeps status for status kinds', async () => {
    const c = new FakeKubeClient();
    const p = await c.create(pod('p'));
    const withStatus = await c.updateStatus({ ...p, status: { phase: 'Running' } });
    assert.equal(withStatus.status?.phase, 'Running');
    await assert.rejects(c.update({ ...p, spec: { containers: [] } }), (e: unknown) => isConflict(e));
    const updated = await c.update({
      ...withStatus,
      status: { phase: 'Failed' },
      metadata: { ...withStatus.metadata, labels: { x: 'y' } },
    });
    assert.equal(updated.status?.phase, 'Running', 'update ignores status');
    assert.equal(updated.metadata.labels?.x, 'y');
    const unconditional = await c.update({
      ...updated,
      metadata: { ...updated.metadata, resourceVersion: undefined },
    });
    assert.notEqual(unconditional.metadata.resourceVersion, updated.metadata.resourceVersion);
  });

  it('patches: merge, strategic by name, status subresource', async () => {
    const c = new FakeKubeClient();
    await c.create(pod('p'));
    const key = { namespace: 'default', name: 'p' };
    const s = await c.patch<Pod>(
      Kinds.Pod,
      key,
      { spec: { containers: [{ name: 'b', image: 'b:2' }] } },
      { type: 'strategic' },
    );
    assert.deepEqual(
      s.spec?.containers.map((x) => x.image),
      ['a:1', 'b:2'],
    );
    const m = await c.patch<Pod>(
      Kinds.Pod,
      key,
      { metadata: { labels: { l: '1' } }, status: { phase: 'X' } },
      { type: 'merge' },
    );
    assert.equal(m.metadata?.labels?.l, '1');
    assert.equal(m.status, undefined, 'main resource patch ignores status');
    const st = await c.patch<Pod>(
      Kinds.Pod,
      key,
      { status: { phase: 'Running' } },
      { type: 'merge', subresource: 'status' },
    );
    assert.equal(st.status?.phase, 'Running');
    assert.equal(st.metadata?.labels?.l, '1');
  });

  it('delete honours finalizers and preconditions', async () => {
    const c = new FakeKubeClient();
    const obj = await c.create({ ...cm('f'), metadata: { ...cm('f').metadata, finalizers: ['x/y'] } });
    await assert.rejects(
      c.delete(Kinds.ConfigMap, { namespace: 'default', name: 'f' }, { preconditions: { uid: 'other' } }),
      (e: unknown) => isConflict(e),
    );
    await c.delete(Kinds.ConfigMap, { namespace: 'default', name: 'f' });
    const marked = await c.get<ConfigMap>(Kinds.ConfigMap, { namespace: 'default', name: 'f' });
    assert.ok(marked.metadata?.deletionTimestamp);
    await c.patch(
      Kinds.ConfigMap,
      { namespace: 'default', name: 'f' },
      { metadata: { finalizers: null } },
      { type: 'merge' },
    );
    assert.equal(
      c.peek(Kinds.ConfigMap, { namespace: 'default', name: 'f' }),
      undefined,
      'gone once finalizers are removed',
    );
    assert.ok(obj.metadata.uid);
  });

  it('lists with label and field selectors; cluster-scoped kinds ignore namespaces', async () => {
    const c = new FakeKubeClient({
      objects: [
        cm('a', 'n1', { app: 'x', tier: 'web' }),
        cm('b', 'n1', { app: 'y' }),
        cm('c', 'n2', { app: 'x' }),
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } },
      ],
    });
    const names = async (opts: Parameters<FakeKubeClient['list']>[1]): Promise<string[]> =>
      (await c.list(Kinds.ConfigMap, opts)).items.map((i) => i.metadata?.name ?? '').sort();
    assert.deepEqual(await names({ labelSelector: 'app=x' }), ['a', 'c']);
    assert.deepEqual(await names({ namespace: 'n1', labelSelector: 'app in (x,y),!tier' }), ['b']);
    assert.deepEqual(await names({ fieldSelector: 'metadata.name!=a,metadata.namespace=n1' }), ['b']);
    assert.equal(
      (await c.get(Kinds.Node, { namespace: 'ignored', name: 'node-1' })).metadata?.namespace,
      undefined,
    );
    assert.equal(await c.isNamespaced(Kinds.Node), false);
  });

  it('records actions and injects errors', async () => {
    let fail = true;
    const c = new FakeKubeClient({
      inject: (a) => (a.verb === 'create' && fail ? new Error('injected') : undefined),
    });
    await assert.rejects(c.create(cm('a')), /injected/);
    fail = false;
    await c.create(cm('a'));
    await c.get(Kinds.ConfigMap, { namespace: 'default', name: 'a' });
    assert.deepEqual(c.writes(), [
      { verb: 'create', kind: 'ConfigMap', namespace: 'default', name: 'a' },
      { verb: 'create', kind: 'ConfigMap', namespace: 'default', name: 'a' },
    ]);
    assert.equal(c.actions.length, 3);
  });

  it('watch replays from a resourceVersion and streams; the real Informer runs on it', async () => {
    const c = new FakeKubeClient({ objects: [cm('a')] });
    const informer = new Informer<ConfigMap>({
      source: listWatchSource<ConfigMap>(c, Kinds.ConfigMap, { namespace: 'default' }),
    });
    const seen: string[] = [];
    informer.addHandlers({
      onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
      onUpdate: (_, o) => seen.push(`update ${o.metadata?.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
    });
    const ac = new AbortController();
    const running = informer.start(ac.signal);
    await informer.ready();
    await c.create(cm('b'));
    await c.create(cm('other-ns', 'elsewhere'));
    await c.patch(
      Kinds.ConfigMap,
      { namespace: 'default', name: 'a' },
      { data: { k: 'w' } },
      { type: 'merge' },
    );
    await c.delete(Kinds.ConfigMap, { namespace: 'default', name: 'b' });
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await running;
    assert.deepEqual(seen, ['add a', 'add b', 'update a', 'delete b']);
    assert.deepEqual(informer.keys(), ['default/a']);

    const replayed: string[] = [];
    const stop = new AbortController();
    const w = c.watch<ConfigMap>(
      Kinds.ConfigMap,
      { namespace: 'default', resourceVersion: '1' },
      (e: WatchEvent<ConfigMap>) => replayed.push(e.type),
      stop.signal,
    );
    stop.abort();
    await w;
    assert.deepEqual(replayed, ['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('a watch from before its history is 410 Gone', async () => {
    const c = new FakeKubeClient();
    for (let i = 0; i < 10_005; i++) await c.create(cm(`x${i}`));
    await assert.rejects(
      c.watch(Kinds.ConfigMap, { resourceVersion: '2' }, () => undefined, new AbortController().signal),
      (e: unknown) => isGone(e),
    );
  });
});

describe('InformerFactory over the fake client', () => {
  it('shares one informer per kind and scope, starts late ones, waits for sync', async () => {
    const c = new FakeKubeClient({ objects: [cm('a', 'n1'), cm('b', 'n2'), pod('p')] });
    const factory = new InformerFactory(c);
    const n1 = factory.informerFor<ConfigMap>(Kinds.ConfigMap, { namespace: 'n1' });
    assert.equal(factory.informerFor(Kinds.ConfigMap, { namespace: 'n1' }), n1);
    assert.notEqual(factory.informerFor(Kinds.ConfigMap, { namespace: 'n2' }), n1);
    const ac = new AbortController();
    const running = factory.start(ac.signal);
    await factory.waitForSync();
    const pods = factory.informerFor<Pod>(
      Kinds.Pod,
      {},
      { node: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    );
    await pods.ready();
    await c.createSubresource(Kinds.Pod, { namespace: 'default', name: 'p' }, 'binding', {
      target: { name: 'node-1' },
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(n1.keys(), ['n1/a']);
    assert.deepEqual(
      pods.byIndex('node', 'node-1').map((p) => p.metadata?.name),
      ['p'],
    );
    ac.abort();
    await running;
  });
});

describe('fake helpers', () => {
  const plurals: [string, string][] = [
    ['Pod', 'pods'],
    ['Endpoints', 'endpoints'],
    ['Ingress', 'ingresses'],
    ['NetworkPolicy', 'networkpolicies'],
    ['ConfigMap', 'configmaps'],
  ];
  for (const [kind, want] of plurals) it(`pluralOf(${kind})`, () => assert.equal(pluralOf(kind), want));

  it('strategicPatch merges conditions by type', () => {
    const got = strategicPatch(
      {
        status: {
          conditions: [
            { type: 'Ready', status: 'False' },
            { type: 'X', status: 'True' },
          ],
        },
      },
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    );
    assert.deepEqual(got, {
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'X', status: 'True' },
        ],
      },
    });
  });
  const selectors: { sel: string; labels: Record<string, string>; want: boolean }[] = [
    { sel: 'a=b', labels: { a: 'b' }, want: true },
    { sel: 'a==b', labels: { a: 'c' }, want: false },
    { sel: 'a!=b', labels: {}, want: true },
    { sel: 'a', labels: { a: '' }, want: true },
    { sel: '!a', labels: { a: '' }, want: false },
    { sel: 'a in (x, y),b notin (z)', labels: { a: 'y', b: 'q' }, want: true },
    { sel: 'a notin (x)', labels: {}, want: true },
  ];
  for (const s of selectors) {
    it(`selector ${s.sel} on ${JSON.stringify(s.labels)}`, () =>
      assert.equal(
        parseLabelSelector(s.sel).every((r) => r(s.labels)),
        s.want,
      ));
  }
});
