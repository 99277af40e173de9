/**
 * What a put or a delete writes, decided from the key's previous row, and what the write produced
 * once the log gave the new row its revision: the event to publish, the key's lease move, the
 * response. Pure: the backends do the reads and inserts around it.
 */
import { Errors } from '../errors.js';
import type { NewRow, Row } from '../sql/row.js';
import type { DeleteRequest, DeleteResult, KeyValue, KvEvent, PutRequest, PutResult } from '../types.js';
import type { LeaseMove } from './leases.js';
import { rowToKv, tombstoneKv } from './rows.js';

const EMPTY = Buffer.alloc(0);

/** What a write transaction produced, applied after COMMIT: events to publish, keys moving between leases. */
export interface WriteEffects {
  readonly events: KvEvent[];
  readonly leaseMoves: LeaseMove[];
}

export function newWriteEffects(): WriteEffects {
  return { events: [], leaseMoves: [] };
}

/** The effects of a write op; a write op with none is a bug (the backends open a transaction for every write). */
export function writeEffects(fx: WriteEffects | undefined): WriteEffects {
  if (fx === undefined) throw new Error('write outside a transaction');
  return fx;
}

/** A put decided against the key's previous row: the row to insert and the live key it replaces. */
export interface PutPlan {
  readonly row: NewRow;
  readonly value: Buffer;
  readonly prevKv: KeyValue | undefined;
}

/**
 * The row a put of `name` inserts when the key's newest row is `prev` (a tombstone counts as
 * absent): ignore_value/ignore_lease keep the live key's value/lease and need a live key; the
 * lease must exist; create revision and version continue the live key's.
 */
export function planPut(p: PutRequest, name: string, prev: Row | undefined, leases: { has(id: number): boolean }): PutPlan {
  const live = prev !== undefined && !prev.deleted ? prev : undefined;
  if ((p.ignoreValue || p.ignoreLease) && live === undefined) throw Errors.keyNotFound();
  const lease = p.ignoreLease && live !== undefined ? live.lease : p.lease;
  if (lease !== 0 && !leases.has(lease)) throw Errors.leaseNotFound();
  const value = p.ignoreValue && live !== undefined ? (live.value ?? EMPTY) : p.value;
  const prevKv = live !== undefined ? rowToKv(live) : undefined;
  const row: NewRow = {
    name,
    created: prevKv === undefined,
    deleted: false,
    createRevision: prevKv?.createRevision ?? 0,
    prevRevision: prev?.id ?? 0,
    lease,
    value,
    oldValue: live?.value ?? null,
    version: prevKv === undefined ? undefined : prevKv.version + 1,
  };
  return { row, value, prevKv };
}

/** Records the put `plan` inserted as revision `id` in `fx`; returns its response. */
export function putDone(p: PutRequest, plan: PutPlan, id: number, fx: WriteEffects): PutResult {
  const { prevKv, row } = plan;
  const kv: KeyValue = {
    key: p.key,
    createRevision: prevKv?.createRevision ?? id,
    modRevision: id,
    version: prevKv === undefined ? 1 : prevKv.version + 1,
    value: plan.value,
    lease: row.lease,
  };
  fx.events.push({ type: 'PUT', kv, prevKv });
  fx.leaseMoves.push({ name: row.name, from: prevKv?.lease ?? 0, to: row.lease });
  return { prevKv: p.prevKv ? prevKv : undefined };
}

/** The tombstone that deletes live row `row` (`kv` = rowToKv(row)). */
export function tombstoneRow(row: Row, kv: KeyValue): NewRow {
  return {
    name: row.name,
    created: false,
    deleted: true,
    createRevision: kv.createRevision,
    prevRevision: row.id,
    lease: kv.lease,
    value: null,
    oldValue: row.value,
    version: kv.version,
  };
}

/** Records the deletion of `row` (`kv` = rowToKv(row)) by the tombstone inserted as revision `id` in `fx`. */
export function deleteDone(row: Row, kv: KeyValue, id: number, fx: WriteEffects): void {
  fx.events.push({ type: 'DELETE', kv: tombstoneKv(kv.key, id), prevKv: kv });
  fx.leaseMoves.push({ name: row.name, from: kv.lease, to: 0 });
}

/** The response to DeleteRange `d` that deleted the keys `prevKvs`. */
export function deleteResult(d: DeleteRequest, prevKvs: KeyValue[]): DeleteResult {
  return { deleted: prevKvs.length, prevKvs: d.prevKv ? prevKvs : [] };
}

/** The single-key delete that revoking a lease performs on its live row `row`. */
export function leaseKeyDelete(row: Row): DeleteRequest {
  return { key: rowToKv(row).key, end: EMPTY, prevKv: false };
}
