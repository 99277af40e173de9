import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../lib/clock.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import type { DeleteOptions } from './client.js';
import { deleteAllOf, deleteObject, waitUntilGone } from './delete.js';
import { isNotFound } from './errors.js';
import { FakeKubeClient, statusError } from './fake.js';
import { Kinds, type ObjectKey, type ResourceType, type TypedObject } from './types.js';

/** A FakeKubeClient that also keeps the options of every delete. */
class SpyClient extends FakeKubeClient {
  readonly deleteOptions: DeleteOptions[] = [];
  override delete(type: ResourceType, key: ObjectKey, options: DeleteOptions = {}): Promise<void> {
    this.deleteOptions.push(options);
    return super.delete(type, key, options);
  }
}

const obj = (kind: 'ConfigMap' | 'Secret' | 'Pod', name: string, extra: { namespace?: string; labels?: Record<string, string>; finalizers?: string[] } = {}): TypedObject => ({
  apiVersion: 'v1',
  kind,
  metadata: {
    name,
    namespace: extra.namespace ?? 'team',
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.finalizers ? { finalizers: extra.finalizers } : {}),
  },
});

const trace = (c: FakeKubeClient): string[] => c.actions.map((a) => `${a.verb} ${a.kind} ${a.namespace ? `${a.namespace}/` : ''}${a.name ?? ''}`.trim());

/** Lets pending promise chains run, then moves the fake clock on. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  await new Promise((r) => setImmediate(r));
  clock.advance(ms);
  await new Promise((r) => setImmediate(r));
}

/** Drives the clock until `p` settles (at most `steps` times `stepMs`); returns how it settled. */
async function settle<T>(clock: FakeClock, p: Promise<T>, stepMs = 250, steps = 100): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  p.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  for (let i = 0; i < steps && !outcome; i++) await advance(clock, stepMs);
  await new Promise((r) => setImmediate(r));
  assert.ok(outcome, 'settled');
  return outcome;
}

const removeFinalizers = (c: FakeKubeClient, type: ResourceType, key: ObjectKey): Promise<unknown> =>
  c.patch(type, key, { metadata: { finalizers: [] } }, { type: 'merge' });

