/**
 * Client-side request throttling: a token bucket (src/lib/token-bucket.ts) of `qps` tokens per
 * second holding at most `burst` (client-go's flowcontrol.NewTokenBucketRateLimiter). Each request
 * reserves a token and waits until it is due, so concurrent callers queue fairly in arrival order.
 * Clock injected.
 */
import { realClock, type Clock } from '../lib/clock.js';
import { TokenBucket } from '../lib/token-bucket.js';

export interface Throttle {
  /** Waits for a token. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** No limit at all. */
export const unlimited: Throttle = { acquire: () => Promise.resolve() };

/** A throttle for `qps`/`burst`; qps ≤ 0 means unlimited. */
export function throttleFor(qps: number | undefined, burst: number | undefined, clock: Clock = realClock): Throttle {
  if (qps === undefined || qps <= 0) return unlimited;
  const bucket = new TokenBucket(qps, Math.max(1, burst ?? Math.ceil(qps)), clock);
  return {
    acquire: async (signal) => {
      const wait = bucket.reserve();
      if (wait > 0) await clock.sleep(wait, signal);
    },
  };
}
