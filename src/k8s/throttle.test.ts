import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../lib/clock.js';
import { throttleFor, unlimited } from './throttle.js';

/** A clock whose sleeps return at once, recording how long they were asked to wait. */
class RecordingClock extends FakeClock {
  readonly slept: number[] = [];
  override sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return Promise.resolve();
  }
}

describe('throttleFor', () => {
  it('acquire sleeps for the reserved wait', async () => {
    const clock = new RecordingClock();
    const throttle = throttleFor(4, 1, clock);
    await throttle.acquire();
    await throttle.acquire();
    assert.deepEqual(clock.slept, [250]);
  });

  it('burst defaults to ceil(qps)', async () => {
    const clock = new RecordingClock();
    const throttle = throttleFor(2.5, undefined, clock);
    for (let i = 0; i < 4; i++) await throttle.acquire();
    assert.deepEqual(clock.slept, [400]);
  });

  it('throttleFor(0) is unlimited', () => assert.equal(throttleFor(0, 0), unlimited));
});
