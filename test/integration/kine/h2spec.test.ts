/**
 * h2spec (the HTTP/2 conformance suite: generic, http2 and hpack sections, strict mode included)
 * against `vcluster kine` on loopback TCP (cleartext, prior knowledge). Every test must pass and
 * none may be skipped. h2spec is built from its Go module once (test/go/h2spec/build.sh).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitForEtcdApi } from './client.js';
import { freePort, killAll, REPO_ROOT, removeDir, startKineProcess, stopProcess, tailOf, tempDir } from './harness.js';

function buildH2spec(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'test/go/h2spec/build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** "146 tests, 146 passed, 0 skipped, 0 failed" */
function summary(out: string): { tests: number; passed: number; skipped: number; failed: number } {
  const m = /(\d+) tests, (\d+) passed, (\d+) skipped, (\d+) failed/.exec(out);
  assert.ok(m !== null, `no h2spec summary in its output:\n${out.slice(-3000)}`);
  return { tests: Number(m[1]), passed: Number(m[2]), skipped: Number(m[3]), failed: Number(m[4]) };
}

describe('kine HTTP/2 conformance (h2spec)', { timeout: 600_000 }, () => {
  const dir = tempDir('kine-h2spec');
  after(async () => {
    await killAll();
    removeDir(dir);
  });

  it('passes every h2spec test, strict ones included', async () => {
    const h2spec = buildH2spec();
    const port = await freePort();
    const kine = startKineProcess(dir, `127.0.0.1:${port}`);
    await waitForEtcdApi(`http://127.0.0.1:${port}`);
    const r = spawnSync(h2spec, ['--strict', '-h', '127.0.0.1', '-p', String(port), '-o', '5', '-j', join(dir, 'h2spec.xml')], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    const s = summary(out);
    console.log(`h2spec: ${String(s.tests)} tests, ${String(s.passed)} passed, ${String(s.skipped)} skipped, ${String(s.failed)} failed`);
    const failures = out.split('\n').filter((l) => l.includes('×'));
    assert.equal(s.failed, 0, `h2spec failures:\n${failures.join('\n')}\n--- kine log ---\n${tailOf(kine.logFile, 20)}`);
    assert.equal(s.skipped, 0);
    assert.ok(s.passed >= 146, `expected the whole suite, got ${String(s.passed)} tests`);
    assert.equal(kine.child.exitCode, null, 'kine is still running');
    await stopProcess(kine);
  });
});
