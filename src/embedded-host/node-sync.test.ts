import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeKubeClient } from '../k8s/fake.js';
import type { Node, TypedObject } from '../k8s/types.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { isNodeReady, waitDefaultServiceAccount, waitNodesReady, waitRealNodesReady } from './node-sync.js';

function node(name: string, labels: Record<string, string>, ready: string | undefined): Node & TypedObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    status: ready === undefined ? {} : { conditions: [{ type: 'Ready', status: ready }] },
  };
}

describe('isNodeReady', () => {
  const cases: { name: string; node: Node; want: boolean }[] = [
    { name: 'Ready=True', node: node('a', {}, 'True'), want: true },
    { name: 'Ready=False', node: node('a', {}, 'False'), want: false },
    { name: 'no conditions', node: node('a', {}, undefined), want: false },
    {
      name: 'another condition True',
      node: { metadata: { name: 'a' }, status: { conditions: [{ type: 'MemoryPressure', status: 'True' }] } },
      want: false,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isNodeReady(c.node), c.want));
});

describe('waiting through the KubeClient', () => {
  it('waitNodesReady returns once every kwok node is Ready', async () => {
    const client = new FakeKubeClient();
    await client.create(node('kwok-node-0', { type: 'kwok' }, 'True'));
    await client.create(node('real-1', { 'vcluster-ts.io/node-type': 'real' }, 'False'));
    await waitNodesReady(client, 1);
  });

  it('waitNodesReady times out naming the node that is not Ready', async () => {
    const client = new FakeKubeClient();
    await client.create(node('kwok-node-0', { type: 'kwok' }, 'False'));
    await assert.rejects(
      waitNodesReady(client, 0),
      (err: unknown) => err instanceof VClusterError && err.code === ErrorCode.TIMEOUT && /kwok-node-0/.test(err.message),
    );
  });

  it('waitRealNodesReady fails on a node that never registered', async () => {
    const client = new FakeKubeClient();
    await client.create(node('real-1', { 'vcluster-ts.io/node-type': 'real' }, 'True'));
    await waitRealNodesReady(client, ['real-1'], 1);
    await assert.rejects(
      waitRealNodesReady(client, ['real-1', 'real-2'], 0),
      (err: unknown) => err instanceof VClusterError && /real-2 did not register/.test(err.message),
    );
  });

  it('waitDefaultServiceAccount returns once the ServiceAccount exists, times out otherwise', async () => {
    const client = new FakeKubeClient();
    await assert.rejects(waitDefaultServiceAccount(client, 0), (err: unknown) => err instanceof VClusterError && err.code === ErrorCode.TIMEOUT);
    await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'default', name: 'default' } });
    await waitDefaultServiceAccount(client, 1);
  });
});
