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
import type { Backend, DbSize, ReplaySink, WatchStart } from './backend.js';
import { applyCompare } from './compare.js';
import { Compactor } from './compaction.js';
import { LeaseTable, type LeaseState } from './leases.js';
import { rowToEvent, rowToKv, tombstoneKv } from './rows.js';
import { effectiveSortOrder, finishRange, hasRevisionFilters } from './range-finish.js';
import { checkTxn } from './txn-check.js';
import { hasWrites, mayWrite } from './txn-walk.js';
import { WatchHub, type WatchListener } from './watch-hub.js';

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

const MAX_LEASE_TTL = 9_000_000_000;
const CATCHUP_PAGE = 1000;

interface WriteContext {
  readonly events: KvEvent[];
  readonly leaseMoves: { name: string; from: number; to: number }[];
}

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
    const now = this.now();
    for (const l of this.sql.loadLeases()) this.leases.add(l.id, l.ttl, now);
    for (const k of this.sql.leasedKeys()) {
      if (!this.leases.has(k.lease)) {
        // a key written by Go kine, whose lease id is its TTL in seconds
        this.leases.add(k.lease, Math.min(Math.max(k.lease, this.minLeaseTtl), 3600), now);
      }
      this.leases.attach(k.name, 0, k.lease);
    }
    this.leaseTimer = setInterval(() => this.expireLeases(), this.leaseCheckMs);
    this.leaseTimer.unref();
    if (this.sql.compactedThroughRevision() < this.sql.compactRevision()) this.compactor.schedule(this.sql.compactRevision());
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

  private checkRevision(rev: number): void {
    if (rev > this.revision()) throw Errors.futureRev();
    if (rev > 0 && rev < this.compactRevision()) throw Errors.compacted();
  }

  range(req: RangeRequest): Revisioned<RangeResult> {
    const result = this.doRange(req);
    return { revision: this.revision(), result };
  }

  private doRange(req: RangeRequest): RangeResult {
    if (req.key.length === 0) throw Errors.emptyKey();
    this.checkRevision(req.revision);
    const rev = req.revision > 0 ? req.revision : this.revision();
    const bounds = rangeToBounds(req);
    const filtered = hasRevisionFilters(req);
    const sortOrder = effectiveSortOrder(req);
    const fetchAll = filtered || sortOrder !== 'NONE';

    let rows: Row[];
    let count: number;
    if (bounds.kind === 'empty') {
      rows = [];
      count = 0;
    } else if (bounds.kind === 'single') {
      const r = this.sql.get(bounds.name, rev);
      rows = r !== undefined && !r.deleted ? [r] : [];
      count = rows.length;
    } else if (req.countOnly && !filtered) {
      return { kvs: [], more: false, count: this.sql.count(bounds.start, bounds.end, rev) };
    } else {
      const limit = fetchAll || req.limit <= 0 ? 0 : req.limit + 1;
      rows = this.sql.list(bounds.start, bounds.end, rev, limit, req.keysOnly && !fetchAll);
      count = limit > 0 && rows.length >= limit ? this.sql.count(bounds.start, bounds.end, rev) : rows.length;
    }
    return finishRange(rows.map(rowToKv), req, sortOrder, count);
  }

  /** Live rows in a range at the current revision (tombstones excluded). */
  private liveRows(bounds: NameBounds): Row[] {
    if (bounds.kind === 'empty') return [];
    if (bounds.kind === 'single') {
      const r = this.sql.get(bounds.name, this.revision());
      return r !== undefined && !r.deleted ? [r] : [];
    }
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
      const result = this.execTxn(req, path, { i: 0 }, undefined);
      return { revision: this.revision(), result };
    }
    const ctx: WriteContext = { events: [], leaseMoves: [] };
    const result = this.sql.transaction(() => this.execTxn(req, path, { i: 0 }, ctx));
    this.afterCommit(ctx);
    return { revision: this.revision(), result };
  }

  private afterCommit(ctx: WriteContext, revision = this.revision()): void {
    for (const m of ctx.leaseMoves) this.leases.attach(m.name, m.from, m.to);
    this.hub.publish(ctx.events, revision);
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
          const ctx: WriteContext = { events: [], leaseMoves: [] };
          const result = this.execTxn(it.req, path, { i: 0 }, ctx);
          return { result, ctx, revision: this.revision() };
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
      for (const m of o.value.ctx.leaseMoves) this.leases.attach(m.name, m.from, m.to);
      events.push(...o.value.ctx.events);
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
    const ok = t.compare.every((c) => applyCompare(c, this.liveRows(rangeToBounds(c)).map(rowToKv)));
    path.push(ok);
    for (const op of ok ? t.success : t.failure) if (op.type === 'txn') this.resolvePath(op.txn, path);
  }

  private execTxn(t: TxnRequest, path: boolean[], pos: { i: number }, ctx: WriteContext | undefined): TxnResult {
    const succeeded = path[pos.i++] ?? false;
    const responses: ResponseOp[] = [];
    for (const op of succeeded ? t.success : t.failure) {
      switch (op.type) {
        case 'range':
          responses.push({ type: 'range', range: this.doRange(op.range), revision: this.revision() });
          break;
        case 'put':
          if (ctx === undefined) throw new Error('write outside a transaction');
          responses.push({ type: 'put', put: this.doPut(op.put, ctx), revision: this.revision() });
          break;
        case 'delete':
          if (ctx === undefined) throw new Error('write outside a transaction');
          responses.push({ type: 'delete', delete: this.doDelete(op.delete, ctx), revision: this.revision() });
          break;
        case 'txn':
          responses.push({ type: 'txn', txn: this.execTxn(op.txn, path, pos, ctx), revision: 0 });
          break;
      }
    }
    return { succeeded, responses };
  }

  private doPut(p: PutRequest, ctx: WriteContext): PutResult {
    const name = keyToName(p.key);
    const prev = this.sql.get(name, this.revision());
    const live = prev !== undefined && !prev.deleted ? prev : undefined;
    if ((p.ignoreValue || p.ignoreLease) && live === undefined) throw Errors.keyNotFound();
    const lease = p.ignoreLease && live !== undefined ? live.lease : p.lease;
    if (lease !== 0 && !this.leases.has(lease)) throw Errors.leaseNotFound();
    const value = p.ignoreValue && live !== undefined ? (live.value ?? Buffer.alloc(0)) : p.value;
    const prevKv = live !== undefined ? rowToKv(live) : undefined;
    const id = this.sql.insert({
      name,
      created: prevKv === undefined,
      deleted: false,
      createRevision: prevKv?.createRevision ?? 0,
      prevRevision: prev?.id ?? 0,
      lease,
      value,
      oldValue: live?.value ?? null,
      version: prevKv === undefined ? undefined : prevKv.version + 1,
    });
    const kv: KeyValue = {
      key: p.key,
      createRevision: prevKv?.createRevision ?? id,
      modRevision: id,
      version: prevKv === undefined ? 1 : prevKv.version + 1,
      value,
      lease,
    };
    ctx.events.push({ type: 'PUT', kv, prevKv });
    ctx.leaseMoves.push({ name, from: prevKv?.lease ?? 0, to: lease });
    return { prevKv: p.prevKv ? prevKv : undefined };
  }

  private doDelete(d: DeleteRequest, ctx: WriteContext): DeleteResult {
    const rows = this.liveRows(rangeToBounds(d));
    const prevKvs: KeyValue[] = [];
    for (const row of rows) {
      const kv = rowToKv(row);
      const id = this.sql.insert({
        name: row.name,
        created: false,
        deleted: true,
        createRevision: kv.createRevision,
        prevRevision: row.id,
        lease: kv.lease,
        value: null,
        oldValue: row.value,
        version: kv.version,
      });
      ctx.events.push({ type: 'DELETE', kv: tombstoneKv(kv.key, id), prevKv: kv });
      ctx.leaseMoves.push({ name: row.name, from: kv.lease, to: 0 });
      prevKvs.push(kv);
    }
    return { deleted: rows.length, prevKvs: d.prevKv ? prevKvs : [] };
  }

  // ---- compaction ----

  /**
   * etcd's Compact: rejects future and already-compacted revisions, records the new compact
   * revision at once (reads below it fail from now on) and removes superseded rows in the
   * background in short batches, so writers are never blocked for long. `physical` waits.
   */
  async compact(rev: number, physical: boolean): Promise<number> {
    if (rev <= this.compactRevision()) throw Errors.compacted();
    if (rev > this.revision()) throw Errors.futureRev();
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
    // A watch from R continues a client's state at R-1; when R-1 is compacted away, the client
    // must relist (Go kine's rule; etcd would start it and send updates without prev_kv, which
    // kube-apiserver turns into an internal error).
    const compactRev = this.compactRevision();
    if (startRevision > 0 && startRevision <= compactRev) return { kind: 'compacted', compactRevision: compactRev };
    const current = this.revision();
    if (startRevision > 0 && startRevision <= current) this.replay(range, startRevision, listener.onEvents.bind(listener));
    // A watch on a future revision only sees events from that revision on.
    const live: WatchListener =
      startRevision > current + 1
        ? {
            range: listener.range,
            onEvents: (events, revision) => {
              const due = events.filter((e) => e.kv.modRevision >= startRevision);
              if (due.length > 0) listener.onEvents(due, revision);
            },
          }
        : listener;
    this.hub.add(live);
    return { kind: 'started', registration: { cancel: () => this.hub.remove(live) } };
  }

  /**
   * Delivers the stored events of `range` from `from` up to the current revision (synchronously,
   * in pages); used for watch catch-up, also by a watcher that fell behind and resynchronises.
   * Returns false (delivering nothing) when `from` is at or below the compaction.
   */
  replay(range: KeyRange, from: number, onEvents: ReplaySink): boolean {
    if (from <= this.compactRevision()) return false;
    const current = this.revision();
    const bounds = rangeToBounds(range);
    if (bounds.kind === 'empty' || from > current) return true;
    const start = bounds.kind === 'single' ? bounds.name : bounds.start;
    const end = bounds.kind === 'single' ? `${bounds.name}\u0000` : bounds.end;
    let next = from;
    for (;;) {
      const rows = this.sql.after(start, end, next, current, CATCHUP_PAGE);
      if (rows.length > 0) onEvents(rows.map(rowToEvent), current);
      const last = rows[rows.length - 1];
      if (rows.length < CATCHUP_PAGE || last === undefined) return true;
      next = last.id + 1;
    }
  }

  // ---- leases ----

  leaseGrant(ttl: number, id: number): { id: number; ttl: number } {
    if (ttl > MAX_LEASE_TTL) throw Errors.leaseTTLTooLarge();
    let leaseId = id;
    if (leaseId === 0) {
      do leaseId = Math.floor(Math.random() * 0x7fffffffffff) + 1;
      while (this.leases.has(leaseId));
    } else if (this.leases.has(leaseId)) {
      throw Errors.leaseExist();
    }
    const effective = Math.max(ttl, this.minLeaseTtl);
    this.sql.transaction(() => this.sql.saveLease(leaseId, effective));
    this.leases.add(leaseId, effective, this.now());
    return { id: leaseId, ttl: effective };
  }

  leaseRevoke(id: number): number {
    const l = this.leases.get(id);
    if (l === undefined) throw Errors.leaseNotFound();
    this.revoke(l);
    return this.revision();
  }

  private revoke(l: LeaseState): void {
    const ctx: WriteContext = { events: [], leaseMoves: [] };
    this.sql.transaction(() => {
      for (const name of [...l.keys].sort()) {
        const row = this.sql.get(name, this.revision());
        if (row === undefined || row.deleted || row.lease !== l.id) continue;
        this.doDelete({ key: rowToKv(row).key, end: Buffer.alloc(0), prevKv: false }, ctx);
      }
      this.sql.deleteLease(l.id);
    });
    this.leases.delete(l.id);
    this.afterCommit(ctx);
  }

  /** Renews a lease; returns its TTL, or 0 when it does not exist (etcd's KeepAlive answer). */
  leaseKeepAlive(id: number): number {
    const l = this.leases.get(id);
    if (l === undefined) return 0;
    l.expiresAt = this.now() + l.ttl * 1000;
    return l.ttl;
  }

  leaseTimeToLive(id: number): { ttl: number; grantedTtl: number; keys: Buffer[] } | undefined {
    const l = this.leases.get(id);
    if (l === undefined) return undefined;
    const remaining = Math.max(Math.ceil((l.expiresAt - this.now()) / 1000), 0);
    const keys = [...l.keys].sort().map((n) => Buffer.from(n === 'compact_rev_key_apiserver' ? 'compact_rev_key' : n, 'utf8'));
    return { ttl: remaining, grantedTtl: l.ttl, keys };
  }

  leaseList(): number[] {
    return this.leases.all().map((l) => l.id);
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
