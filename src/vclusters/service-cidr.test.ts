import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeKubeClient } from '../k8s/fake.js';
import { KubeApiError } from '../k8s/errors.js';
import { detectServiceCidr, parseServiceCidr } from './service-cidr.js';

const invalid = (message: string): KubeApiError =>
  new KubeApiError(422, { kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message });

describe('parseServiceCidr', () => {
  const cases: { name: string; message: string; want: string | undefined }[] = [
    {
      name: 'IPv4 range',
      message: 'Service "p" is invalid: spec.clusterIPs: Invalid value: ["0.0.0.1"]: failed to allocate IP 0.0.0.1: provided IP (0.0.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
      want: '10.96.0.0/12',
    },
    { name: 'IPv6 range', message: 'The range of valid IPs is fd00:10:96::/112', want: 'fd00:10:96::/112' },
    { name: 'no range', message: 'forbidden', want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(parseServiceCidr(c.message), c.want));
});

describe('detectServiceCidr', () => {
  it('reads the range from the dry-run create the apiserver refuses', async () => {
    const client = new FakeKubeClient({
      inject: (a) => (a.verb === 'create' && a.kind === 'Service' ? invalid('failed to allocate IP 0.0.0.1: The range of valid IPs is 10.43.0.0/16') : undefined),
    });
    assert.equal(await detectServiceCidr(client), '10.43.0.0/16');
  });

  it('fails with a hint when the answer names no range, or the probe is accepted', async () => {
    const refused = new FakeKubeClient({ inject: () => invalid('nope') });
    await assert.rejects(detectServiceCidr(refused), /detect the host service CIDR/);
    await assert.rejects(detectServiceCidr(new FakeKubeClient()), /the probe Service was accepted/);
  });
});
