import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeClient, statusError } from '../../k8s/fake.js';
import type { RuntimeClass, TypedObject } from '../../k8s/types.js';
import { resolveHostRuntimeClass } from './syncer.js';

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
