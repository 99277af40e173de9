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
import { applyCompare } from '../backend/compare.js';
import { Compactor } from '../backend/compaction.js';
import { LeaseTable, type LeaseState } from '../backend/leases.js';
import { effectiveSortOrder, finishRange, hasRevisionFilters } from '../backend/range-finish.js';
import { rowToEvent, rowToKv, tombstoneKv } from '../backend/rows.js';
import { checkTxn } from '../backend/txn-check.js';
import { mayWrite } from '../backend/txn-walk.js';
import { WatchHub, type WatchListener } from '../backend/watch-hub.js';
import { Errors } from '../errors.js';
import { keyToName, rangeToBounds, type NameBounds } from '../sqlite/key-text.js';
import type { Row } from '../sql/row.js';
import type {
  DeleteRequest, DeleteResult, KeyRange, KeyValue, KvEvent, PutRequest, PutResult, RangeRequest, RangeResult, ResponseOp,
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

const MAX_LEASE_TTL = 9_000_000_000;
/** Go kine's PostgreSQL `lease` column is INTEGER. */
const MAX_LEASE_ID = 0x7fffffff;
const CATCHUP_PAGE = 1000;

interface WriteContext {
  readonly events: KvEvent[];
  readonly leaseMoves: { name: string; from: number; to: number }[];
}

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
    for (const l of await this.sql.loadLeases()) this.leases.add(l.id, l.ttl, now);
    for (const k of await this.sql.leasedKeys()) {
      if (!this.leases.has(k.lease)) this.leases.add(k.lease, Math.min(Math.max(k.lease, this.minLeaseTtl), 3600), now);
      this.leases.attach(k.name, 0, k.lease);
    }
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
    if (this.sql.compactedThroughRevision() < this.sql.compactRevision()) this.compactor.schedule(this.sql.compactRevision());
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
    for (let next = from; ; ) {
      const rows = await this.sql.after('', undefined, next, max, CATCHUP_PAGE);
      const events = rows.map(rowToEvent);
      for (const e of events) this.leases.attach(keyToName(e.kv.key), e.prevKv?.lease ?? 0, e.type === 'PUT' ? e.kv.lease : 0);
      this.hub.publish(events, Math.min(rows[rows.length - 1]?.id ?? max, max));
      const last = rows[rows.length - 1];
      if (rows.length < CATCHUP_PAGE || last === undefined) break;
      next = last.id + 1;
    }
    this.sql.advanceTo(max);
    this.published = this.sql.currentRevision();
  }

  // ---- reads ----

  private checkRevision(rev: number): void {
    if (rev > this.sql.currentRevision()) throw Errors.futureRev();
    if (rev > 0 && rev < this.compactRevision()) throw Errors.compacted();
  }

  range(req: RangeRequest): Promise<Revisioned<RangeResult>> {
    return this.queue.run(async () => {
      const result = await this.doRange(req);
      return { revision: this.sql.currentRevision(), result };
    });
  }

  private async doRange(req: RangeRequest): Promise<RangeResult> {
    if (req.key.length === 0) throw Errors.emptyKey();
    this.checkRevision(req.revision);
    const rev = req.revision > 0 ? req.revision : this.sql.currentRevision();
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
      const r = await this.sql.get(bounds.name, rev);
      rows = r !== undefined && !r.deleted ? [r] : [];
      count = rows.length;
    } else if (req.countOnly && !filtered) {
      return { kvs: [], more: false, count: await this.sql.count(bounds.start, bounds.end, rev) };
    } else {
      const limit = fetchAll || req.limit <= 0 ? 0 : req.limit + 1;
      rows = await this.sql.list(bounds.start, bounds.end, rev, limit, req.keysOnly && !fetchAll);
      count = limit > 0 && rows.length >= limit ? await this.sql.count(bounds.start, bounds.end, rev) : rows.length;
    }
    return finishRange(rows.map(rowToKv), req, sortOrder, count);
  }

  private async liveRows(bounds: NameBounds): Promise<Row[]> {
    if (bounds.kind === 'empty') return [];
    if (bounds.kind === 'single') {
      const r = await this.sql.get(bounds.name, this.sql.currentRevision());
      return r !== undefined && !r.deleted ? [r] : [];
    }
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
        return { revision: this.sql.currentRevision(), result: await this.execTxn(req, path, { i: 0 }, undefined) };
      }
      const ctx: WriteContext = { events: [], leaseMoves: [] };
      const result = await this.sql.transaction(async () => {
        await this.catchUp();
        const path: boolean[] = [];
        await this.resolvePath(req, path);
        return this.execTxn(req, path, { i: 0 }, ctx);
      });
      this.afterCommit(ctx);
      return { revision: this.sql.currentRevision(), result };
    });
  }

  private afterCommit(ctx: WriteContext): void {
    for (const m of ctx.leaseMoves) this.leases.attach(m.name, m.from, m.to);
    this.published = this.sql.currentRevision();
    this.hub.publish(ctx.events, this.published);
  }

  private async resolvePath(t: TxnRequest, path: boolean[]): Promise<void> {
    let ok = true;
    for (const c of t.compare) {
      if (!applyCompare(c, (await this.liveRows(rangeToBounds(c))).map(rowToKv))) {
        ok = false;
        break;
      }
    }
    path.push(ok);
    for (const op of ok ? t.success : t.failure) if (op.type === 'txn') await this.resolvePath(op.txn, path);
  }

  private async execTxn(t: TxnRequest, path: boolean[], pos: { i: number }, ctx: WriteContext | undefined): Promise<TxnResult> {
    const succeeded = path[pos.i++] ?? false;
    const responses: ResponseOp[] = [];
    const need = (): WriteContext => {
      if (ctx === undefined) throw new Error('write outside a transaction');
      return ctx;
    };
    for (const op of succeeded ? t.success : t.failure) {
      switch (op.type) {
        case 'range':
          responses.push({ type: 'range', range: await this.doRange(op.range), revision: this.sql.currentRevision() });
          break;
        case 'put':
          responses.push({ type: 'put', put: await this.doPut(op.put, need()), revision: this.sql.currentRevision() });
          break;
        case 'delete':
          responses.push({ type: 'delete', delete: await this.doDelete(op.delete, need()), revision: this.sql.currentRevision() });
          break;
        case 'txn':
          responses.push({ type: 'txn', txn: await this.execTxn(op.txn, path, pos, ctx), revision: 0 });
          break;
      }
    }
    return { succeeded, responses };
  }

  private async doPut(p: PutRequest, ctx: WriteContext): Promise<PutResult> {
    const name = keyToName(p.key);
    if (!postgresDialect.storable(name)) throw Errors.malformed('PostgreSQL cannot store a key containing a NUL byte');
    const prev = await this.sql.get(name, this.sql.currentRevision());
    const live = prev !== undefined && !prev.deleted ? prev : undefined;
    if ((p.ignoreValue || p.ignoreLease) && live === undefined) throw Errors.keyNotFound();
    const lease = p.ignoreLease && live !== undefined ? live.lease : p.lease;
    if (lease !== 0 && !this.leases.has(lease)) throw Errors.leaseNotFound();
    const value = p.ignoreValue && live !== undefined ? (live.value ?? Buffer.alloc(0)) : p.value;
    const prevKv = live !== undefined ? rowToKv(live) : undefined;
    const id = await this.sql.insert({
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

  private async doDelete(d: DeleteRequest, ctx: WriteContext): Promise<DeleteResult> {
    const rows = await this.liveRows(rangeToBounds(d));
    const prevKvs: KeyValue[] = [];
    for (const row of rows) {
      const kv = rowToKv(row);
      const id = await this.sql.insert({
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

  async compact(rev: number, physical: boolean): Promise<number> {
    await this.queue.run(async () => {
      if (rev <= this.compactRevision()) throw Errors.compacted();
      if (rev > this.sql.currentRevision()) throw Errors.futureRev();
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
      if (startRevision > 0 && startRevision <= compactRev) return { kind: 'compacted', compactRevision: compactRev };
      const current = this.sql.currentRevision();
      if (startRevision > 0 && startRevision <= current) await this.doReplay(range, startRevision, listener.onEvents.bind(listener));
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
    });
  }

  replay(range: KeyRange, from: number, sink: ReplaySink): Promise<boolean> {
    return this.queue.run(() => this.doReplay(range, from, sink));
  }

  private async doReplay(range: KeyRange, from: number, sink: ReplaySink): Promise<boolean> {
    if (from <= this.compactRevision()) return false;
    const current = this.sql.currentRevision();
    const bounds = rangeToBounds(range);
    if (bounds.kind === 'empty' || from > current) return true;
    const start = bounds.kind === 'single' ? bounds.name : bounds.start;
    const end = bounds.kind === 'single' ? `${bounds.name}\u0000` : bounds.end;
    for (let next = from; ; ) {
      const rows = await this.sql.after(start, end, next, current, CATCHUP_PAGE);
      if (rows.length > 0) sink(rows.map(rowToEvent), current);
      const last = rows[rows.length - 1];
      if (rows.length < CATCHUP_PAGE || last === undefined) return true;
      next = last.id + 1;
    }
  }

  dbSize(): Promise<DbSize> {
    return this.queue.run(() => this.sql.dbSize());
  }

  // ---- leases ----

  leaseGrant(ttl: number, id: number): Promise<{ id: number; ttl: number }> {
    return this.queue.run(async () => {
      if (ttl > MAX_LEASE_TTL) throw Errors.leaseTTLTooLarge();
      let leaseId = id;
      if (leaseId === 0) {
        do leaseId = Math.floor(Math.random() * MAX_LEASE_ID) + 1;
        while (this.leases.has(leaseId));
      } else if (this.leases.has(leaseId)) {
        throw Errors.leaseExist();
      }
      const effective = Math.max(ttl, this.minLeaseTtl);
      await this.sql.saveLease(leaseId, effective);
      this.leases.add(leaseId, effective, this.now());
      return { id: leaseId, ttl: effective };
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
    const ctx: WriteContext = { events: [], leaseMoves: [] };
    await this.sql.transaction(async () => {
      await this.catchUp();
      for (const name of [...l.keys].sort()) {
        const row = await this.sql.get(name, this.sql.currentRevision());
        if (row === undefined || row.deleted || row.lease !== l.id) continue;
        await this.doDelete({ key: rowToKv(row).key, end: Buffer.alloc(0), prevKv: false }, ctx);
      }
      await this.sql.deleteLease(l.id);
    });
    this.leases.delete(l.id);
    this.afterCommit(ctx);
  }

  leaseKeepAlive(id: number): number {
    const l = this.leases.get(id);
    if (l === undefined) return 0;
    l.expiresAt = this.now() + l.ttl * 1000;
    return l.ttl;
  }

  leaseTimeToLive(id: number): LeaseTimeToLive | undefined {
    const l = this.leases.get(id);
    if (l === undefined) return undefined;
    const remaining = Math.max(Math.ceil((l.expiresAt - this.now()) / 1000), 0);
    const keys = [...l.keys].sort().map((n) => Buffer.from(n === 'compact_rev_key_apiserver' ? 'compact_rev_key' : n, 'utf8'));
    return { ttl: remaining, grantedTtl: l.ttl, keys };
  }

  leaseList(): number[] {
    return this.leases.all().map((l) => l.id);
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
