import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileAtMost } from './read-bounded.js';

describe('readFileAtMost', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'read-bounded-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: { name: string; size: number; max: number; whole: boolean }[] = [
    { name: 'empty file', size: 0, max: 10, whole: true },
    { name: 'exactly the limit', size: 100_000, max: 100_000, whole: true },
    { name: 'one byte over', size: 100_001, max: 100_000, whole: false },
    { name: 'far over', size: 1_000_000, max: 1_000, whole: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const file = join(dir, `${c.size}-${c.max}`);
      await writeFile(file, Buffer.alloc(c.size, 'a'));
      const got = await readFileAtMost(file, c.max);
      if (c.whole) assert.equal(got?.length, c.size);
      else assert.equal(got, undefined);
    });
  }

  it('passes open errors through', async () => {
    await assert.rejects(readFileAtMost(join(dir, 'missing'), 10), { code: 'ENOENT' });
  });
});
