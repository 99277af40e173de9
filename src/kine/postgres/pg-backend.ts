/**
 * The PostgreSQL backend: the same revision semantics as the SQLite one (backend/log-backend.ts:
 * general Txn, real per-key versions, leases, compaction, watch) over PgLog, asynchronously.
 * Every request runs alone on the backend's queue, so a txn's compares, reads and writes see one
 * state and its events are published right after COMMIT, before the next request starts: local
 * watchers see every revision in order with no polling. Rows written by another process on the
 * same database (which takes the same advisory lock) are picked up by a poll every
 * `pollIntervalMs` and before each write, and delivered in revision order too.
 */
import type { Logger } from '../../lib/logger.js';
import type { Backend, DbSize, LeaseTimeToLive, ReplaySink, WatchStart } from '../backend/backend.js';
import { compareRows } from '../backend/compare.js';
import { checkCompactRevision, Compactor } from '../backend/compaction.js';
import { heldBy, LeaseTable, planGrant, revocationOrder, type LeaseState } from '../backend/leases.js';
import { countResult, liveRow, needsCount, planRange, rangeResult } from '../backend/range-plan.js';
import { rowToEvent, rowToKv } from '../backend/rows.js';
import { checkTxn } from '../backend/txn-check.js';
import { branch, mayWrite, takenOps, txnResult, type LeafOp } from '../backend/txn-walk.js';
import { WatchHub, type WatchListener } from '../backend/watch-hub.js';
import { liveListener, nextPageFrom, planReplay, REPLAY_PAGE, watchCompacted, watchReplays } from '../backend/watch-start.js';
import {
  deleteDone, deleteResult, leaseKeyDelete, newWriteEffects, planPut, putDone, tombstoneRow, writeEffects, type WriteEffects,
} from '../backend/write-rows.js';
import { Errors } from '../errors.js';
import { keyToName, rangeToBounds, type NameBounds } from '../sqlite/key-text.js';
import type { Row } from '../sql/row.js';
import type {
  DeleteRequest, DeleteResult, KeyRange, KeyValue, PutRequest, PutResult, RangeRequest, RangeResult, ResponseOp,
  Revisioned, TxnRequest, TxnResult,
} from '../types.js';
import { postgresDialect } from './dialect.js';
import type { PgLog } from './pg-log.js';
import { SerialQueue } from './serial-queue.js';

export interface PgBackendOptions {
  readonly log: Logger;
  /** @default 1000 */
  readonly compactBatchSize?: number;
  /** @default 2 */
  readonly minLeaseTtlSeconds?: number;
  /** @default 500 */
  readonly leaseCheckIntervalMs?: number;
  /** How often rows written by other processes are looked for (0 = never). @default 1000 */
  readonly pollIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Go kine's PostgreSQL `lease` column is INTEGER. */
const MAX_LEASE_ID = 0x7fffffff;

export class PgBackend implements Backend {
  private readonly log: Logger;
  private readonly hub = new WatchHub();
  private readonly leases = new LeaseTable();
  private readonly queue = new SerialQueue();
  private readonly now: () => number;
  private readonly minLeaseTtl: number;
  private readonly leaseCheckMs: number;
  private readonly pollMs: number;
  private readonly compactor: Compactor;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private published = 0;

  constructor(
    readonly sql: PgLog,
    options: PgBackendOptions,
  ) {
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.minLeaseTtl = options.minLeaseTtlSeconds ?? 2;
    this.leaseCheckMs = options.leaseCheckIntervalMs ?? 500;
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.compactor = new Compactor(sql, {
      log: this.log,
      batchSize: options.compactBatchSize ?? 1000,
      now: this.now,
      stopped: () => this.stopped,
      exclusive: (fn) => this.queue.run(async () => fn()),
    });
  }

  async start(): Promise<void> {
    const now = this.now();
    const leases = await this.sql.loadLeases();
    this.leases.restore(leases, await this.sql.leasedKeys(), this.minLeaseTtl, now);
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.leaseCheckMs, () => void this.expireLeases());
    if (this.pollMs > 0) {
      every(this.pollMs, () => {
        this.queue.run(() => this.catchUp()).catch((err: unknown) => this.log.warn({ err }, 'poll for other writers failed'));
      });
    }
    this.compactor.resume(this.sql.compactRevision());
    this.published = this.sql.currentRevision();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.queue.drain();
    await this.compactor.idle();
  }

  /**
   * The newest revision whose events have been published: a progress answer or a header carrying
   * it promises the watcher has everything up to it (the log's own revision runs ahead while a
   * write transaction is open).
   */
  currentRevision(): number {
    return this.published;
  }

  compactRevision(): number {
    return this.sql.compactRevision();
  }

