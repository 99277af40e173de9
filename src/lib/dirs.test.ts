import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneEmptyDirs } from './dirs.js';

describe('pruneEmptyDirs', () => {
  it('removes the emptied folders up to the top: vc delete leaves no vclusters/<context>/<namespace> behind', async () => {
    const base = await mkdtemp(join(tmpdir(), 'prune-'));
    const home = join(base, 'home');
    const ns = join(home, 'vclusters', 'vcluster-host', 'test-namespace');
    await mkdir(join(ns, 'my-vcluster'), { recursive: true });
    await rm(join(ns, 'my-vcluster'), { recursive: true });
    await pruneEmptyDirs(ns, home);
    assert.deepEqual(await readdir(base), []);
    await rm(base, { recursive: true });
  });
  it('stops at a folder that still holds something, and never goes above the top', async () => {
    const base = await mkdtemp(join(tmpdir(), 'prune-'));
    const home = join(base, 'home');
    await mkdir(join(home, 'vclusters', 'ctx', 'ns-a'), { recursive: true });
    await mkdir(join(home, 'vclusters', 'ctx', 'ns-b', 'other'), { recursive: true });
    await writeFile(join(base, 'keep'), '');
    const removed = await pruneEmptyDirs(join(home, 'vclusters', 'ctx', 'ns-a'), home);
    assert.deepEqual(removed, [join(home, 'vclusters', 'ctx', 'ns-a')]);
    assert.deepEqual(await readdir(join(home, 'vclusters', 'ctx')), ['ns-b']);
    await rm(join(home, 'vclusters', 'ctx', 'ns-b'), { recursive: true });
    await pruneEmptyDirs(join(home, 'vclusters', 'ctx'), join(home, 'vclusters'));
    assert.deepEqual(await readdir(home), [], 'home itself kept: it was not below the top');
    assert.deepEqual((await readdir(base)).sort(), ['home', 'keep']);
    await rm(base, { recursive: true });
  });
  it('skips folders already gone', async () => {
    const base = await mkdtemp(join(tmpdir(), 'prune-'));
    await pruneEmptyDirs(join(base, 'a', 'b', 'c'), base);
    assert.deepEqual(await readdir(join(base, '..')).then((l) => l.includes(base.split('/').pop()!)), false);
  });
});
