/**
 * Per-item retry delays, as client-go's workqueue rate limiters: exponential per-item backoff, an
 * overall token bucket, and the max of several.
 */
import type { Clock } from '../lib/clock.js';
import { TokenBucket } from '../lib/token-bucket.js';

export interface RateLimiter<T> {
  /** The delay before `item` may be retried; counts a failure. */
  when(item: T): number;
  /** Clears the failure history of `item` (after a success). */
  forget(item: T): void;
  /** How many failures have been counted for `item`. */
  numRequeues(item: T): number;
}

/** base × 2^failures, capped at max (client-go ItemExponentialFailureRateLimiter). */
export class ExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  readonly #failures = new Map<T, number>();
  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1_000_000,
  ) {}

  when(item: T): number {
    const failures = this.#failures.get(item) ?? 0;
    this.#failures.set(item, failures + 1);
    const delay = this.baseDelayMs * 2 ** failures;
    return Number.isFinite(delay) ? Math.min(delay, this.maxDelayMs) : this.maxDelayMs;
  }

  forget(item: T): void {
    this.#failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.#failures.get(item) ?? 0;
  }
}

/** An overall token bucket (client-go BucketRateLimiter): `qps` tokens per second, `burst` at most. */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  readonly #bucket: TokenBucket;
  constructor(
    clock: Clock,
    readonly qps = 10,
    readonly burst = 100,
  ) {
    this.#bucket = new TokenBucket(qps, burst, clock);
  }

  when(_item: T): number {
    return Math.ceil(this.#bucket.reserve()); // reserves a token, possibly in the future
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest delay of several limiters (client-go MaxOfRateLimiter). */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  readonly #limiters: readonly RateLimiter<T>[];
  constructor(...limiters: RateLimiter<T>[]) {
    this.#limiters = limiters;
  }

  when(item: T): number {
    return Math.max(0, ...this.#limiters.map((l) => l.when(item)));
  }

  forget(item: T): void {
    for (const l of this.#limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    return Math.max(0, ...this.#limiters.map((l) => l.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: max(exponential 5 ms…1000 s, bucket 10 qps / 100 burst). */
export function defaultControllerRateLimiter<T>(clock: Clock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ExponentialFailureRateLimiter<T>(5, 1_000_000),
    new BucketRateLimiter<T>(clock, 10, 100),
  );
}