describe('deleteObject', () => {
  const cm = { namespace: 'team', name: 'a' };

  it('reads, deletes (background cascade, grace period) and waits until gone', async () => {
    const c = new SpyClient({ objects: [obj('ConfigMap', 'a')] });
    assert.equal(await deleteObject(c, Kinds.ConfigMap, cm, { gracePeriodSeconds: 5 }), true);
    assert.deepEqual(trace(c), ['get ConfigMap team/a', 'delete ConfigMap team/a', 'get ConfigMap team/a']);
    assert.deepEqual(c.deleteOptions, [{ propagationPolicy: 'Background', gracePeriodSeconds: 5 }]);
    assert.equal(c.peek(Kinds.ConfigMap, cm), undefined);
  });

  const absent: { name: string; ignoreNotFound: boolean; want: 'false' | 'NotFound' }[] = [
    { name: '--ignore-not-found: absent is no error', ignoreNotFound: true, want: 'false' },
    { name: 'without it: NotFound', ignoreNotFound: false, want: 'NotFound' },
  ];
  for (const t of absent) {
    it(t.name, async () => {
      const c = new FakeKubeClient();
      const p = deleteObject(c, Kinds.ConfigMap, cm, { ignoreNotFound: t.ignoreNotFound });
      if (t.want === 'false') assert.equal(await p, false);
      else await assert.rejects(p, (err: unknown) => isNotFound(err));
      assert.deepEqual(trace(c), ['get ConfigMap team/a'], 'no delete sent');
    });
  }

  it('gone between the read and the delete: ignored with --ignore-not-found', async () => {
    const c = new FakeKubeClient({
      objects: [obj('ConfigMap', 'a')],
      inject: (a) => (a.verb === 'delete' ? statusError(404, 'NotFound', 'configmaps "a" not found') : undefined),
    });
    assert.equal(await deleteObject(c, Kinds.ConfigMap, cm, { ignoreNotFound: true }), false);
    await assert.rejects(deleteObject(c, Kinds.ConfigMap, cm), (err: unknown) => isNotFound(err));
  });

  it('--wait=false: no polling', async () => {
    const c = new FakeKubeClient({ objects: [obj('ConfigMap', 'a', { finalizers: ['x/y'] })] });
    assert.equal(await deleteObject(c, Kinds.ConfigMap, cm, { wait: false }), true);
    assert.deepEqual(trace(c), ['get ConfigMap team/a', 'delete ConfigMap team/a']);
    assert.ok(c.peek(Kinds.ConfigMap, cm)?.metadata?.deletionTimestamp, 'still there, being deleted');
  });

  it('waits while a finalizer holds the object, and returns once it is gone', async () => {
    const clock = new FakeClock();
    const c = new FakeKubeClient({ objects: [obj('ConfigMap', 'a', { finalizers: ['x/y'] })] });
    const p = deleteObject(c, Kinds.ConfigMap, cm, { clock, intervalMs: 250 });
    for (let i = 0; i < 4; i++) await advance(clock, 250);
    assert.ok(c.peek(Kinds.ConfigMap, cm), 'held by its finalizer');
    await removeFinalizers(c, Kinds.ConfigMap, cm);
    const { error } = await settle(clock, p);
    assert.equal(error, undefined);
    const polls = trace(c).filter((a) => a === 'get ConfigMap team/a').length;
    assert.ok(polls >= 3, `polled ${polls} times`);
  });

  it('a successor under the same name (another uid) counts as gone', async () => {
    const clock = new FakeClock();
    const c = new FakeKubeClient({ objects: [obj('Pod', 'web-0', { finalizers: ['x/y'] })] });
    const key = { namespace: 'team', name: 'web-0' };
    const p = deleteObject(c, Kinds.Pod, key, { clock });
    await advance(clock, 250);
    const before = c.peek(Kinds.Pod, key)?.metadata?.uid;
    await removeFinalizers(c, Kinds.Pod, key);
    await c.create(obj('Pod', 'web-0'));
    assert.notEqual(c.peek(Kinds.Pod, key)?.metadata?.uid, before);
    const { error } = await settle(clock, p);
    assert.equal(error, undefined);
    assert.ok(c.peek(Kinds.Pod, key), 'the successor stays');
  });

  it('times out naming the object', async () => {
    const clock = new FakeClock();
    const c = new FakeKubeClient({ objects: [obj('ConfigMap', 'a', { finalizers: ['x/y'] })] });
    const { error } = await settle(clock, deleteObject(c, Kinds.ConfigMap, cm, { clock, timeoutMs: 2_000, intervalMs: 250 }));
    assert.ok(error instanceof VClusterError);
    assert.equal(error.code, ErrorCode.TIMEOUT);
    assert.match(error.message, /timed out after 2 s waiting for ConfigMap team\/a to be deleted/);
    assert.ok(clock.now() >= 2_000 && clock.now() < 3_000, `gave up at ${clock.now()} ms`);
  });

  it('errors other than NotFound while waiting are passed on', async () => {
    let deleted = false;
    const c = new FakeKubeClient({
      objects: [obj('ConfigMap', 'a', { finalizers: ['x/y'] })],
      inject: (a) => {
        if (a.verb === 'delete') deleted = true;
        else if (deleted && a.verb === 'get') return statusError(403, 'Forbidden', 'configmaps "a" is forbidden');
        return undefined;
      },
    });
    await assert.rejects(deleteObject(c, Kinds.ConfigMap, cm, { clock: new FakeClock() }), { message: 'configmaps "a" is forbidden' });
  });
});

describe('waitUntilGone', () => {
  it('returns at once for an object that is not there', async () => {
    const c = new FakeKubeClient();
    await waitUntilGone(c, { type: Kinds.Secret, key: { namespace: 'team', name: 's' }, uid: 'u1' }, { clock: new FakeClock() });
    assert.deepEqual(trace(c), ['get Secret team/s']);
  });
});

