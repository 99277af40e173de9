import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket, throttleFor, unlimited, type ThrottleClock } from './throttle.js';

function fakeClock(): ThrottleClock & { t: number; slept: number[] } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: (ms: number) => {
      c.slept.push(ms);
      return Promise.resolve();
    },
  };
  return c;
}

describe('TokenBucket', () => {
  const cases: { name: string; qps: number; burst: number; steps: { at: number; want: number }[] }[] = [
    {
      name: 'burst is free, then 1/qps apart',
      qps: 10,
      burst: 3,
      steps: [
        { at: 0, want: 0 },
        { at: 0, want: 0 },
        { at: 0, want: 0 },
        { at: 0, want: 100 },
        { at: 0, want: 200 },
      ],
    },
    {
      name: 'refills with time, never above burst',
      qps: 10,
      burst: 2,
      steps: [
        { at: 0, want: 0 },
        { at: 0, want: 0 },
        { at: 1000, want: 0 },
        { at: 1000, want: 0 },
        { at: 1000, want: 100 },
      ],
    },
    {
      name: 'debt is paid back as time passes',
      qps: 1,
      burst: 1,
      steps: [
        { at: 0, want: 0 },
        { at: 0, want: 1000 },
        { at: 500, want: 1500 },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const clock = fakeClock();
      const bucket = new TokenBucket(c.qps, c.burst, clock);
      for (const step of c.steps) {
        clock.t = step.at;
        assert.ok(Math.abs(bucket.reserve() - step.want) < 1e-6, `at ${step.at}`);
      }
    });
  }

  it('acquire sleeps for the reserved wait', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(4, 1, clock);
    await bucket.acquire();
    await bucket.acquire();
    assert.deepEqual(clock.slept, [250]);
  });

  it('rejects nonsense', () => assert.throws(() => new TokenBucket(0, 1), RangeError));
  it('throttleFor(0) is unlimited', () => assert.equal(throttleFor(0, 0), unlimited));
});
