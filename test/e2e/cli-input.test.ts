/** Bad input to the CLI: a clear error naming the problem, a non-zero exit code, nothing started. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

describe('vcluster CLI input errors', () => {
  const cases: { name: string; args: string[]; env?: Record<string, string>; code: number; stderr: RegExp }[] = [
    { name: 'unknown flag', args: ['host', 'up', '--bogus'], code: 2, stderr: /error: unknown option '--bogus'/ },
    { name: 'unknown command', args: ['hots'], code: 2, stderr: /error: unknown command 'hots'/ },
    { name: '--nodes 0', args: ['host', 'up', '--nodes', '0'], code: 2, stderr: /error: invalid --nodes "0": must be a whole number from 1 to 200/ },
    { name: '--nodes not a number', args: ['host', 'up', '--nodes', 'three'], code: 2, stderr: /invalid --nodes "three"/ },
    { name: '--real-nodes -1', args: ['host', 'up', '--real-nodes', '-1'], code: 2, stderr: /invalid --real-nodes "-1": must be a whole number from 0 to 8/ },
    { name: '--real-nodes not a number', args: ['host', 'up', '--real-nodes', 'one'], code: 2, stderr: /invalid --real-nodes "one"/ },
    { name: '--real-nodes too many', args: ['host', 'up', '--real-nodes', '9'], code: 2, stderr: /invalid --real-nodes "9"/ },
    { name: 'image import of a missing file', args: ['image', 'import', '/nonexistent/image.tar'], code: 3, stderr: /error: image archive \/nonexistent\/image.tar does not exist/ },
    {
      name: 'missing binary directory',
      args: ['--binaries-dir', '/nonexistent/bins', 'host', 'up'],
      code: 3,
      stderr: /error: binary directory \/nonexistent\/bins does not exist\nhint: /,
    },
    {
      name: 'binary directory without the binaries',
      args: ['host', 'up'],
      env: { VCLUSTER_BINARIES_DIR: '/tmp' },
      code: 4,
      stderr: /error: missing binaries in \/tmp: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, kubectl/,
    },
    { name: 'bad output format', args: ['binaries', 'list', '-o', 'yaml'], code: 2, stderr: /invalid --output "yaml"/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const home = await mkdtemp(join(tmpdir(), 'vcluster-cli-test-'));
      try {
        const r = await runCli(c.args, { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig'), ...c.env });
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.stderr);
        assert.deepEqual(await readdir(home), [], 'nothing was created');
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    });
  }

  it('no Go toolchain: `binaries ensure` with an empty cache says what is missing', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'vcluster-cache-test-'));
    try {
      const r = await runCli(['binaries', 'ensure'], { VCLUSTER_CACHE_DIR: cache, PATH: '/nonexistent' });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /error: the Go toolchain \(go\) was not found\nhint: install Go >= 1.26/);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('--help explains the commands', async () => {
    const r = await runCli(['host', '--help']);
    assert.equal(r.code, 0);
    for (const word of ['up', 'status', 'down', 'simulated nodes']) assert.match(r.stdout, new RegExp(word));
    assert.doesNotMatch(r.stdout, /^\s+serve\b/m);
  });
});
