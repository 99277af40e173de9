import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VClusterStateSchema } from '../controlplane/state.js';
import { credentialsFromSecretData, hostOnlyState, isControlPlaneStatefulSet } from './helm-installed.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('isControlPlaneStatefulSet', () => {
  const cases: {
    name: string;
    sts: { metadata?: { labels?: Record<string, string> } } | undefined;
    want: boolean;
  }[] = [
    {
      name: 'the chart/driver labels',
      sts: { metadata: { labels: { app: 'vcluster', release: 'my-vc' } } },
      want: true,
    },
    {
      name: 'another release',
      sts: { metadata: { labels: { app: 'vcluster', release: 'other' } } },
      want: false,
    },
    {
      name: 'some other StatefulSet of that name',
      sts: { metadata: { labels: { app: 'db' } } },
      want: false,
    },
    { name: 'no labels', sts: {}, want: false },
    { name: 'absent', sts: undefined, want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isControlPlaneStatefulSet('my-vc', c.sts), c.want));
});

describe('credentialsFromSecretData', () => {
  const full = {
    'certificate-authority': b64('CA'),
    'client-certificate': b64('CERT'),
    'client-key': b64('KEY'),
    config: b64('kubeconfig'),
  };
  const cases = [
    {
      name: 'Secret vc-NAME as the syncer publishes it',
      data: full,
      want: { caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' },
    },
    {
      name: 'no key',
      data: { 'certificate-authority': b64('CA'), 'client-certificate': b64('CERT') },
      want: undefined,
    },
    { name: 'empty value', data: { ...full, 'client-key': '' }, want: undefined },
    { name: 'no data', data: undefined, want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(credentialsFromSecretData(c.data), c.want));
});

describe('hostOnlyState', () => {
  it('is a valid kubernetes-driver state on the pod port', () => {
    const s = hostOnlyState('my-vc', 'helm-ns', 'vcluster-host', '2026-01-01T00:00:00Z');
    assert.deepEqual(VClusterStateSchema.parse(s), s);
    assert.equal(s.driver, 'kubernetes');
    assert.equal(s.ports.apiServer, 8443);
  });
});
