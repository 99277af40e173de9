/**
 * The events controller on two fake clusters (sync.fromHost.events): a host event about a synced host
 * object is the source, its copy next to the virtual object the target. Cases of the sync table that
 * do not apply:
 * - update virtual → host: events never flow virtual → host (vcluster-behavior.md §2.8 Events);
 * - delete host → virtual: the controller does not follow deletes; each API server expires its own
 *   events (the event TTL), as in vCluster.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kinds, type Event, type KubeObject, type Pod, type TypedObject } from '../../k8s/types.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import { withControllerHarness, type ControllerBuilder } from '../shared/controller-harness.js';
import type { SyncHarness } from '../shared/sync-harness.js';
import { identity, markers, names } from '../shared/testing.js';
import { eventsController } from './syncer.js';

const HOST_POD = 'web-x-default-x-my-vcluster';

const virtualPod: Pod & TypedObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const hostPod: Pod & TypedObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: HOST_POD, namespace: 'test-namespace', labels: markers('default'), annotations: identity('Pod', 'web', 'default', 'vpod-uid') },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
/** A host pod of the same namespace the syncer did not make. */
const foreignPod: Pod & TypedObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'db', namespace: 'test-namespace', labels: { app: 'db' } },
  spec: { containers: [{ name: 'c', image: 'postgres' }] },
};

const hostEvent = (name: string, involved: { kind: string; name: string; apiVersion?: string }, message: string, count = 1): Event & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'test-namespace' },
  involvedObject: { apiVersion: involved.apiVersion ?? 'v1', kind: involved.kind, name: involved.name, namespace: 'test-namespace', uid: 'host-uid' },
  reason: 'Pulled',
  message,
  type: 'Normal',
  count,
  source: { component: 'kubelet' },
});
const pulled = (count = 1, message = `Pulled image for test-namespace/${HOST_POD}`): Event & TypedObject =>
  hostEvent(`${HOST_POD}.17a8b`, { kind: 'Pod', name: HOST_POD }, message, count);

const build: ControllerBuilder = (ctx, f) => {
  // what the pod syncer's entry hands the events entry (manager.ts: deps.synced)
  const scope = { namespace: names.hostNamespace, labelSelector: `${MARKER_LABEL}=${names.vclusterName}` };
  const pods = {
    host: f.host.informerFor<KubeObject>(Kinds.Pod, scope),
    virtual: f.virtual.informerFor<KubeObject>(Kinds.Pod),
    mapper: namespacedMapper(GVK.Pod),
  };
  return eventsController(ctx, f.host.informerFor<Event>(Kinds.Event, { namespace: names.hostNamespace }), { Pod: pods });
};
const run = (o: { host?: TypedObject[]; virtual?: TypedObject[] }, body: (h: SyncHarness) => Promise<void>): Promise<void> =>
  withControllerHarness(build, { names, hostObjects: [hostPod, foreignPod, ...(o.host ?? [])], virtualObjects: [virtualPod, ...(o.virtual ?? [])] }, body);

const copyOf = (h: SyncHarness, name = 'web.17a8b', namespace = 'default'): (Event & TypedObject) | undefined =>
  h.virtual.peek<Event & TypedObject>(Kinds.Event, { namespace, name });
const copied = (h: SyncHarness, count = 1): Promise<void> =>
  h.until('the virtual event', () => {
    const e = copyOf(h);
    assert.ok(e, 'the virtual event exists');
    const uid = h.virtual.peek<Pod>(Kinds.Pod, { namespace: 'default', name: 'web' })?.metadata?.uid;
    assert.ok(uid);
    assert.deepEqual(e.involvedObject, { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default', uid });
    assert.equal(e.message, 'Pulled image for default/web');
    assert.equal(e.reason, 'Pulled');
    assert.equal(e.count, count);
    assert.deepEqual(e.source, { component: 'kubelet' });
  });
const virtualEvents = async (h: SyncHarness): Promise<string[]> =>
  (await h.virtual.list<Event>(Kinds.Event)).items.map((e) => `${e.metadata.namespace}/${e.metadata.name}`).sort();

describe('events controller (harness cases)', () => {
  it('create: a host event about a synced pod is copied next to the virtual pod, host names replaced', () =>
    run({}, async (h) => {
      await h.settled();
      assert.deepEqual(await virtualEvents(h), []);
      await h.host.create(pulled());
      await copied(h);
    }));

  it('update host → virtual: the host event’s next occurrence (count, message) reaches the copy', () =>
    run({ host: [pulled()] }, async (h) => {
      await copied(h);
      const e = h.host.peek<Event & TypedObject>(Kinds.Event, { namespace: 'test-namespace', name: `${HOST_POD}.17a8b` })!;
      await h.host.update({ ...e, count: 3, message: `Pulled image again for ${HOST_POD}` });
      await h.until('the update', () => {
        assert.equal(copyOf(h)?.count, 3);
        assert.equal(copyOf(h)?.message, 'Pulled image again for web');
      });
    }));

  // Virtual events are not watched: a tenant edit of a copy stays until the host event changes again.
  it('a tenant edit of the copy is overwritten at the host event’s next occurrence; nothing flows to the host', () =>
    run({ host: [pulled()] }, async (h) => {
      await copied(h);
      const c = copyOf(h)!;
      await h.virtual.update({ ...c, message: 'edited by the tenant', count: 99 });
      const e = h.host.peek<Event & TypedObject>(Kinds.Event, { namespace: 'test-namespace', name: `${HOST_POD}.17a8b` })!;
      await h.host.update({ ...e, count: 2 });
      await copied(h, 2);
      assert.deepEqual(
        h.host.writes().filter((w) => w.kind === 'Event').map((w) => w.verb),
        ['update'],
        'the only host event write is the test’s own',
      );
    }));

  // Not re-created at once (virtual events are not watched): at the host event's next occurrence.
  it('the copy deleted in the vcluster (out of band) is re-created at the host event’s next occurrence', () =>
    run({ host: [pulled()] }, async (h) => {
      await copied(h);
      await h.virtual.delete(Kinds.Event, { namespace: 'default', name: 'web.17a8b' });
      const e = h.host.peek<Event & TypedObject>(Kinds.Event, { namespace: 'test-namespace', name: `${HOST_POD}.17a8b` })!;
      await h.host.update({ ...e, count: 2 });
      await copied(h, 2);
    }));

  it('events the syncer did not make, and host events about objects it did not sync, are left alone', () => {
    const tenantEvent: Event & TypedObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.tenant', namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default', uid: 'vpod-uid' },
      reason: 'Custom',
      message: 'from the tenant’s operator',
      type: 'Normal',
    };
    return run({ virtual: [tenantEvent] }, async (h) => {
      // about a host pod the syncer did not make; about a kind whose events are not synced
      await h.host.create(hostEvent('db.1', { kind: 'Pod', name: 'db' }, 'Pulled image for db'));
      await h.host.create(hostEvent('web.deploy', { kind: 'Deployment', name: HOST_POD, apiVersion: 'apps/v1' }, 'Scaled up'));
      await h.host.create(pulled());
      await copied(h);
      await h.settled();
      assert.deepEqual(await virtualEvents(h), ['default/web.17a8b', 'default/web.tenant']);
      assert.equal(copyOf(h, 'web.tenant')?.message, 'from the tenant’s operator');
      assert.ok(!h.virtual.writes().some((w) => w.name === 'web.tenant'), JSON.stringify(h.virtual.writes()));
    });
  });
});
