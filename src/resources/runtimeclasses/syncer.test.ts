import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError } from '../../k8s/fake.js';
import { Kinds, type RuntimeClass, type TypedObject } from '../../k8s/types.js';
import { withControllerHarness, type ControllerBuilder } from '../shared/controller-harness.js';
import type { SyncHarness } from '../shared/sync-harness.js';
import { resolveHostRuntimeClass, runtimeClassesController } from './syncer.js';

const rc = (name: string, handler: string): RuntimeClass & TypedObject => ({
  apiVersion: 'node.k8s.io/v1',
  kind: 'RuntimeClass',
  metadata: { name },
  handler,
});

describe('resolveHostRuntimeClass (through the API)', () => {
  const cases: { name: string; virtual: RuntimeClass[]; host: RuntimeClass[]; ask: string; hostListFails?: number; want: string | undefined }[] = [
    { name: 'the host class of the same name', virtual: [rc('gvisor', 'runsc')], host: [rc('gvisor', 'runsc')], ask: 'gvisor', want: 'gvisor' },
    { name: 'a host class with the same handler', virtual: [rc('sandbox', 'runsc')], host: [rc('gvisor', 'runsc')], ask: 'sandbox', want: 'gvisor' },
    { name: 'a class made in the vcluster only → none', virtual: [rc('test-rc', 'test-handler')], host: [rc('gvisor', 'runsc')], ask: 'test-rc', want: undefined },
    { name: 'the virtual class is gone, no host class → none', virtual: [], host: [], ask: 'x', want: undefined },
    { name: 'host classes not readable (403) → the name as it is', virtual: [rc('kata', 'kata')], host: [], ask: 'kata', hostListFails: 403, want: 'kata' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const virtual = new FakeKubeClient({ objects: c.virtual as (RuntimeClass & TypedObject)[] });
      const host = new FakeKubeClient({
        objects: c.host as (RuntimeClass & TypedObject)[],
        inject: (a) => (c.hostListFails && a.verb === 'list' ? statusError(c.hostListFails, 'Forbidden', 'runtimeclasses is forbidden') : undefined),
      });
      assert.equal(await resolveHostRuntimeClass({ virtual, host }, c.ask), c.want);
    });
  }
  it('other host errors are passed on (the reconcile retries)', async () => {
    const host = new FakeKubeClient({ inject: () => statusError(500, 'InternalError', 'boom') });
    await assert.rejects(resolveHostRuntimeClass({ virtual: new FakeKubeClient(), host }, 'x'), /boom/);
  });
});

/**
 * The import controller on two fake clusters (sync.fromHost.runtimeClasses): the host class is the
 * source, the virtual copy the target. Cases of the sync table that do not apply:
 * - update virtual → host: copies are read-only, nothing flows to the host (a tenant edit is reverted instead);
 * - a host object the syncer did not make: the host's classes are all sources, none is "ours".
 */
