import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeKubeClient } from '../k8s/fake.js';
import { applyToHost } from './host-access.js';

const secret = (data: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'vc-a', namespace: 'team' },
  stringData: { config: data },
});

describe('applyToHost', () => {
  it('creates what is missing (get, then create)', async () => {
    const client = new FakeKubeClient();
    await applyToHost(client, [secret('one')]);
    assert.deepEqual(
      client.actions.map((a) => `${a.verb} ${a.kind} ${a.namespace}/${a.name}`),
      ['get Secret team/vc-a', 'create Secret team/vc-a'],
    );
    const stored = await client.get<ReturnType<typeof secret>>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: 'team', name: 'vc-a' });
    assert.deepEqual(stored.stringData, { config: 'one' });
  });

  it('brings what exists up to date with a server-side apply', async () => {
    const client = new FakeKubeClient();
    await client.create(secret('one'));
    // the fake client has no server-side apply: the attempt shows the path taken
    await assert.rejects(applyToHost(client, [secret('two')]), /apply patches are not supported/);
    assert.deepEqual(client.actions.slice(1).map((a) => a.verb), ['get', 'patch']);
  });
});
