/**
 * TLS on kine's TCP listener: etcdctl with a client certificate works; without one it is refused
 * (--trusted-ca-file set); a non-loopback address without TLS is a usage error (exit code 2).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { binary, freePort, killAll, REPO_ROOT, removeDir, startKineProcess, tempDir, waitFor } from './harness.js';
import { makePki } from './pki.js';

const run = promisify(execFile);

describe('kine TLS', { timeout: 120_000 }, () => {
  const dir = tempDir('kine-tls');
  after(async () => {
    await killAll();
    removeDir(dir);
  });

  it('refuses a non-loopback address without TLS as a usage error', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/vcluster.js'), 'kine', '--endpoint', `sqlite://${join(dir, 'x.db')}`, '--listen-address', '0.0.0.0:0'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /without TLS on a non-loopback address/);
  });

  it('serves etcdctl with a client certificate on 0.0.0.0 and refuses it without one', async () => {
    const pki = makePki(dir);
    const port = await freePort();
    startKineProcess(dir, `0.0.0.0:${port}`, ['--cert-file', pki.apiserverCrt, '--key-file', pki.apiserverKey, '--trusted-ca-file', pki.caCrt]);
    const etcdctl = binary('etcdctl');
    const base = ['--endpoints', `https://127.0.0.1:${port}`, '--cacert', pki.caCrt, '--command-timeout', '5s'];
    const withCert = [...base, '--cert', pki.adminCrt, '--key', pki.adminKey];
    await waitFor('kine over TLS', async () => (await run(etcdctl, [...withCert, 'endpoint', 'status'])).stdout.length > 0, 30_000, join(dir, 'kine.log'));
    await run(etcdctl, [...withCert, 'put', '/tls/a', 'b']);
    const { stdout } = await run(etcdctl, [...withCert, 'get', '/tls/a', '--print-value-only']);
    assert.equal(stdout.trim(), 'b');
    await assert.rejects(run(etcdctl, [...base, '--dial-timeout', '3s', 'get', '/tls/a']), 'no client certificate: refused');
  });
});
