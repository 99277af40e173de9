import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError, type FakeAction } from '../../k8s/fake.js';
import { Kinds, type ConfigMap, type Event, type Service, type TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import { GVK } from '../translate/gvk.js';
import { resourceKind, type SyncContext } from '../types.js';
import { applyDesired, applySyncResult, objectPatch, statusPatch } from './apply.js';

const cm = (data: Record<string, string>, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'default', ...(labels ? { labels } : {}) },
  data,
});

describe('objectPatch', () => {
  const cases: { name: string; current: ConfigMap; desired: ConfigMap; want: unknown }[] = [
    { name: 'equal → nothing', current: cm({ a: '1' }), desired: cm({ a: '1' }), want: undefined },
    { name: 'an empty map where there was none → nothing', current: cm({ a: '1' }), desired: cm({ a: '1' }, {}), want: undefined },
    { name: 'a changed value', current: cm({ a: '1' }), desired: cm({ a: '2' }), want: { data: { a: '2' } } },
    { name: 'a removed key is nulled', current: cm({ a: '1', b: '2' }), desired: cm({ a: '1' }), want: { data: { b: null } } },
    { name: 'a new label', current: cm({}), desired: cm({}, { x: 'y' }), want: { metadata: { labels: { x: 'y' } } } },
    {
      name: 'the status is left to its subresource',
      current: { ...cm({}), status: { a: 1 } } as ConfigMap,
      desired: { ...cm({}), status: { a: 2 } } as ConfigMap,
      want: undefined,
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(objectPatch(c.current, c.desired), c.want));
});

describe('statusPatch', () => {
  const svc = (status?: Service['status']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, ...(status ? { status } : {}) });
  const cases: { name: string; current: Service; status: Service['status']; want: unknown }[] = [
    { name: 'no status and an empty one → nothing', current: svc(), status: {}, want: undefined },
    { name: 'equal → nothing', current: svc({ loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }), status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }, want: undefined },
    { name: 'a new ingress IP', current: svc({ loadBalancer: {} }), status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }, want: { status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(statusPatch(c.current, c.status), c.want));
});

describe('applyDesired', () => {
  const kind = resourceKind<Service>(GVK.Service, true);
  const virtualSvc: Service & TypedObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'v1' }, spec: { ports: [{ port: 80 }] } };
  const hostSvc: Service & TypedObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-x-default-x-vc', namespace: 'team-a', labels: { a: 'b' } }, spec: { ports: [{ port: 80 }] } };
  const setup = (inject?: (a: FakeAction) => Error | undefined) => {
    const virtual = new FakeKubeClient({ objects: [virtualSvc] });
    const host = new FakeKubeClient({ objects: [hostSvc], ...(inject ? { inject } : {}) });
    const ctx: SyncContext = { names: { vclusterName: 'vc', hostNamespace: 'team-a' }, virtual, host, log: silentLogger(), signal: new AbortController().signal };
    const current = {
      virtual: virtual.peek<Service & TypedObject>(Kinds.Service, { namespace: 'default', name: 'web' })!,
      host: host.peek<Service & TypedObject>(Kinds.Service, { namespace: 'team-a', name: 'web-x-default-x-vc' })!,
    };
    return { ctx, virtual, host, current };
  };

  it('patches host, virtual and the virtual status; nothing when all is as desired', async () => {
    const { ctx, virtual, host, current } = setup();
    const now = await applyDesired(ctx, kind, current, {
      host: { ...current.host, spec: { ports: [{ port: 81 }] } },
      virtual: { ...current.virtual, metadata: { ...current.virtual.metadata, labels: { tier: 'gold' } } },
      virtualStatus: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
    });
    assert.equal(host.peek<Service>(kind, { namespace: 'team-a', name: 'web-x-default-x-vc' })?.spec?.ports?.[0]?.port, 81);
    const stored = virtual.peek<Service>(kind, { namespace: 'default', name: 'web' });
    assert.equal(stored?.metadata?.labels?.tier, 'gold');
    assert.equal(stored?.status?.loadBalancer?.ingress?.[0]?.ip, '10.0.0.1');
    assert.deepEqual(host.writes().map((w) => w.verb), ['patch']);
    assert.deepEqual(virtual.writes().map((w) => w.verb), ['patch', 'patch']);
    await applyDesired(ctx, kind, now, { host: now.host, virtual: now.virtual, virtualStatus: now.virtual.status ?? {} });
    assert.equal(host.writes().length + virtual.writes().length, 3, 'no writes for what is already so');
  });

  it('a patch is locked to the version the syncer saw (409 when stale), without an event', async () => {
    const { ctx, virtual, host, current } = setup();
    const stale = { ...current.host, metadata: { ...current.host.metadata, resourceVersion: '0' } };
    await assert.rejects(applyDesired(ctx, kind, { ...current, host: stale }, { host: { ...stale, spec: { ports: [{ port: 82 }] } } }), /Conflict|conflict|modified/);
    assert.equal(host.peek<Service>(kind, { namespace: 'team-a', name: 'web-x-default-x-vc' })?.spec?.ports?.[0]?.port, 80);
    assert.deepEqual((await virtual.list<Event>(Kinds.Event)).items, []);
  });

  it('a refused write leaves a Warning event on the virtual object and goes back to the controller', async () => {
    const { ctx, virtual, current } = setup((a) => (a.verb === 'patch' ? statusError(422, 'Invalid', 'spec.ports: Invalid value') : undefined));
    await assert.rejects(
      applySyncResult(ctx, kind, current, { host: { ...current.host, spec: { ports: [{ port: 0 }] } }, requeueAfterMs: 5 }),
      /Invalid value/,
    );
    const events = (await virtual.list<Event>(Kinds.Event)).items;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'Warning');
    assert.equal(events[0]?.reason, 'SyncError');
    assert.equal(events[0]?.involvedObject.name, 'web');
    assert.match(events[0]?.message ?? '', /Invalid value/);
  });

  it('answers the rest of the result', async () => {
    const { ctx, current } = setup();
    assert.deepEqual(await applySyncResult(ctx, kind, current, { host: current.host, requeueAfterMs: 5 }), { requeueAfterMs: 5 });
  });
});
