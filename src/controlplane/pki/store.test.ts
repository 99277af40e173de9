import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from './store.js';
import { subjectAltNames } from './inspect.js';

const spec = { name: 'my-vcluster', clusterDomain: 'cluster.local', serviceIp: '10.96.0.1' };

describe('ensurePki', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pki-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('issues a serving cert signed by the CA with the kubernetes SANs', async () => {
    const pki = await ensurePki(dir, spec);
    const ca = new X509Certificate(pki.ca.cert);
    const server = new X509Certificate(pki.leaves.apiserver.cert);
    assert.ok(server.checkIssued(ca));
    assert.ok(server.verify(ca.publicKey));
    assert.equal(ca.ca, true);
    assert.equal(server.ca, false);
    const sans = subjectAltNames(pki.leaves.apiserver.cert);
    for (const want of [
      'DNS:kubernetes',
      'DNS:kubernetes.default.svc.cluster.local',
      'DNS:my-vcluster',
      'IP:127.0.0.1',
      'IP:10.96.0.1',
    ]) {
      assert.ok(sans.includes(want), `missing SAN ${want} in ${sans.join(',')}`);
    }
  });

  it('gives the admin user system:masters and signs the front-proxy client with its own CA', async () => {
    const pki = await ensurePki(dir, spec);
    const admin = new X509Certificate(pki.leaves.admin.cert);
    assert.match(admin.subject, /O=system:masters/);
    const fp = new X509Certificate(pki.leaves['front-proxy-client'].cert);
    assert.ok(fp.checkIssued(new X509Certificate(pki.frontProxyCa.cert)));
    assert.ok(!fp.checkIssued(new X509Certificate(pki.ca.cert)));
  });

  it('writes a usable service-account key pair, private files 0600', async () => {
    const pki = await ensurePki(dir, spec);
    const priv = createPrivateKey(pki.serviceAccount.key);
    const pub = createPublicKey(pki.serviceAccount.pub);
    assert.equal(priv.asymmetricKeyType, 'ec');
    assert.equal(pub.asymmetricKeyType, 'ec');
    assert.equal((await stat(join(dir, 'sa.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
    assert.equal(await readFile(join(dir, 'client-ca.crt'), 'utf8'), pki.ca.cert);
  });

  it('reuses everything on a second run', async () => {
    const first = await ensurePki(dir, spec);
    const second = await ensurePki(dir, spec);
    assert.equal(second.ca.cert, first.ca.cert);
    assert.equal(second.leaves.apiserver.cert, first.leaves.apiserver.cert);
    assert.equal(second.serviceAccount.key, first.serviceAccount.key);
  });

  it('re-issues only the serving cert when the SANs change, keeping the CA', async () => {
    const first = await ensurePki(dir, spec);
    const second = await ensurePki(dir, { ...spec, extraSans: ['vc.example.com', '192.0.2.10'] });
    assert.equal(second.ca.cert, first.ca.cert);
    assert.notEqual(second.leaves.apiserver.cert, first.leaves.apiserver.cert);
    assert.equal(second.leaves.admin.cert, first.leaves.admin.cert);
    const sans = subjectAltNames(second.leaves.apiserver.cert);
    assert.ok(sans.includes('DNS:vc.example.com'));
    assert.ok(sans.includes('IP:192.0.2.10'));
  });
});
