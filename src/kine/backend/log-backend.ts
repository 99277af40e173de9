/**
 * Revision semantics over the log: etcd's KV, Txn, Compact, Watch and Lease behaviour on kine's
 * row-per-revision table. Every write runs in one BEGIN IMMEDIATE transaction and its events are
 * published to watchers right after COMMIT, in the same synchronous turn.
 *
 * One difference from etcd remains by construction (id = revision): a request that writes several
 * keys (a multi-op Txn, a DeleteRange over many keys, a lease revocation) commits atomically but
 * gives each key its own consecutive revision; the response header carries the last one.
 */
import type { Logger } from '../../lib/logger.js';
import { Errors } from '../errors.js';
import { keyToName, rangeToBounds, type NameBounds } from '../sqlite/key-text.js';
import type { Row, SqlLog } from '../sqlite/sql-log.js';
import type {
  DeleteRequest, DeleteResult, KeyRange, KeyValue, KvEvent, PutRequest, PutResult, RangeRequest,
  RangeResult, RequestOp, ResponseOp, Revisioned, TxnRequest, TxnResult,
} from '../types.js';
import type { Backend, DbSize, LeaseTimeToLive, ReplaySink, WatchStart } from './backend.js';
import { compareRows } from './compare.js';
import { checkCompactRevision, Compactor } from './compaction.js';
import { heldBy, LeaseTable, planGrant, revocationOrder, type LeaseState } from './leases.js';
import { countResult, liveRow, needsCount, planRange, rangeResult } from './range-plan.js';
import { rowToEvent, rowToKv } from './rows.js';
import { checkTxn } from './txn-check.js';
import { branch, hasWrites, mayWrite, takenOps, txnResult, type LeafOp } from './txn-walk.js';
import { WatchHub, type WatchListener } from './watch-hub.js';
import { liveListener, nextPageFrom, planReplay, REPLAY_PAGE, watchCompacted, watchReplays } from './watch-start.js';
import {
  deleteDone, deleteResult, leaseKeyDelete, newWriteEffects, planPut, putDone, tombstoneRow, writeEffects, type WriteEffects,
} from './write-rows.js';

export interface BackendOptions {
  readonly log: Logger;
  /** Revisions per compaction transaction. @default 1000 */
  readonly compactBatchSize?: number;
  /** Leases shorter than this are granted with this TTL (etcd: 2 s with default raft timing). @default 2 */
  readonly minLeaseTtlSeconds?: number;
  /** How often expired leases are revoked. @default 500 */
  readonly leaseCheckIntervalMs?: number;
  /** Clock in ms (tests). @default Date.now */
  readonly now?: () => number;
}

/** Lease ids drawn at random are at most this (JavaScript's safe integers hold it with room to spare). */
const MAX_LEASE_ID = 0x7fffffffffff;

interface QueuedWrite {
  readonly req: TxnRequest;
  readonly resolve: (r: Revisioned<TxnResult>) => void;
  readonly reject: (err: unknown) => void;
}

/** The SQLite backend: revision semantics over the synchronous log, answering in the caller's turn. */
export class LogBackend implements Backend {
  readonly sql: SqlLog;
  private readonly log: Logger;
  private readonly hub = new WatchHub();
  private readonly leases = new LeaseTable();
  private readonly now: () => number;
  private readonly minLeaseTtl: number;
  private readonly leaseCheckMs: number;
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly compactor: Compactor;
  private stopped = false;
  private readonly queue: QueuedWrite[] = [];
  private flushScheduled = false;

  constructor(sql: SqlLog, options: BackendOptions) {
    this.sql = sql;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.compactor = new Compactor(sql, {
      log: this.log,
      batchSize: options.compactBatchSize ?? 1000,
      now: this.now,
      stopped: () => this.stopped,
    });
    this.minLeaseTtl = options.minLeaseTtlSeconds ?? 2;
    this.leaseCheckMs = options.leaseCheckIntervalMs ?? 500;
  }

  /** Loads leases (renewed to a full TTL, as etcd does after a restart) and starts expiry and any unfinished compaction. */
  start(): void {
    this.leases.restore(this.sql.loadLeases(), this.sql.leasedKeys(), this.minLeaseTtl, this.now());
    this.leaseTimer = setInterval(() => this.expireLeases(), this.leaseCheckMs);
    this.leaseTimer.unref();
    this.compactor.resume(this.sql.compactRevision());
  }

  async stop(): Promise<void> {
    this.flush();
    this.stopped = true;
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
    await this.compactor.idle();
  }

  currentRevision(): number {
    return this.sql.currentRevision();
  }

  dbSize(): DbSize {
    return this.sql.dbSize();
  }

  revision(): number {
    return this.sql.currentRevision();
  }

  compactRevision(): number {
    return this.sql.compactRevision();
  }

  watcherCount(): number {
    return this.hub.size();
  }

  // ---- reads ----

