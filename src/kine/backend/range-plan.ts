/**
 * What a Range reads, decided before any I/O (request checks, the revision, the key bounds, how
 * many rows to fetch and whether a COUNT is needed), and the result assembled from the rows read.
 * Pure: the backends run the reads it names.
 */
import { Errors } from '../errors.js';
import { rangeToBounds, type NameBounds } from '../sqlite/key-text.js';
import type { Row } from '../sql/row.js';
import type { RangeRequest, RangeResult } from '../types.js';
import { effectiveSortOrder, finishRange, hasRevisionFilters } from './range-finish.js';
import { rowToKv } from './rows.js';

export interface RangePlan {
  readonly req: RangeRequest;
  /** The revision read at. */
  readonly rev: number;
  readonly bounds: NameBounds;
  readonly sortOrder: RangeRequest['sortOrder'];
  /** A multi-key count_only without revision filters: one COUNT answers it (countResult). */
  readonly countOnly: boolean;
  /** Rows a multi-key range fetches: 0 = all (filters or sorting need them), else limit+1 to learn `more`. */
  readonly fetchLimit: number;
  /** Whether a multi-key range may fetch keys without values. */
  readonly fetchKeysOnly: boolean;
}

/** etcd's revision checks for a read at `rev` (0 = current): not in the future, not compacted away. */
export function checkReadRevision(rev: number, current: number, compactRev: number): void {
  if (rev > current) throw Errors.futureRev();
  if (rev > 0 && rev < compactRev) throw Errors.compacted();
}

export function planRange(req: RangeRequest, current: number, compactRev: number): RangePlan {
  if (req.key.length === 0) throw Errors.emptyKey();
  checkReadRevision(req.revision, current, compactRev);
  const filtered = hasRevisionFilters(req);
  const sortOrder = effectiveSortOrder(req);
  const fetchAll = filtered || sortOrder !== 'NONE';
  return {
    req,
    rev: req.revision > 0 ? req.revision : current,
    bounds: rangeToBounds(req),
    sortOrder,
    countOnly: req.countOnly && !filtered,
    fetchLimit: fetchAll || req.limit <= 0 ? 0 : req.limit + 1,
    fetchKeysOnly: req.keysOnly && !fetchAll,
  };
}

/** A key's newest row as the live rows it contributes (none when absent or a tombstone). */
export function liveRow(r: Row | undefined): Row[] {
  return r !== undefined && !r.deleted ? [r] : [];
}

/** Whether a multi-key range that fetched `fetched` rows must COUNT the keys in range (it hit its fetch limit). */
export function needsCount(plan: RangePlan, fetched: number): boolean {
  return plan.fetchLimit > 0 && fetched >= plan.fetchLimit;
}

/** The result from the live rows read for `plan`; `count` is the number of keys in range. */
export function rangeResult(plan: RangePlan, rows: readonly Row[], count: number): RangeResult {
  return finishRange(rows.map(rowToKv), plan.req, plan.sortOrder, count);
}

/** The result of a plan with `countOnly`. */
export function countResult(count: number): RangeResult {
  return { kvs: [], more: false, count };
}
