import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inClusterEndpoints, relayAddress } from './in-cluster-api.js';

describe('the in-cluster relay address', () => {
  const endpoints = (...ips: string[]) => ({ subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 443 }] }] });
  const cases = [
    { name: 'the embedded host advertises a local veth address', eps: endpoints('10.201.7.1'), local: ['127.0.0.1', '10.201.7.1'], want: '10.201.7.1' },
    { name: 'a remote host (no local address)', eps: endpoints('192.0.2.10'), local: ['127.0.0.1', '10.0.0.5'], want: undefined },
    { name: 'loopback never (pods cannot reach it)', eps: endpoints('127.0.0.1'), local: ['127.0.0.1'], want: undefined },
    { name: 'the first local one of several', eps: endpoints('192.0.2.10', '10.201.7.1'), local: ['10.201.7.1'], want: '10.201.7.1' },
    { name: 'no endpoints', eps: undefined, local: ['10.201.7.1'], want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(relayAddress(c.eps, new Set(c.local)), c.want));
});

describe('inClusterEndpoints', () => {
  it('points Service NAME (port https) at the relay, with the release labels for cleanup', () => {
    assert.deepEqual(inClusterEndpoints('my-vcluster', 'test-namespace', '10.201.7.1', 40123), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'my-vcluster', namespace: 'test-namespace', labels: { app: 'vcluster', release: 'my-vcluster' } },
      subsets: [{ addresses: [{ ip: '10.201.7.1' }], ports: [{ name: 'https', port: 40123, protocol: 'TCP' }] }],
    });
  });
});
