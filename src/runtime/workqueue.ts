/**
 * A work queue with client-go semantics:
 * - deduplicating: an item added many times before it is processed is processed once;
 * - per-key serialised: an item being processed is never handed to a second worker; if it is added
 *   meanwhile it is queued again when the first worker calls done();
 * - delayed adds (addAfter) keep the earliest ready time per item;
 * - rate-limited adds use a RateLimiter's per-item backoff;
 * - after shutDown() no new items are accepted, queued items still drain, then get() yields undefined.
 * Beyond client-go: an item added as urgent is handed out before the others (an urgent add promotes
 * an item already queued), except that after URGENT_STREAK urgent items in a row one waiting normal
 * item goes first, so a steady stream of urgent items cannot starve the rest.
 */
import { realClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Urgent items handed out in a row before one waiting normal item gets its turn. */
export const URGENT_STREAK = 8;

export interface AddOptions {
  /** Hand the item out before the non-urgent ones. */
  readonly urgent?: boolean;
}

export interface WorkQueueOptions<T> {
  /** @default realClock */
  readonly clock?: Clock;
  /** @default defaultControllerRateLimiter */
  readonly rateLimiter?: RateLimiter<T>;
}

interface Waiting {
  readonly readyAt: number;
  readonly timer: TimerHandle;
  /** Added as urgent when ready (an urgent delayed add upgrades a pending one). */
  urgent: boolean;
}

export class WorkQueue<T> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<T>;
  #queue: T[] = [];
  #urgentQueue: T[] = [];
  /** Dirty items that are urgent: queued in #urgentQueue, or in process and to be queued there. */
  readonly #urgent = new Set<T>();
  #streak = 0;
  readonly #dirty = new Set<T>();
  readonly #takenUrgent = new Set<T>();
  readonly #processing = new Set<T>();
  readonly #waiting = new Map<T, Waiting>();
  #getters: ((item: T | undefined) => void)[] = [];
  #drainers: (() => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions<T> = {}) {
    this.#clock = options.clock ?? realClock;
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter<T>(this.#clock);
  }

  /** Marks `item` as needing processing. */
  add(item: T, options: AddOptions = {}): void {
    if (this.#shuttingDown) return;
    const urgent = options.urgent === true;
    if (this.#dirty.has(item)) {
      if (!urgent || this.#urgent.has(item)) return;
      this.#urgent.add(item);
      if (this.#processing.has(item)) return; // done() queues it as urgent
      const i = this.#queue.indexOf(item);
      if (i >= 0) this.#queue.splice(i, 1);
      this.#urgentQueue.push(item);
      return;
    }
    this.#dirty.add(item);
    if (urgent) this.#urgent.add(item);
    if (this.#processing.has(item)) return;
    (urgent ? this.#urgentQueue : this.#queue).push(item);
    this.#handOut();
  }

  /** Adds `item` after `delayMs`; an earlier pending ready time for the same item wins. */
  addAfter(item: T, delayMs: number, options: AddOptions = {}): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(item, options);
      return;
    }
    const readyAt = this.#clock.now() + delayMs;
    let urgent = options.urgent === true;
    const existing = this.#waiting.get(item);
    if (existing !== undefined) {
      if (existing.readyAt <= readyAt) {
        existing.urgent ||= urgent;
        return;
      }
      urgent ||= existing.urgent;
      this.#clock.clearTimeout(existing.timer);
    }
    const timer = this.#clock.setTimeout(() => {
      const waiting = this.#waiting.get(item);
      this.#waiting.delete(item);
      this.add(item, { urgent: waiting?.urgent === true });
    }, delayMs);
    this.#waiting.set(item, { readyAt, timer, urgent });
  }

  /** Adds `item` after its rate-limited backoff. */
  addRateLimited(item: T, options: AddOptions = {}): void {
    this.addAfter(item, this.#limiter.when(item), options);
  }

  /** Whether `item`, now in process, was handed out from the urgent lane (its retries stay urgent). */
  takenUrgent(item: T): boolean {
    return this.#takenUrgent.has(item);
  }

  /** Clears the backoff history of `item` (call after a successful process). */
  forget(item: T): void {
    this.#limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.#limiter.numRequeues(item);
  }

  /**
   * The next item to process, waiting if none is ready; undefined once the queue is shut down and
   * empty. The caller must call done(item) when finished.
   */
  get(): Promise<T | undefined> {
    const item = this.#take();
    if (item !== undefined) return Promise.resolve(item);
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `item` as processed; if it was added meanwhile it is queued again. */
  done(item: T): void {
    this.#processing.delete(item);
    this.#takenUrgent.delete(item);
    if (this.#dirty.has(item)) {
      (this.#urgent.has(item) ? this.#urgentQueue : this.#queue).push(item);
      this.#handOut();
    }
    if (this.#processing.size === 0) {
      for (const drained of this.#drainers.splice(0)) drained();
    }
  }

  /** Items ready to be handed out (not counting delayed or in-process ones). */
  len(): number {
    return this.#queue.length + this.#urgentQueue.length;
  }

  /** Items waiting for a delayed add. */
  waitingLen(): number {
    return this.#waiting.size;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops accepting items, cancels delayed adds and releases idle getters once drained. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const waiting of this.#waiting.values()) this.#clock.clearTimeout(waiting.timer);
    this.#waiting.clear();
    if (this.len() === 0) {
      for (const resolve of this.#getters.splice(0)) resolve(undefined);
    }
  }

  /** shutDown(), then resolves when no item is being processed. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  #take(): T | undefined {
    const normalsTurn =
      this.#urgentQueue.length === 0 || (this.#streak >= URGENT_STREAK && this.#queue.length > 0);
    const item = normalsTurn ? this.#queue.shift() : this.#urgentQueue.shift();
    if (item === undefined) return undefined;
    this.#streak = normalsTurn ? 0 : this.#streak + 1;
    if (!normalsTurn) this.#takenUrgent.add(item);
    this.#processing.add(item);
    this.#dirty.delete(item);
    this.#urgent.delete(item);
    return item;
  }

  #handOut(): void {
    while (this.#getters.length > 0 && this.len() > 0) {
      const resolve = this.#getters.shift();
      const item = this.#take();
      if (resolve !== undefined && item !== undefined) resolve(item);
    }
    if (this.#shuttingDown && this.len() === 0) {
      for (const resolve of this.#getters.splice(0)) resolve(undefined);
    }
  }
}
