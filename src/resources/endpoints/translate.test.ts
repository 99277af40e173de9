import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Service } from '../../k8s/types.js';
import { shouldSyncEndpoints, toHostEndpoints } from './translate.js';
import { identity, markers, options, ownerRefs } from '../shared/testing.js';

describe('shouldSyncEndpoints', () => {
  const cases: { name: string; svc: Service | undefined; want: boolean }[] = [
    { name: 'no service', svc: undefined, want: true },
    { name: 'selector-less', svc: { spec: {} }, want: true },
    { name: 'empty selector', svc: { spec: { selector: {} } }, want: true },
    { name: 'with selector', svc: { spec: { selector: { app: 'a' } } }, want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(shouldSyncEndpoints(c.svc), c.want));
});

describe('toHostEndpoints', () => {
  it('translates pod targetRefs and keeps external addresses', () => {
    const virtual: Endpoints = {
      metadata: { name: 'db', namespace: 'default' },
      subsets: [
        {
          addresses: [
            {
              ip: '10.1.0.4',
              targetRef: {
                kind: 'Pod',
                name: 'db-0',
                namespace: 'default',
                uid: 'vuid',
                resourceVersion: '9',
              },
            },
            { ip: '192.168.1.10' },
            { ip: '10.9.9.9', targetRef: { kind: 'Node', name: 'n1', uid: 'node-uid' } },
          ],
          notReadyAddresses: [{ ip: '10.1.0.5', targetRef: { kind: 'Pod', name: 'db-1' } }],
          ports: [{ port: 5432 }],
        },
      ],
    };
    assert.deepEqual(toHostEndpoints(virtual, options), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'db-x-default-x-my-vcluster',
        namespace: 'test-namespace',
        labels: markers('default'),
        annotations: identity('Endpoints', 'db', 'default'),
        ownerReferences: ownerRefs,
      },
      subsets: [
        {
          addresses: [
            {
              ip: '10.1.0.4',
              targetRef: { kind: 'Pod', name: 'db-0-x-default-x-my-vcluster', namespace: 'test-namespace' },
            },
            { ip: '192.168.1.10' },
            { ip: '10.9.9.9', targetRef: { kind: 'Node', name: 'n1', uid: 'node-uid' } },
          ],
          notReadyAddresses: [
            {
              ip: '10.1.0.5',
              targetRef: { kind: 'Pod', name: 'db-1-x-default-x-my-vcluster', namespace: 'test-namespace' },
            },
          ],
          ports: [{ port: 5432 }],
        },
      ],
    });
  });
});
