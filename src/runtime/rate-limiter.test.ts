import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../lib/clock.js';
import {
  BucketRateLimiter,
  ExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiter.js';

describe('ExponentialFailureRateLimiter', () => {
  it('doubles per failure from the base, per item, up to the max', () => {
    const l = new ExponentialFailureRateLimiter<string>(5, 100);
    assert.deepEqual(
      [l.when('a'), l.when('a'), l.when('a'), l.when('a'), l.when('a'), l.when('a')],
      [5, 10, 20, 40, 80, 100],
    );
    assert.equal(l.when('b'), 5, 'items are independent');
    assert.equal(l.numRequeues('a'), 6);
    l.forget('a');
    assert.equal(l.numRequeues('a'), 0);
    assert.equal(l.when('a'), 5);
  });
  it('never overflows', () => {
    const l = new ExponentialFailureRateLimiter<string>(5, 1_000_000);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = l.when('x');
    assert.equal(last, 1_000_000);
  });
});

describe('BucketRateLimiter', () => {
  it('allows a burst, then spaces items at 1/qps, refilling with time', () => {
    const clock = new FakeClock();
    const l = new BucketRateLimiter<string>(clock, 10, 2);
    assert.deepEqual([l.when('a'), l.when('b'), l.when('c'), l.when('d')], [0, 0, 100, 200]);
    clock.advance(1000);
    assert.equal(l.when('e'), 0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is the max of backoff and bucket', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>(clock);
    assert.deepEqual([l.when('a'), l.when('a'), l.when('a')], [5, 10, 20]);
    const max = new MaxOfRateLimiter<string>(
      new ExponentialFailureRateLimiter(1, 10),
      new ExponentialFailureRateLimiter(3, 10),
    );
    assert.equal(max.when('x'), 3);
    assert.equal(max.numRequeues('x'), 1);
  });
});