  watcherCount(): number {
    return this.hub.size();
  }

  async waitForCompaction(): Promise<void> {
    await this.compactor.idle();
  }

  /** Delivers rows other processes committed since our revision, then adopts their revision. */
  private async catchUp(): Promise<void> {
    const max = await this.sql.maxRevision();
    const from = this.sql.currentRevision() + 1;
    if (max < from) return;
    for (let next: number | undefined = from; next !== undefined; ) {
      const rows = await this.sql.after('', undefined, next, max, REPLAY_PAGE);
      const events = rows.map(rowToEvent);
      for (const e of events) this.leases.attach(keyToName(e.kv.key), e.prevKv?.lease ?? 0, e.type === 'PUT' ? e.kv.lease : 0);
      this.hub.publish(events, Math.min(rows[rows.length - 1]?.id ?? max, max));
      next = nextPageFrom(rows, REPLAY_PAGE);
    }
    this.sql.advanceTo(max);
    this.published = this.sql.currentRevision();
  }

  // ---- reads ----

  range(req: RangeRequest): Promise<Revisioned<RangeResult>> {
    return this.queue.run(async () => {
      const result = await this.doRange(req);
      return { revision: this.sql.currentRevision(), result };
    });
  }

  private async doRange(req: RangeRequest): Promise<RangeResult> {
    const plan = planRange(req, this.sql.currentRevision(), this.compactRevision());
    const b = plan.bounds;
    if (b.kind === 'empty') return rangeResult(plan, [], 0);
    if (b.kind === 'single') {
      const rows = liveRow(await this.sql.get(b.name, plan.rev));
      return rangeResult(plan, rows, rows.length);
    }
    if (plan.countOnly) return countResult(await this.sql.count(b.start, b.end, plan.rev));
    const rows = await this.sql.list(b.start, b.end, plan.rev, plan.fetchLimit, plan.fetchKeysOnly);
    return rangeResult(plan, rows, needsCount(plan, rows.length) ? await this.sql.count(b.start, b.end, plan.rev) : rows.length);
  }

  private async liveRows(bounds: NameBounds): Promise<Row[]> {
    if (bounds.kind === 'empty') return [];
    if (bounds.kind === 'single') return liveRow(await this.sql.get(bounds.name, this.sql.currentRevision()));
    return this.sql.list(bounds.start, bounds.end, this.sql.currentRevision(), 0, false);
  }

  // ---- writes ----

