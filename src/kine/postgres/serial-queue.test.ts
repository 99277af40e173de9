import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time in order, a failure not stopping the next', async () => {
    const q = new SerialQueue();
    const seen: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      seen.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      seen.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const a = q.run(task('a', 20));
    const b = q.run(task('b', 1, true));
    const c = q.run(task('c', 1));
    assert.equal(await a, 'a');
    await assert.rejects(b, /b/);
    assert.equal(await c, 'c');
    await q.drain();
    assert.deepEqual(seen, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
