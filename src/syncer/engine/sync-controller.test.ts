import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError } from '../../k8s/fake.js';
import type { Service, TypedObject } from '../../k8s/types.js';
import { namespacedMapper } from '../mapper.js';
import { GVK } from '../translate/gvk.js';
import { resourceKind, type Syncer } from '../types.js';
import { captureLog, runSyncOnce } from './testing.js';

const svc = (name: string, selector?: Record<string, string>): Service & TypedObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ...(selector ? { selector } : {}), ports: [{ port: 80 }] },
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
    const { ctx, lines } = captureLog();
    const reports = await runSyncOnce(syncer, virtual, host, ctx(virtual, host), { namespace: 'default', name: 'web' });
    assert.ok(reports.length > 0);
    assert.deepEqual(new Set(reports.map((r) => r.outcome)), new Set(['requeue-after']));
    const out = lines();
    assert.ok(!out.some((l) => l.includes('reconciler error')), out.join('\n'));
    assert.ok(out.some((l) => l.includes('"level":20') && l.includes('conflict, requeued')), out.join('\n'));
  });
});
