import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { FakeKubeClient, statusError } from '../../k8s/fake.js';
import { InformerFactory } from '../../k8s/informer.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { createLogger } from '../../lib/logger.js';
import type { ReconcileReport } from '../../runtime/controller.js';
import { createEndpointsSyncer } from '../../resources/endpoints/syncer.js';
import { namespacedMapper } from '../mapper.js';
import { GVK } from '../translate/gvk.js';
import { resourceKind, type SyncContext, type Syncer } from '../types.js';
import { syncController } from './sync-controller.js';

const names = { vclusterName: 'vc1', hostNamespace: 'team-a' };

function capture(): { ctx: (virtual: FakeKubeClient, host: FakeKubeClient) => SyncContext; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const log = createLogger({ level: 'debug', destination });
  return {
    ctx: (virtual, host) => ({ names, virtual, host, log: log.child({ controller: 'test' }), signal: new AbortController().signal }),
    lines: () => chunks.join('').split('\n').filter(Boolean),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function runOnce<T extends TypedObject>(
  syncer: Syncer<T>,
  virtual: FakeKubeClient,
  host: FakeKubeClient,
  ctx: SyncContext,
  key: { namespace: string; name: string },
  extraVirtual: readonly (typeof Kinds)[keyof typeof Kinds][] = [],
): Promise<ReconcileReport[]> {
  const abort = new AbortController();
  const vf = new InformerFactory(virtual);
  const hf = new InformerFactory(host);
  for (const k of extraVirtual) vf.informerFor(k);
  const reports: ReconcileReport[] = [];
  const controller = syncController<T>({
    syncer,
    ctx,
    virtual: vf.informerFor<T>(syncer.kind),
    host: hf.informerFor<T>(syncer.kind, { namespace: names.hostNamespace }),
    onReconcile: (r) => reports.push(r),
    workers: 1,
  });
  const running = [vf.start(abort.signal), hf.start(abort.signal)];
  await Promise.all([vf.waitForSync(), hf.waitForSync()]);
  const started = controller.start(abort.signal);
  controller.enqueue(key);
  await settle();
  abort.abort();
  await Promise.all([...running, started]);
  return reports;
}

const svc = (name: string, selector?: Record<string, string>): Service & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ...(selector ? { selector } : {}), ports: [{ port: 80 }] },
});
const endpoints = (name: string, namespace: string, labels?: Record<string, string>): Endpoints & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }],
});

describe('sync controller', () => {
  it('takes a 409 from a sync function as an ordinary retry: debug log, requeue, no reconciler error', async () => {
    const conflict = statusError(409, 'Conflict', 'Operation cannot be fulfilled on services "web": the object has been modified');
    const syncer: Syncer<Service & TypedObject> = {
      name: 'services',
      kind: resourceKind<Service & TypedObject>(GVK.Service, true),
      mapper: namespacedMapper(GVK.Service),
      syncToHost: () => Promise.reject(conflict),
      sync: () => Promise.reject(conflict),
      syncToVirtual: () => Promise.resolve({}),
    };
    const virtual = new FakeKubeClient({ objects: [svc('web')] });
    const host = new FakeKubeClient();
    const { ctx, lines } = capture();
    const reports = await runOnce(syncer, virtual, host, ctx(virtual, host), { namespace: 'default', name: 'web' });
    assert.ok(reports.length > 0);
    assert.deepEqual(new Set(reports.map((r) => r.outcome)), new Set(['requeue-after']));
    const out = lines();
    assert.ok(!out.some((l) => l.includes('reconciler error')), out.join('\n'));
    assert.ok(out.some((l) => l.includes('"level":20') && l.includes('conflict, requeued')), out.join('\n'));
  });

  it('leaves the Endpoints of a selector Service to the host endpoints controller: no write, no "host name taken"', async () => {
    // the host endpoints controller copies the Service's labels (managed-by included) onto its Endpoints
    const hostEndpoints = endpoints('web-x-default-x-vc1', 'team-a', { 'vcluster.loft.sh/managed-by': 'vc1', 'vcluster.loft.sh/namespace': 'default' });
    const virtual = new FakeKubeClient({ objects: [svc('web', { app: 'web' }), endpoints('web', 'default')] });
    const host = new FakeKubeClient({ objects: [hostEndpoints] });
    const vf = new InformerFactory(virtual);
    const syncer = createEndpointsSyncer(vf.informerFor<Service>(Kinds.Service));
    const abort = new AbortController();
    const running = vf.start(abort.signal);
    await vf.waitForSync();
    const { ctx, lines } = capture();
    const reports = await runOnce(syncer as unknown as Syncer<Endpoints & TypedObject>, virtual, host, ctx(virtual, host), { namespace: 'default', name: 'web' });
    abort.abort();
    await running;
    assert.ok(reports.length > 0);
    assert.deepEqual(new Set(reports.map((r) => r.outcome)), new Set(['success']));
    assert.deepEqual(host.writes(), []);
    assert.ok(!lines().some((l) => l.includes('host name taken')), lines().join('\n'));
  });

  it('still syncs the Endpoints of a selector-less Service', async () => {
    const virtual = new FakeKubeClient({ objects: [svc('db'), endpoints('db', 'default')] });
    const host = new FakeKubeClient();
    const vf = new InformerFactory(virtual);
    const syncer = createEndpointsSyncer(vf.informerFor<Service>(Kinds.Service));
    const abort = new AbortController();
    const running = vf.start(abort.signal);
    await vf.waitForSync();
    const { ctx } = capture();
    await runOnce(syncer as unknown as Syncer<Endpoints & TypedObject>, virtual, host, ctx(virtual, host), { namespace: 'default', name: 'db' });
    abort.abort();
    await running;
    assert.ok(host.peek(Kinds.Endpoints, { namespace: 'team-a', name: 'db-x-default-x-vc1' }), 'host copy created');
  });
});
