/**
 * A token bucket (client-go flowcontrol / workqueue BucketRateLimiter): `qps` tokens per second,
 * holding at most `burst`. Pure accounting on an injected clock; the callers decide whether to
 * wait (`reserve`) or refuse (`tryTake`).
 */
import { realClock, type Clock } from './clock.js';

export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: Pick<Clock, 'now'>;
  #tokens: number;
  #last: number;

  /** @param qps tokens per second (> 0); @param burst bucket size (≥ 1) */
  constructor(qps: number, burst: number, clock: Pick<Clock, 'now'> = realClock) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError('token bucket: qps must be > 0 and burst >= 1');
    this.#perMs = qps / 1000;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + Math.max(0, now - this.#last) * this.#perMs);
    this.#last = now;
  }

  /** Takes a token now (possibly going into debt) and returns how many ms to wait before using it. */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : -this.#tokens / this.#perMs;
  }

  /** Takes a token only when one is available now; false (nothing taken) otherwise. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
