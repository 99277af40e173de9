/**
 * Physical compaction: after the backend has recorded a compact revision (reads below it fail at
 * once), superseded rows and old tombstones are removed in the background in short batches, so a
 * writer never waits long behind it; progress is stored, so a restart resumes where it stopped.
 */
import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { Logger } from '../../lib/logger.js';
import { Errors } from '../errors.js';
import type { MaybePromise } from './backend.js';

/** etcd's Compact checks: the revision is above the current compaction and not in the future. */
export function checkCompactRevision(rev: number, current: number, compactRev: number): void {
  if (rev <= compactRev) throw Errors.compacted();
  if (rev > current) throw Errors.futureRev();
}

/** What compaction needs from a log. */
export interface CompactionLog {
  /** Revision up to which superseded rows have been removed. */
  compactedThroughRevision(): number;
  /** Removes rows superseded by a row with id in (lo, hi] and tombstones in (lo, hi] below `target`; returns rows removed. */
  compactBatch(lo: number, hi: number, target: number): MaybePromise<number>;
  /** Reclaims space after a run (SQLite: a PASSIVE WAL checkpoint). */
  checkpoint(): MaybePromise<void>;
}

export interface CompactorOptions {
  readonly log: Logger;
  /** Revisions per compaction transaction (at least 10). */
  readonly batchSize: number;
  readonly now: () => number;
  /** The owner stopped: finish the current batch and return. */
  readonly stopped: () => boolean;
  /** Runs one step exclusively of the owner's other work (PostgreSQL: its request queue). @default runs it directly */
  readonly exclusive?: <T>(fn: () => MaybePromise<T>) => Promise<T>;
}

export class Compactor {
  private target = 0;
  private running: Promise<void> | undefined;
  private readonly batchSize: number;

  constructor(
    private readonly store: CompactionLog,
    private readonly o: CompactorOptions,
  ) {
    this.batchSize = Math.max(o.batchSize, 10);
  }

  /** Compacts up to `target` (raised if a run is under way). */
  schedule(target: number): void {
    this.target = Math.max(this.target, target);
    if (this.running !== undefined) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Finishes a compaction to `compactRev` a previous process recorded but did not complete. */
  resume(compactRev: number): void {
    if (this.store.compactedThroughRevision() < compactRev) this.schedule(compactRev);
  }

  /** Resolves when no run is under way. */
  async idle(): Promise<void> {
    await this.running;
  }

  private step<T>(fn: () => MaybePromise<T>): Promise<T> {
    return this.o.exclusive !== undefined ? this.o.exclusive(fn) : Promise.resolve(fn());
  }

  private async run(): Promise<void> {
    const started = this.o.now();
    let removed = 0;
    while (!this.o.stopped() && this.store.compactedThroughRevision() < this.target) {
      const lo = this.store.compactedThroughRevision();
      const hi = Math.min(lo + this.batchSize, this.target);
      const target = this.target;
      try {
        removed += await this.step(() => this.store.compactBatch(lo, hi, target));
      } catch (err) {
        this.o.log.warn({ err, lo, hi }, 'compaction batch failed; will retry');
        await new Promise((r) => setTimeout(r, 250));
      }
      await yieldTurn();
    }
    try {
      await this.step(() => this.store.checkpoint());
    } catch (err) {
      this.o.log.debug({ err }, 'checkpoint after compaction failed');
    }
    this.o.log.info({ target: this.target, removed, ms: this.o.now() - started }, 'compacted');
  }
}
