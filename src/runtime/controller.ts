/**
 * A controller: N workers take keys from a WorkQueue and reconcile them one at a time per key.
 * Success forgets the key's backoff; requeueAfterMs forgets and re-adds after the delay; an error
 * re-adds with backoff unless it is terminal. Errors are logged here, once.
 */
import type { Logger } from '../lib/logger.js';
import { formatError } from '../lib/errors.js';
import { realClock, type Clock } from '../lib/clock.js';
import type { RateLimiter } from './rate-limiter.js';
import {
  isTerminalError,
  parseRequestKey,
  requestKey,
  type Reconciler,
  type Request,
  type Result,
} from './reconcile.js';
import { WorkQueue, type AddOptions } from './workqueue.js';

export type ReconcileOutcome = 'success' | 'requeue-after' | 'error' | 'terminal-error';

export interface ReconcileReport {
  readonly controller: string;
  readonly key: string;
  readonly outcome: ReconcileOutcome;
  readonly durationMs: number;
  readonly error?: unknown;
}

export interface ControllerOptions {
  readonly name: string;
  readonly reconciler: Reconciler;
  readonly log: Logger;
  /** Concurrent reconciles (different keys only). @default 10, as vCluster's syncers */
  readonly workers?: number;
  /** @default realClock */
  readonly clock?: Clock;
  /** @default defaultControllerRateLimiter */
  readonly rateLimiter?: RateLimiter<string>;
  /** Called after every reconcile (metrics). */
  readonly onReconcile?: (report: ReconcileReport) => void;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  readonly #options: ControllerOptions;
  /** The options' logger, naming the controller once (a caller's child logger may name it already). */
  readonly #log: Logger;
  readonly #clock: Clock;
  #reconcileCount = 0;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#options = options;
    this.#log = 'controller' in options.log.bindings() ? options.log : options.log.child({ controller: options.name });
    this.#clock = options.clock ?? realClock;
    this.queue = new WorkQueue<string>({
      clock: this.#clock,
      ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
    });
  }

  /** Queues a reconcile of `request`; `{ urgent: true }` puts it ahead of the non-urgent ones. */
  enqueue(request: Request, options: AddOptions = {}): void {
    this.queue.add(requestKey(request), options);
  }

  enqueueAfter(request: Request, delayMs: number): void {
    this.queue.addAfter(requestKey(request), delayMs);
  }

  /** Runs the workers until `signal` aborts; resolves when every in-flight reconcile has finished. */
  async start(signal: AbortSignal): Promise<void> {
    const workers = Math.max(1, this.#options.workers ?? 10);
    const stop = (): void => this.queue.shutDown();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    this.#log.info({ workers }, 'starting controller');
    try {
      await Promise.all(Array.from({ length: workers }, () => this.#worker(signal)));
    } finally {
      signal.removeEventListener('abort', stop);
      this.#log.info({}, 'controller stopped');
    }
  }

  async #worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      if (signal.aborted) {
        this.queue.done(key); // stopping: leave the rest of the queue unprocessed
        return;
      }
      try {
        await this.#process(key, signal);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #process(key: string, signal: AbortSignal): Promise<void> {
    const reconcileId = ++this.#reconcileCount;
    const log = this.#log.child({ key, reconcileId });
    const started = this.#clock.now();
    // a requeue or retry of urgent work stays urgent
    const retry = { urgent: this.queue.takenUrgent(key) };
    let outcome: ReconcileOutcome;
    let error: unknown;
    try {
      const result: Result = await this.#options.reconciler.reconcile(parseRequestKey(key), signal);
      this.queue.forget(key);
      if (result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        this.queue.addAfter(key, result.requeueAfterMs, retry);
        outcome = 'requeue-after';
      } else {
        outcome = 'success';
      }
    } catch (err: unknown) {
      error = err;
      if (isTerminalError(err)) {
        this.queue.forget(key);
        outcome = 'terminal-error';
        log.error({ err: formatError(err) }, 'reconciler error (terminal, not retried)');
      } else {
        this.queue.addRateLimited(key, retry);
        outcome = 'error';
        log.error({ err: formatError(err), requeues: this.queue.numRequeues(key) }, 'reconciler error');
      }
    }
    this.#options.onReconcile?.({
      controller: this.name,
      key,
      outcome,
      durationMs: this.#clock.now() - started,
      ...(error === undefined ? {} : { error }),
    });
  }
}
