import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice } from '../../k8s/types.js';
import { toHostEndpointSlice } from './translate.js';

const base = (service: string): EndpointSlice => ({
  metadata: {
    name: `${service}-abc`,
    namespace: 'default',
    labels: { 'kubernetes.io/service-name': service },
  },
  addressType: 'IPv4',
  endpoints: [
    { addresses: ['10.1.0.4'], targetRef: { kind: 'Pod', name: 'db-0', namespace: 'default', uid: 'x' } },
  ],
  ports: [{ port: 5432, protocol: 'TCP' }],
});

describe('toHostEndpointSlice', () => {
  const long = 'a-really-long-service-name-that-overflows-the-limit';
  const cases: { name: string; virtual: EndpointSlice; wantService: string; wantName: string }[] = [
    {
      name: 'service-name label points at the host service',
      virtual: base('db'),
      wantService: 'db-x-default-x-my-vcluster',
      wantName: 'db-abc-x-default-x-my-vcluster',
    },
    {
      name: 'long service names use the 63-char-safe host name',
      virtual: base(long),
      wantService: 'a-really-long-service-name-that-overflows-the-limit--2af03f88b2',
      wantName: 'a-really-long-service-name-that-overflows-the-limit--9c9e8a7ffe',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = toHostEndpointSlice(c.virtual, {
        names: { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' },
      });
      assert.equal(got.metadata?.labels?.['kubernetes.io/service-name'], c.wantService);
      assert.equal(got.metadata?.name, c.wantName);
      assert.equal(got.metadata?.labels?.['vcluster.loft.sh/managed-by'], 'my-vcluster');
      assert.deepEqual(got.endpoints[0]?.targetRef, {
        kind: 'Pod',
        name: 'db-0-x-default-x-my-vcluster',
        namespace: 'test-namespace',
        uid: 'x',
      });
      assert.deepEqual(got.ports, [{ port: 5432, protocol: 'TCP' }]);
    });
  }
});
