/** The Endpoints syncer under the generic sync controller: its filter leaves selector Services' Endpoints to the host. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient } from '../../k8s/fake.js';
import { InformerFactory } from '../../k8s/informer.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { captureLog, runSyncOnce } from '../../syncer/engine/testing.js';
import { createEndpointsSyncer } from './syncer.js';

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

describe('endpoints syncer under the sync controller', () => {
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
    const { ctx, lines } = captureLog();
    const reports = await runSyncOnce(syncer, virtual, host, ctx(virtual, host), { namespace: 'default', name: 'web' });
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
    const { ctx } = captureLog();
    await runSyncOnce(syncer, virtual, host, ctx(virtual, host), { namespace: 'default', name: 'db' });
    abort.abort();
    await running;
    assert.ok(host.peek(Kinds.Endpoints, { namespace: 'team-a', name: 'db-x-default-x-vc1' }), 'host copy created');
  });
});
