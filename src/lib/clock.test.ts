import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from './clock.js';

describe('FakeClock', () => {
  it('fires due timers in order as time advances', () => {
    const clock = new FakeClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    const cancelled = clock.setTimeout(() => fired.push('x'), 5);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.clearTimeout(cancelled);
    clock.advance(15);
    assert.deepEqual(fired, ['a']);
    assert.equal(clock.now(), 115);
    clock.advance(5);
    assert.deepEqual(fired, ['a', 'b']);
    assert.equal(clock.pending, 0);
  });

  it('sleep resolves once time has advanced far enough', async () => {
    const clock = new FakeClock();
    let done = false;
    const slept = clock.sleep(50).then(() => (done = true));
    clock.advance(49);
    await Promise.resolve();
    assert.equal(done, false);
    clock.advance(1);
    await slept;
    assert.equal(done, true);
  });

  it('sleep rejects with AbortError when its signal aborts, and drops its timer', async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const slept = clock.sleep(50, abort.signal);
    abort.abort();
    await assert.rejects(slept, (err: unknown) => err instanceof Error && err.name === 'AbortError');
    assert.equal(clock.pending, 0);
    await assert.rejects(clock.sleep(1, abort.signal), (err: unknown) => err instanceof Error && err.name === 'AbortError');
  });
});
