import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCa, createLeaf } from './certificates.js';
import { compressIpv6, parseSubjectAltNames, secondsUntilExpiry, subjectAltNames } from './inspect.js';

describe('compressIpv6', () => {
  const cases: [string, string][] = [
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['FD00:0:0:0:0:0:0:10', 'fd00::10'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['1:2:3:4:5:6:0:0', '1:2:3:4:5:6::'],
    ['00AB:0:0:0:0:0:0:0001', 'ab::1'],
    ['10.0.0.1', '10.0.0.1'],
  ];
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(compressIpv6(input), want));
});

describe('parseSubjectAltNames', () => {
  it('reads node’s format, JSON-quoted values included', () => {
    assert.deepEqual(
      parseSubjectAltNames(
        'DNS:kubernetes, DNS:"a\\u002cb", IP Address:10.96.0.1, IP Address:0:0:0:0:0:0:0:1, email:x@y',
      ),
      ['DNS:kubernetes', 'DNS:a,b', 'IP:10.96.0.1', 'IP:::1', 'EMAIL:x@y'],
    );
  });
  it('is empty without the extension', () => assert.deepEqual(parseSubjectAltNames(undefined), []));
});

describe('certificate inspection', () => {
  it('reads the SANs and the expiry @peculiar/x509 wrote', async () => {
    const now = new Date();
    const ca = await createCa('test-ca', 10, now);
    const leaf = await createLeaf(
      ca,
      {
        commonName: 'kube-apiserver',
        usage: 'server',
        validityDays: 5,
        dnsNames: ['kubernetes', 'kubernetes.default.svc.cluster.local', 'x"y'],
        ipAddresses: ['127.0.0.1', '10.96.0.1', '::1', '2001:db8::1', 'fd00:0:0:0:0:0:0:10'],
      },
      now,
    );
    assert.deepEqual(subjectAltNames(leaf.cert), [
      'DNS:kubernetes',
      'DNS:kubernetes.default.svc.cluster.local',
      'DNS:x"y',
      'IP:127.0.0.1',
      'IP:10.96.0.1',
      'IP:::1',
      'IP:2001:db8::1',
      'IP:fd00::10',
    ]);
    assert.deepEqual(subjectAltNames(ca.cert), []);
    // notAfter is whole seconds: now + 5 days, truncated.
    const want = Math.floor(
      (Math.floor((now.getTime() + 5 * 86_400_000) / 1000) * 1000 - now.getTime()) / 1000,
    );
    assert.equal(secondsUntilExpiry(leaf.cert, now), want);
    assert.ok(secondsUntilExpiry(leaf.cert, new Date(now.getTime() + 6 * 86_400_000)) < 0);
  });
});