describe('runtime classes import controller (harness cases)', () => {
  const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };
  const MB = 'vcluster.loft.sh/managed-by';
  const gvisor: RuntimeClass & TypedObject = {
    ...rc('gvisor', 'runsc'),
    metadata: { name: 'gvisor', labels: { tier: 'sandbox' }, annotations: { 'example.com/owner': 'platform' } },
    overhead: { podFixed: { cpu: '100m' } },
  };
  const build: ControllerBuilder = (ctx, f) =>
    runtimeClassesController(ctx, {
      virtualClasses: f.virtual.informerFor<RuntimeClass>(Kinds.RuntimeClass),
      hostClasses: f.host.informerFor<RuntimeClass>(Kinds.RuntimeClass),
    });
  const run = (o: { host?: TypedObject[]; virtual?: TypedObject[] }, body: (h: SyncHarness) => Promise<void>): Promise<void> =>
    withControllerHarness(build, { names, hostObjects: o.host ?? [], virtualObjects: o.virtual ?? [] }, body);
  const copyOf = (h: SyncHarness, name = 'gvisor'): (RuntimeClass & TypedObject) | undefined => h.virtual.peek<RuntimeClass & TypedObject>(Kinds.RuntimeClass, { name });
  const hostOf = (h: SyncHarness, name = 'gvisor'): RuntimeClass & TypedObject => {
    const c = h.host.peek<RuntimeClass & TypedObject>(Kinds.RuntimeClass, { name });
    assert.ok(c, 'the host class exists');
    return c;
  };
  const imported = (h: SyncHarness): Promise<void> =>
    h.until('the import', () => {
      assert.equal(copyOf(h)?.handler, 'runsc');
      assert.deepEqual(copyOf(h)?.overhead, { podFixed: { cpu: '100m' } });
      assert.deepEqual(copyOf(h)?.metadata.labels, { tier: 'sandbox', [MB]: 'vc1' });
      assert.deepEqual(copyOf(h)?.metadata.annotations, { 'example.com/owner': 'platform' });
    });

  it('create: a class appearing on the host gets its virtual copy (labels + managed-by, annotations, handler, overhead)', () =>
    run({}, async (h) => {
      await h.settled();
      assert.equal(copyOf(h), undefined);
      await h.host.create(gvisor);
      await imported(h);
    }));

  it('update host → virtual: a change of the host class (overhead, labels, annotations) reaches the copy', () =>
    run({ host: [gvisor] }, async (h) => {
      await imported(h);
      const c = hostOf(h);
      await h.host.update({
        ...c,
        overhead: { podFixed: { cpu: '250m', memory: '64Mi' } },
        scheduling: { nodeSelector: { sandbox: 'true' } },
        metadata: { ...c.metadata, labels: { tier: 'isolated' }, annotations: {} },
      });
      await h.until('the host change', () => {
        assert.deepEqual(copyOf(h)?.overhead, { podFixed: { cpu: '250m', memory: '64Mi' } });
        assert.deepEqual(copyOf(h)?.scheduling, { nodeSelector: { sandbox: 'true' } });
        assert.deepEqual(copyOf(h)?.metadata.labels, { tier: 'isolated', [MB]: 'vc1' });
        assert.deepEqual(copyOf(h)?.metadata.annotations ?? {}, {});
      });
    }));

  it('a host class re-created with another handler (immutable) → the copy is replaced', () =>
    run({ host: [gvisor] }, async (h) => {
      await imported(h);
      const uid = copyOf(h)?.metadata.uid;
      await h.host.delete(Kinds.RuntimeClass, { name: 'gvisor' });
      await h.host.create({ ...gvisor, handler: 'runsc-debug' });
      await h.until('the new copy', () => {
        assert.equal(copyOf(h)?.handler, 'runsc-debug');
        assert.notEqual(copyOf(h)?.metadata.uid, uid);
      });
    }));

  it('a tenant edit of the read-only copy (keeping the marker) is reverted', () =>
    run({ host: [gvisor] }, async (h) => {
      await imported(h);
      const c = copyOf(h)!;
      await h.virtual.update({
        ...c,
        overhead: { podFixed: { cpu: '1' } },
        metadata: { ...c.metadata, labels: { ...c.metadata.labels, tier: 'tenant' }, annotations: { note: 'mine' } },
      });
      await imported(h);
      assert.deepEqual(h.host.writes(), [], 'nothing flows to the host');
    }));

  it(
    'a tenant edit of the read-only copy that drops the managed-by label is reverted too',
    () =>
      run({ host: [gvisor] }, async (h) => {
        await imported(h);
        const c = copyOf(h)!;
        await h.virtual.update({ ...c, overhead: { podFixed: { cpu: '1' } }, metadata: { ...c.metadata, labels: { tier: 'tenant' } } });
        await imported(h);
      }),
  );

  it('delete host → virtual: the copy goes with the host class', () =>
    run({ host: [gvisor] }, async (h) => {
      await imported(h);
      await h.host.delete(Kinds.RuntimeClass, { name: 'gvisor' });
      await h.until('the copy gone', () => assert.equal(copyOf(h), undefined));
    }));

  it('the copy deleted by the tenant (out of band) is re-created from the host class', () =>
    run({ host: [gvisor] }, async (h) => {
      await imported(h);
      const uid = copyOf(h)?.metadata.uid;
      await h.virtual.delete(Kinds.RuntimeClass, { name: 'gvisor' });
      await h.until('a new copy', () => assert.notEqual(copyOf(h)?.metadata.uid ?? uid, uid));
      await imported(h);
    }));

  it('classes the tenant made (none on the host, or one holding a host class’s name) are never touched', () => {
    const own = rc('mine', 'kata');
    const sameName: RuntimeClass & TypedObject = { ...rc('gvisor', 'tenant-runsc'), metadata: { name: 'gvisor', labels: { team: 'a' } } };
    return run({ host: [gvisor, rc('kata', 'kata')], virtual: [own, sameName] }, async (h) => {
      await h.until('the other host class imported', () => assert.equal(copyOf(h, 'kata')?.handler, 'kata'));
      // a change of the host class of the same name is a reason to look at the tenant's class again
      const c = hostOf(h);
      await h.host.update({ ...c, metadata: { ...c.metadata, labels: { tier: 'changed' } } });
      await h.settled();
      assert.deepEqual(copyOf(h, 'gvisor')?.metadata.labels, { team: 'a' });
      assert.equal(copyOf(h, 'gvisor')?.handler, 'tenant-runsc');
      assert.ok(copyOf(h, 'mine'));
      assert.ok(!h.virtual.writes().some((w) => w.name === 'mine' || w.name === 'gvisor'), JSON.stringify(h.virtual.writes()));
      // and the tenant's classes stay when there is no host class for them
      await h.host.delete(Kinds.RuntimeClass, { name: 'gvisor' });
      await h.settled();
      assert.ok(copyOf(h, 'gvisor'), 'the tenant’s gvisor stays');
    });
  });
});
