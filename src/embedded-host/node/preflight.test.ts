import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNI_PLUGINS, findNodeSystem } from './preflight.js';

describe('findNodeSystem', () => {
  let dir = '';
  const exe = async (path: string): Promise<void> => {
    await writeFile(path, '#!/bin/sh\n');
    await chmod(path, 0o755);
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vcts-preflight-'));
    await mkdir(join(dir, 'cni'));
    for (const p of CNI_PLUGINS) await exe(join(dir, 'cni', p));
    await exe(join(dir, 'ip'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases = [
    {
      name: 'runc missing: named with its package and the way out',
      tools: [{ name: 'runc', candidates: ['/nonexistent/runc'], debianPackage: 'runc' }],
      cni: 'cni',
      error: /missing runc \(\/nonexistent\/runc\)[\s\S]*/,
      hint: /apt-get install runc.*--real-nodes 0/,
    },
    {
      name: 'CNI plugins missing',
      tools: [{ name: 'ip', candidates: ['IP'], debianPackage: 'iproute2' }],
      cni: 'nowhere',
      error: /the CNI plugins bridge, host-local, loopback, portmap/,
      hint: /apt-get install containernetworking-plugins/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const tools = c.tools.map((t) => ({ ...t, candidates: t.candidates.map((p) => (p === 'IP' ? join(dir, 'ip') : p)) }));
      await assert.rejects(findNodeSystem({ tools, cniDirs: [join(dir, c.cni)] }), (err: Error & { hint?: string; code?: string }) => {
        assert.match(err.message, /^a real node cannot run on this machine: /);
        assert.match(err.message, c.error);
        assert.match(err.hint ?? '', c.hint);
        assert.equal(err.code, 'PRECONDITION');
        return true;
      });
    });
  }

  it('finds what is there', async () => {
    const sys = await findNodeSystem({ tools: [{ name: 'ip', candidates: [join(dir, 'ip')], debianPackage: 'iproute2' }], cniDirs: [join(dir, 'cni')] });
    assert.equal(sys.tools.ip, join(dir, 'ip'));
    assert.equal(sys.cniBinDir, join(dir, 'cni'));
  });
});
