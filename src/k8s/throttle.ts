/**
 * Client-side request throttling: a token bucket of `qps` tokens per second holding at most
 * `burst` (client-go's flowcontrol.NewTokenBucketRateLimiter). Each request reserves a token and
 * waits until it is due, so concurrent callers queue fairly in arrival order. Clock injected.
 */
import { setTimeout as sleepTimer } from 'node:timers/promises';

export interface ThrottleClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: ThrottleClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepTimer(ms, undefined, signal ? { signal } : undefined),
};

export interface Throttle {
  /** Waits for a token. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** No limit at all. */
export const unlimited: Throttle = { acquire: () => Promise.resolve() };

export class TokenBucket implements Throttle {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: ThrottleClock;
  #tokens: number;
  #last: number;

  /** @param qps tokens per second (> 0); @param burst bucket size (≥ 1) */
  constructor(qps: number, burst: number, clock: ThrottleClock = realClock) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError('token bucket: qps must be > 0 and burst >= 1');
    this.#perMs = qps / 1000;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /** Takes a token now (possibly going into debt) and returns how long to wait before using it. */
  reserve(): number {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : -this.#tokens / this.#perMs;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.#clock.sleep(wait, signal);
  }
}

/** A throttle for `qps`/`burst`; qps ≤ 0 means unlimited. */
export function throttleFor(
  qps: number | undefined,
  burst: number | undefined,
  clock?: ThrottleClock,
): Throttle {
  if (qps === undefined || qps <= 0) return unlimited;
  return new TokenBucket(qps, Math.max(1, burst ?? Math.ceil(qps)), clock);
}
