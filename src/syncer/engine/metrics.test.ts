import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient } from '../../k8s/client.js';
import { Registry } from '../../lib/metrics.js';
import { SyncerMetrics } from './metrics.js';

/** A stand-in client with private state, as the real one has. */
class PrivateStateClient {
  #calls = 0;
  get(): Promise<number> {
    return Promise.resolve(++this.#calls);
  }
  create(): Promise<number> {
    return Promise.resolve(++this.#calls);
  }
}

describe('SyncerMetrics.counting', () => {
  it('counts writes by side and verb, and keeps methods working on the real client', async () => {
    const registry = new Registry();
    const metrics = new SyncerMetrics(registry);
    const client = metrics.counting(new PrivateStateClient() as unknown as KubeClient, 'host') as unknown as PrivateStateClient;
    assert.equal(await client.get(), 1);
    assert.equal(await client.create(), 2);
    assert.equal(await client.create(), 3);
    const text = registry.render();
    assert.match(text, /vcluster_syncer_writes_total\{side="host",verb="create"\} 2/);
    assert.doesNotMatch(text, /verb="get"/);
  });
});