  range(req: RangeRequest): Revisioned<RangeResult> {
    const result = this.doRange(req);
    return { revision: this.revision(), result };
  }

  private doRange(req: RangeRequest): RangeResult {
    const plan = planRange(req, this.revision(), this.compactRevision());
    const b = plan.bounds;
    if (b.kind === 'empty') return rangeResult(plan, [], 0);
    if (b.kind === 'single') {
      const rows = liveRow(this.sql.get(b.name, plan.rev));
      return rangeResult(plan, rows, rows.length);
    }
    if (plan.countOnly) return countResult(this.sql.count(b.start, b.end, plan.rev));
    const rows = this.sql.list(b.start, b.end, plan.rev, plan.fetchLimit, plan.fetchKeysOnly);
    return rangeResult(plan, rows, needsCount(plan, rows.length) ? this.sql.count(b.start, b.end, plan.rev) : rows.length);
  }

  /** Live rows in a range at the current revision (tombstones excluded). */
  private liveRows(bounds: NameBounds): Row[] {
    if (bounds.kind === 'empty') return [];
    if (bounds.kind === 'single') return liveRow(this.sql.get(bounds.name, this.revision()));
    return this.sql.list(bounds.start, bounds.end, this.revision(), 0, false);
  }

  // ---- writes ----

  put(req: PutRequest): Revisioned<PutResult> {
    const r = this.txnSync({ compare: [], success: [{ type: 'put', put: req }], failure: [] });
    const op = r.result.responses[0];
    return { revision: r.revision, result: op?.type === 'put' ? op.put : { prevKv: undefined } };
  }

  deleteRange(req: DeleteRequest): Revisioned<DeleteResult> {
    const r = this.txnSync({ compare: [], success: [{ type: 'delete', delete: req }], failure: [] });
    const op = r.result.responses[0];
    return { revision: r.revision, result: op?.type === 'delete' ? op.delete : { deleted: 0, prevKvs: [] } };
  }

  txnSync(req: TxnRequest): Revisioned<TxnResult> {
    checkTxn(req);
    const path: boolean[] = [];
    this.resolvePath(req, path);
    if (!hasWrites(req, path, { i: 0 })) {
      const result = this.execTxn(req, path, undefined);
      return { revision: this.revision(), result };
    }
    const fx = newWriteEffects();
    const result = this.sql.transaction(() => this.execTxn(req, path, fx));
    this.afterCommit(fx);
    return { revision: this.revision(), result };
  }

  private afterCommit(fx: WriteEffects): void {
    this.leases.move(fx.leaseMoves);
    this.hub.publish(fx.events, this.revision());
  }

