import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

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
    it(`reserve: ${c.name}`, () => {
      const clock = new FakeClock();
      const bucket = new TokenBucket(c.qps, c.burst, clock);
      for (const step of c.steps) {
        clock.advance(step.at - clock.now());
        assert.ok(Math.abs(bucket.reserve() - step.want) < 1e-6, `at ${step.at}`);
      }
    });
  }

  it('tryTake refuses once the burst is spent, and never goes into debt', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(2, 2, clock);
    assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, false]);
    clock.advance(499);
    assert.equal(bucket.tryTake(), false);
    clock.advance(1);
    assert.deepEqual([bucket.tryTake(), bucket.tryTake()], [true, false]);
  });

  it('rejects nonsense', () => {
    assert.throws(() => new TokenBucket(0, 1), RangeError);
    assert.throws(() => new TokenBucket(1, 0), RangeError);
  });
});
