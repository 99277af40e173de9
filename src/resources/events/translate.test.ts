import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../k8s/types.js';
import { rewriteMessage, toVirtualEvent, virtualEventName } from './translate.js';

function hostEvent(kind: string, annotations: Record<string, string> = {}): Event {
  return {
    metadata: {
      name: 'nginx-x-default-x-my-vcluster.17a2b3c4d5',
      namespace: 'test-namespace',
      uid: 'host-event-uid',
      resourceVersion: '99',
      annotations,
    },
    involvedObject: {
      kind,
      name: 'nginx-x-default-x-my-vcluster',
      namespace: 'test-namespace',
      uid: 'host-uid',
      resourceVersion: '5',
      apiVersion: 'v1',
      fieldPath: 'spec.containers{nginx}',
    },
    reason: 'Pulled',
    message:
      'Successfully pulled image for test-namespace/nginx-x-default-x-my-vcluster (nginx-x-default-x-my-vcluster)',
    type: 'Normal',
    count: 2,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:00:05Z',
  };
}

const target = { name: 'nginx', namespace: 'default', uid: 'virtual-uid', resourceVersion: '12' };

describe('toVirtualEvent', () => {
  it('rewrites names, namespace, involved object and message', () => {
    assert.deepEqual(toVirtualEvent(hostEvent('Pod'), target), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'nginx.17a2b3c4d5', namespace: 'default' },
      involvedObject: {
        kind: 'Pod',
        name: 'nginx',
        namespace: 'default',
        uid: 'virtual-uid',
        resourceVersion: '12',
        apiVersion: 'v1',
        fieldPath: 'spec.containers{nginx}',
      },
      reason: 'Pulled',
      message: 'Successfully pulled image for default/nginx (nginx)',
      type: 'Normal',
      count: 2,
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:05Z',
    });
  });
  const cases: {
    name: string;
    event: Event;
    target: typeof target | undefined;
    wantNamespace: string | undefined;
  }[] = [
    { name: 'service events synced', event: hostEvent('Service'), target, wantNamespace: 'default' },
    { name: 'endpoints events synced', event: hostEvent('Endpoints'), target, wantNamespace: 'default' },
    { name: 'other kinds dropped', event: hostEvent('Deployment'), target, wantNamespace: undefined },
    {
      name: 'other kinds force-synced go to default',
      event: hostEvent('Deployment', { 'vcluster.loft.sh/force-sync': 'true' }),
      target,
      wantNamespace: 'default',
    },
    { name: 'unresolved dropped', event: hostEvent('Pod'), target: undefined, wantNamespace: undefined },
    {
      name: 'unresolved force-sync goes to default',
      event: hostEvent('Node', { 'vcluster.loft.sh/force-sync': 'true' }),
      target: undefined,
      wantNamespace: 'default',
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.equal(toVirtualEvent(c.event, c.target)?.metadata.namespace, c.wantNamespace));
  it('force-synced unresolved events carry a bare involved object', () => {
    const got = toVirtualEvent(hostEvent('Node', { 'vcluster.loft.sh/force-sync': 'true' }), undefined);
    assert.deepEqual(got?.involvedObject, { namespace: 'default' });
    assert.deepEqual(got?.metadata, {
      name: 'nginx-x-default-x-my-vcluster.17a2b3c4d5',
      namespace: 'default',
    });
  });
  it('does not mutate the host event', () => {
    const e = hostEvent('Pod');
    const before = structuredClone(e);
    toVirtualEvent(e, target);
    assert.deepEqual(e, before);
  });
});

describe('name and message rewriting', () => {
  const cases: { name: string; got: string; want: string }[] = [
    { name: 'event name prefix', got: virtualEventName('a-x-b-x-c.123', 'a-x-b-x-c', 'a'), want: 'a.123' },
    {
      name: 'unrelated event name kept',
      got: virtualEventName('other.123', 'a-x-b-x-c', 'a'),
      want: 'other.123',
    },
    {
      name: 'namespaced reference first',
      got: rewriteMessage('h/p-x and p-x', { name: 'p-x', namespace: 'h' }, { name: 'p', namespace: 'v' }),
      want: 'v/p and p',
    },
    {
      name: 'unicode message',
      got: rewriteMessage('échec: p-x ✗', { name: 'p-x', namespace: 'h' }, { name: 'p', namespace: 'v' }),
      want: 'échec: p ✗',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(c.got, c.want));
});