  txn(req: TxnRequest): Promise<Revisioned<TxnResult>> {
    try {
      checkTxn(req);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (this.stopped && mayWrite(req)) return Promise.reject(Errors.stopped());
    return this.queue.run(async () => {
      if (!mayWrite(req)) {
        const path: boolean[] = [];
        await this.resolvePath(req, path);
        return { revision: this.sql.currentRevision(), result: await this.execTxn(req, path, undefined) };
      }
      const fx = newWriteEffects();
      const result = await this.sql.transaction(async () => {
        await this.catchUp();
        const path: boolean[] = [];
        await this.resolvePath(req, path);
        return this.execTxn(req, path, fx);
      });
      this.afterCommit(fx);
      return { revision: this.sql.currentRevision(), result };
    });
  }

  private afterCommit(fx: WriteEffects): void {
    this.leases.move(fx.leaseMoves);
    this.published = this.sql.currentRevision();
    this.hub.publish(fx.events, this.published);
  }

  private async resolvePath(t: TxnRequest, path: boolean[]): Promise<void> {
    let ok = true;
    for (const c of t.compare) {
      if (!compareRows(c, await this.liveRows(rangeToBounds(c)))) {
        ok = false;
        break;
      }
    }
    path.push(ok);
    for (const op of branch(t, ok)) if (op.type === 'txn') await this.resolvePath(op.txn, path);
  }

  private async execTxn(t: TxnRequest, path: boolean[], fx: WriteEffects | undefined): Promise<TxnResult> {
    const responses: ResponseOp[] = [];
    for (const op of takenOps(t, path)) responses.push(await this.execOp(op, fx));
    return txnResult(t, path, responses);
  }

  private async execOp(op: LeafOp, fx: WriteEffects | undefined): Promise<ResponseOp> {
    switch (op.type) {
      case 'range':
        return { type: 'range', range: await this.doRange(op.range), revision: this.sql.currentRevision() };
      case 'put':
        return { type: 'put', put: await this.doPut(op.put, writeEffects(fx)), revision: this.sql.currentRevision() };
      case 'delete':
        return { type: 'delete', delete: await this.doDelete(op.delete, writeEffects(fx)), revision: this.sql.currentRevision() };
    }
  }

  private async doPut(p: PutRequest, fx: WriteEffects): Promise<PutResult> {
    const name = keyToName(p.key);
    if (!postgresDialect.storable(name)) throw Errors.malformed('PostgreSQL cannot store a key containing a NUL byte');
    const plan = planPut(p, name, await this.sql.get(name, this.sql.currentRevision()), this.leases);
    return putDone(p, plan, await this.sql.insert(plan.row), fx);
  }

  private async doDelete(d: DeleteRequest, fx: WriteEffects): Promise<DeleteResult> {
    const prevKvs: KeyValue[] = [];
    for (const row of await this.liveRows(rangeToBounds(d))) {
      const kv = rowToKv(row);
      deleteDone(row, kv, await this.sql.insert(tombstoneRow(row, kv)), fx);
      prevKvs.push(kv);
    }
    return deleteResult(d, prevKvs);
  }

  // ---- compaction ----

  async compact(rev: number, physical: boolean): Promise<number> {
    await this.queue.run(async () => {
      checkCompactRevision(rev, this.sql.currentRevision(), this.compactRevision());
      await this.sql.setCompactRevision(rev);
    });
    this.compactor.schedule(rev);
    if (physical) await this.compactor.idle();
    return this.sql.currentRevision();
  }

  // ---- watch ----

  watch(range: KeyRange, startRevision: number, listener: WatchListener): Promise<WatchStart> {
    return this.queue.run(async () => {
      const compactRev = this.compactRevision();
      if (watchCompacted(startRevision, compactRev)) return { kind: 'compacted', compactRevision: compactRev };
      const current = this.sql.currentRevision();
      if (watchReplays(startRevision, current)) await this.doReplay(range, startRevision, listener.onEvents.bind(listener));
      return this.hub.register(liveListener(listener, startRevision, current));
    });
  }

  replay(range: KeyRange, from: number, sink: ReplaySink): Promise<boolean> {
    return this.queue.run(() => this.doReplay(range, from, sink));
  }

  private async doReplay(range: KeyRange, from: number, sink: ReplaySink): Promise<boolean> {
    const scan = planReplay(range, from, this.sql.currentRevision(), this.compactRevision());
    if (scan.kind !== 'scan') return scan.kind === 'none';
    for (let next: number | undefined = scan.from; next !== undefined; ) {
      const rows = await this.sql.after(scan.start, scan.end, next, scan.to, REPLAY_PAGE);
      if (rows.length > 0) sink(rows.map(rowToEvent), scan.to);
      next = nextPageFrom(rows, REPLAY_PAGE);
    }
    return true;
  }

  dbSize(): Promise<DbSize> {
    return this.queue.run(() => this.sql.dbSize());
  }

  // ---- leases ----

  leaseGrant(ttl: number, id: number): Promise<{ id: number; ttl: number }> {
    return this.queue.run(async () => {
      const grant = planGrant(ttl, id, { leases: this.leases, minTtl: this.minLeaseTtl, maxId: MAX_LEASE_ID });
      await this.sql.saveLease(grant.id, grant.ttl);
      this.leases.add(grant.id, grant.ttl, this.now());
      return grant;
    });
  }

  leaseRevoke(id: number): Promise<number> {
    return this.queue.run(async () => {
      const l = this.leases.get(id);
      if (l === undefined) throw Errors.leaseNotFound();
      await this.revoke(l);
      return this.sql.currentRevision();
    });
  }

  private async revoke(l: LeaseState): Promise<void> {
    const fx = newWriteEffects();
    await this.sql.transaction(async () => {
      await this.catchUp();
      for (const name of revocationOrder(l)) {
        const row = await this.sql.get(name, this.sql.currentRevision());
        if (heldBy(row, l.id)) await this.doDelete(leaseKeyDelete(row), fx);
      }
      await this.sql.deleteLease(l.id);
    });
    this.leases.delete(l.id);
    this.afterCommit(fx);
  }

  leaseKeepAlive(id: number): number {
    return this.leases.keepAlive(id, this.now());
  }

  leaseTimeToLive(id: number): LeaseTimeToLive | undefined {
    return this.leases.timeToLive(id, this.now());
  }

  leaseList(): number[] {
    return this.leases.ids();
  }

  private async expireLeases(): Promise<void> {
    if (this.stopped) return;
    for (const l of this.leases.expired(this.now())) {
      try {
        await this.queue.run(async () => {
          if (this.leases.get(l.id) === l && l.expiresAt <= this.now()) await this.revoke(l);
        });
        this.log.debug({ lease: l.id, keys: l.keys.size }, 'lease expired');
      } catch (err) {
        this.log.warn({ err, lease: l.id }, 'lease expiry failed; will retry');
      }
    }
  }
}
