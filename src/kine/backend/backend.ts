/**
 * The narrow surface the etcd services use, as Go kine's server.Backend: reads (Get/List/Count are
 * one `range`), writes (Create/Update/Delete are shapes of one general `txn`), compaction, watch,
 * leases, status. A backend answers synchronously when it can (SQLite: a write and its events
 * happen in one event-loop turn) or with a promise (PostgreSQL); callers accept both.
 */
import type { KeyRange, KvEvent, RangeRequest, RangeResult, Revisioned, TxnRequest, TxnResult } from '../types.js';
import type { WatchListener } from './watch-hub.js';

export type MaybePromise<T> = T | Promise<T>;

export interface WatchRegistration {
  cancel(): void;
}

export type WatchStart =
  | { readonly kind: 'started'; readonly registration: WatchRegistration }
  | { readonly kind: 'compacted'; readonly compactRevision: number };

export interface DbSize {
  readonly size: number;
  readonly inUse: number;
}

export interface LeaseTimeToLive {
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: Buffer[];
}

export type ReplaySink = (events: KvEvent[], revision: number) => void;

export interface Backend {
  /** Loads leases and resumes unfinished compaction. */
  start(): MaybePromise<void>;
  /** Refuses new writes, waits for queued ones and for compaction. */
  stop(): Promise<void>;
  /** The newest revision this process knows (response headers). */
  currentRevision(): number;
  compactRevision(): number;
  /** Get, List and Count: etcd's Range. */
  range(req: RangeRequest): MaybePromise<Revisioned<RangeResult>>;
  /** Create, Update and Delete, and every other Txn, Put and DeleteRange. */
  txn(req: TxnRequest): MaybePromise<Revisioned<TxnResult>>;
  /** Records the compact revision at once; `physical` waits for the rows to be removed. */
  compact(revision: number, physical: boolean): Promise<number>;
  /** Replays history from `startRevision` (0 = from now) through `listener`, then follows live events; nothing missed or duplicated. */
  watch(range: KeyRange, startRevision: number, listener: WatchListener): MaybePromise<WatchStart>;
  /** Delivers the stored events of `range` from `from` on; false (nothing delivered) when `from` is compacted. */
  replay(range: KeyRange, from: number, sink: ReplaySink): MaybePromise<boolean>;
  dbSize(): MaybePromise<DbSize>;
  leaseGrant(ttl: number, id: number): MaybePromise<{ id: number; ttl: number }>;
  /** Returns the revision after the lease's keys were deleted. */
  leaseRevoke(id: number): MaybePromise<number>;
  /** Renews a lease; its TTL, or 0 when it does not exist. */
  leaseKeepAlive(id: number): number;
  leaseTimeToLive(id: number): LeaseTimeToLive | undefined;
  leaseList(): number[];
}

/** Applies `f` to a value that may be a promise, staying synchronous when it is not. */
export function then<T, U>(v: MaybePromise<T>, f: (t: T) => U): MaybePromise<U> {
  return v instanceof Promise ? v.then(f) : f(v);
}