  /**
   * The server's write path: like txnSync(), but writes that arrive together are committed together
   * (group commit: one transaction and one fsync for the batch, a savepoint per request), and each
   * request is answered only after that COMMIT. Read-only txns are answered at once.
   */
  txn(req: TxnRequest): Promise<Revisioned<TxnResult>> {
    try {
      checkTxn(req);
      if (!mayWrite(req)) return Promise.resolve(this.txnSync(req));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (this.stopped) return Promise.reject(Errors.stopped());
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const items = this.queue.splice(0);
    if (items.length === 0) return;
    let outcomes;
    try {
      outcomes = this.sql.batch(
        items.map((it) => () => {
          const path: boolean[] = [];
          this.resolvePath(it.req, path);
          const fx = newWriteEffects();
          const result = this.execTxn(it.req, path, fx);
          return { result, fx, revision: this.revision() };
        }),
      );
    } catch (err) {
      for (const it of items) it.reject(err);
      return;
    }
    // One publish for the whole batch: a watcher gets the batch's events (in revision order) in one
    // response instead of one per request, as etcd batches what it has at hand.
    const events: KvEvent[] = [];
    for (const o of outcomes) {
      if (!o.ok) continue;
      this.leases.move(o.value.fx.leaseMoves);
      events.push(...o.value.fx.events);
    }
    this.hub.publish(events, this.revision());
    outcomes.forEach((o, i) => {
      const it = items[i];
      if (it === undefined) return;
      if (o.ok) it.resolve({ revision: o.value.revision, result: o.value.result });
      else it.reject(o.error);
    });
  }

  /** Evaluates every compare of the txn tree against the state before the txn (etcd's order). */
  private resolvePath(t: TxnRequest, path: boolean[]): void {
    const ok = t.compare.every((c) => compareRows(c, this.liveRows(rangeToBounds(c))));
    path.push(ok);
    for (const op of branch(t, ok)) if (op.type === 'txn') this.resolvePath(op.txn, path);
  }

  private execTxn(t: TxnRequest, path: boolean[], fx: WriteEffects | undefined): TxnResult {
    return txnResult(t, path, takenOps(t, path).map((op) => this.execOp(op, fx)));
  }

  private execOp(op: LeafOp, fx: WriteEffects | undefined): ResponseOp {
    switch (op.type) {
      case 'range':
        return { type: 'range', range: this.doRange(op.range), revision: this.revision() };
      case 'put':
        return { type: 'put', put: this.doPut(op.put, writeEffects(fx)), revision: this.revision() };
      case 'delete':
        return { type: 'delete', delete: this.doDelete(op.delete, writeEffects(fx)), revision: this.revision() };
    }
  }

  private doPut(p: PutRequest, fx: WriteEffects): PutResult {
    const name = keyToName(p.key);
    const plan = planPut(p, name, this.sql.get(name, this.revision()), this.leases);
    return putDone(p, plan, this.sql.insert(plan.row), fx);
  }

  private doDelete(d: DeleteRequest, fx: WriteEffects): DeleteResult {
    const prevKvs: KeyValue[] = [];
    for (const row of this.liveRows(rangeToBounds(d))) {
      const kv = rowToKv(row);
      deleteDone(row, kv, this.sql.insert(tombstoneRow(row, kv)), fx);
      prevKvs.push(kv);
    }
    return deleteResult(d, prevKvs);
  }

  // ---- compaction ----

  /**
   * etcd's Compact: rejects future and already-compacted revisions, records the new compact
   * revision at once (reads below it fail from now on) and removes superseded rows in the
   * background in short batches, so writers are never blocked for long. `physical` waits.
   */
  async compact(rev: number, physical: boolean): Promise<number> {
    checkCompactRevision(rev, this.revision(), this.compactRevision());
    this.sql.setCompactRevision(rev);
    this.compactor.schedule(rev);
    if (physical) await this.compactor.idle();
    return this.revision();
  }

  async waitForCompaction(): Promise<void> {
    await this.compactor.idle();
  }

  // ---- watch ----

  /**
   * Starts a watch from `startRevision` (0 = from the next revision): replays retained history
   * synchronously through `listener`, then registers it for live events, in one turn, so nothing
   * is missed or duplicated.
   */
  watch(range: KeyRange, startRevision: number, listener: WatchListener): WatchStart {
    const compactRev = this.compactRevision();
    if (watchCompacted(startRevision, compactRev)) return { kind: 'compacted', compactRevision: compactRev };
    const current = this.revision();
    if (watchReplays(startRevision, current)) this.replay(range, startRevision, listener.onEvents.bind(listener));
    return this.hub.register(liveListener(listener, startRevision, current));
  }

  /**
   * Delivers the stored events of `range` from `from` up to the current revision (synchronously,
   * in pages); used for watch catch-up, also by a watcher that fell behind and resynchronises.
   * Returns false (delivering nothing) when `from` is at or below the compaction.
   */
  replay(range: KeyRange, from: number, onEvents: ReplaySink): boolean {
    const scan = planReplay(range, from, this.revision(), this.compactRevision());
    if (scan.kind !== 'scan') return scan.kind === 'none';
    for (let next: number | undefined = scan.from; next !== undefined; ) {
      const rows = this.sql.after(scan.start, scan.end, next, scan.to, REPLAY_PAGE);
      if (rows.length > 0) onEvents(rows.map(rowToEvent), scan.to);
      next = nextPageFrom(rows, REPLAY_PAGE);
    }
    return true;
  }

  // ---- leases ----

  leaseGrant(ttl: number, id: number): { id: number; ttl: number } {
    const grant = planGrant(ttl, id, { leases: this.leases, minTtl: this.minLeaseTtl, maxId: MAX_LEASE_ID });
    this.sql.transaction(() => this.sql.saveLease(grant.id, grant.ttl));
    this.leases.add(grant.id, grant.ttl, this.now());
    return grant;
  }

  leaseRevoke(id: number): number {
    const l = this.leases.get(id);
    if (l === undefined) throw Errors.leaseNotFound();
    this.revoke(l);
    return this.revision();
  }

  private revoke(l: LeaseState): void {
    const fx = newWriteEffects();
    this.sql.transaction(() => {
      for (const name of revocationOrder(l)) {
        const row = this.sql.get(name, this.revision());
        if (heldBy(row, l.id)) this.doDelete(leaseKeyDelete(row), fx);
      }
      this.sql.deleteLease(l.id);
    });
    this.leases.delete(l.id);
    this.afterCommit(fx);
  }

  /** Renews a lease; returns its TTL, or 0 when it does not exist (etcd's KeepAlive answer). */
  leaseKeepAlive(id: number): number {
    return this.leases.keepAlive(id, this.now());
  }

  leaseTimeToLive(id: number): LeaseTimeToLive | undefined {
    return this.leases.timeToLive(id, this.now());
  }

  leaseList(): number[] {
    return this.leases.ids();
  }

  private expireLeases(): void {
    if (this.stopped) return;
    for (const l of this.leases.expired(this.now())) {
      try {
        this.revoke(l);
        this.log.debug({ lease: l.id, keys: l.keys.size }, 'lease expired');
      } catch (err) {
        this.log.warn({ err, lease: l.id }, 'lease expiry failed; will retry');
      }
    }
  }
}

export type { RequestOp };
