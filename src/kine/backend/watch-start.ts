/**
 * How a watch starts and how history is replayed to it, decided before any I/O: whether the start
 * revision is compacted away, which stored rows a replay reads and in what pages, and which live
 * events a watch on a future revision receives. Pure: the backends run the reads.
 */
import { rangeToBounds } from '../sqlite/key-text.js';
import type { Row } from '../sql/row.js';
import type { KeyRange } from '../types.js';
import type { WatchListener } from './watch-hub.js';

/** Rows a replay reads per query. */
export const REPLAY_PAGE = 1000;

/**
 * A watch from R continues a client's state at R-1; when R-1 is compacted away, the client must
 * relist (Go kine's rule; etcd would start it and send updates without prev_kv, which
 * kube-apiserver turns into an internal error).
 */
export function watchCompacted(startRevision: number, compactRev: number): boolean {
  return startRevision > 0 && startRevision <= compactRev;
}

/** Whether a watch from `startRevision` (0 = from the next revision) first replays stored history. */
export function watchReplays(startRevision: number, current: number): boolean {
  return startRevision > 0 && startRevision <= current;
}

/** The listener to register for live events: a watch on a future revision only sees events from that revision on. */
export function liveListener(listener: WatchListener, startRevision: number, current: number): WatchListener {
  if (startRevision <= current + 1) return listener;
  return {
    range: listener.range,
    onEvents: (events, revision) => {
      const due = events.filter((e) => e.kv.modRevision >= startRevision);
      if (due.length > 0) listener.onEvents(due, revision);
    },
  };
}

/** What a replay of `range` from `from` reads: nothing (compacted: refused; none: nothing to deliver), or names in [start, end) over revisions [from, to]. */
export type ReplayScan =
  | { readonly kind: 'compacted' }
  | { readonly kind: 'none' }
  | { readonly kind: 'scan'; readonly start: string; readonly end: string | undefined; readonly from: number; readonly to: number };

export function planReplay(range: KeyRange, from: number, current: number, compactRev: number): ReplayScan {
  if (from <= compactRev) return { kind: 'compacted' };
  const bounds = rangeToBounds(range);
  if (bounds.kind === 'empty' || from > current) return { kind: 'none' };
  if (bounds.kind === 'single') return { kind: 'scan', start: bounds.name, end: `${bounds.name}\u0000`, from, to: current };
  return { kind: 'scan', start: bounds.start, end: bounds.end, from, to: current };
}

/** The revision the next page starts at after reading `rows` (a page of at most `pageSize`), or undefined after the last page. */
export function nextPageFrom(rows: readonly Row[], pageSize: number): number | undefined {
  const last = rows[rows.length - 1];
  if (rows.length < pageSize || last === undefined) return undefined;
  return last.id + 1;
}