describe('deleteAllOf', () => {
  const release = { app: 'vcluster', release: 'vc1' };
  const objects = [
    obj('ConfigMap', 'cm1', { labels: release }),
    obj('ConfigMap', 'cm2', { labels: { app: 'vcluster', release: 'other' } }),
    obj('ConfigMap', 'cm3', { labels: release, namespace: 'elsewhere' }),
    obj('Secret', 's1', { labels: release }),
    obj('Secret', 's2', { labels: release }),
    obj('Pod', 'p1'),
  ];
  const selector = 'app=vcluster,release=vc1';

  const cases: { name: string; types: ResourceType[]; wait: boolean; want: string[]; left: string[] }[] = [
    {
      name: 'lists each kind by the selector in the namespace, deletes, then waits',
      types: [Kinds.ConfigMap, Kinds.Secret, Kinds.Pod],
      wait: true,
      want: [
        'list ConfigMap team/',
        'delete ConfigMap team/cm1',
        'list Secret team/',
        'delete Secret team/s1',
        'delete Secret team/s2',
        'list Pod team/',
        'get ConfigMap team/cm1',
        'get Secret team/s1',
        'get Secret team/s2',
      ],
      left: ['ConfigMap elsewhere/cm3', 'ConfigMap team/cm2', 'Pod team/p1'],
    },
    {
      name: '--wait=false: no polling',
      types: [Kinds.Secret],
      wait: false,
      want: ['list Secret team/', 'delete Secret team/s1', 'delete Secret team/s2'],
      left: ['ConfigMap elsewhere/cm3', 'ConfigMap team/cm1', 'ConfigMap team/cm2', 'Pod team/p1'],
    },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      const c = new FakeKubeClient({ objects });
      const deleted = await deleteAllOf(c, t.types, { namespace: 'team', labelSelector: selector, ignoreNotFound: true, wait: t.wait });
      assert.deepEqual(trace(c), t.want);
      assert.deepEqual(
        deleted.map((d) => `${d.type.kind} ${d.key.name}`),
        t.want.filter((a) => a.startsWith('delete')).map((a) => a.replace(/^delete (\w+) team\//, '$1 ')),
      );
      assert.ok(deleted.every((d) => typeof d.uid === 'string'), 'uids kept');
      const left = (await Promise.all([Kinds.ConfigMap, Kinds.Secret, Kinds.Pod].map((k) => c.list(k)))).flatMap((l) =>
        l.items.map((i) => `${i.kind} ${i.metadata?.namespace}/${i.metadata?.name}`),
      );
      assert.deepEqual(left.sort(), t.left);
    });
  }

  it('one that vanished before its delete: ignored with --ignore-not-found, else NotFound', async () => {
    const inject = (a: { verb: string; name?: string }): Error | undefined =>
      a.verb === 'delete' && a.name === 's1' ? statusError(404, 'NotFound', 'secrets "s1" not found') : undefined;
    const c = new FakeKubeClient({ objects, inject });
    const deleted = await deleteAllOf(c, [Kinds.Secret], { namespace: 'team', labelSelector: selector, ignoreNotFound: true });
    assert.deepEqual(deleted.map((d) => d.key.name), ['s2']);
    const strict = new FakeKubeClient({ objects, inject });
    await assert.rejects(deleteAllOf(strict, [Kinds.Secret], { namespace: 'team', labelSelector: selector }), (err: unknown) => isNotFound(err));
  });

  it('one deadline for all: times out naming the object still there', async () => {
    const clock = new FakeClock();
    const held = [obj('Secret', 's1', { labels: release, finalizers: ['x/y'] }), obj('Secret', 's2', { labels: release, finalizers: ['x/y'] })];
    const c = new FakeKubeClient({ objects: held });
    const p = deleteAllOf(c, [Kinds.Secret], { namespace: 'team', labelSelector: selector, clock, timeoutMs: 1_000 });
    for (let i = 0; i < 3; i++) await advance(clock, 250);
    await removeFinalizers(c, Kinds.Secret, { namespace: 'team', name: 's1' });
    const { error } = await settle(clock, p);
    assert.ok(error instanceof VClusterError);
    assert.equal(error.code, ErrorCode.TIMEOUT);
    assert.match(error.message, /timed out after 1 s waiting for Secret team\/s2 to be deleted/);
    assert.ok(clock.now() < 1_500, `gave up at ${clock.now()} ms, not a full timeout after s1 went`);
  });
});
