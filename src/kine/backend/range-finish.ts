/** The part of etcd's Range done in memory: revision filters, sorting, limit, count_only, keys_only. */
import type { KeyValue, RangeRequest, RangeResult } from '../types.js';

/** etcd's effective sort order: a non-KEY target sorts ascending by default; KEY ascending is the natural order. */
export function effectiveSortOrder(req: RangeRequest): RangeRequest['sortOrder'] {
  if (req.sortTarget !== 'KEY' && req.sortOrder === 'NONE') return 'ASCEND';
  if (req.sortTarget === 'KEY' && req.sortOrder === 'ASCEND') return 'NONE';
  return req.sortOrder;
}

export function hasRevisionFilters(req: RangeRequest): boolean {
  return req.minModRevision !== 0 || req.maxModRevision !== 0 || req.minCreateRevision !== 0 || req.maxCreateRevision !== 0;
}

/** Applies filters, sort and limit to the live kvs read for `req`; `count` is the number of keys in range. */
export function finishRange(all: KeyValue[], req: RangeRequest, sortOrder: RangeRequest['sortOrder'], count: number): RangeResult {
  let kvs = all;
  if (req.maxModRevision !== 0) kvs = kvs.filter((kv) => kv.modRevision <= req.maxModRevision);
  if (req.minModRevision !== 0) kvs = kvs.filter((kv) => kv.modRevision >= req.minModRevision);
  if (req.maxCreateRevision !== 0) kvs = kvs.filter((kv) => kv.createRevision <= req.maxCreateRevision);
  if (req.minCreateRevision !== 0) kvs = kvs.filter((kv) => kv.createRevision >= req.minCreateRevision);
  if (sortOrder !== 'NONE') sortKvs(kvs, req.sortTarget, sortOrder === 'DESCEND');
  let more = false;
  if (req.limit > 0 && kvs.length > req.limit) {
    kvs = kvs.slice(0, req.limit);
    more = true;
  }
  if (req.countOnly) return { kvs: [], more: false, count };
  if (req.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: Buffer.alloc(0) }));
  return { kvs, more, count };
}

function sortKvs(kvs: KeyValue[], target: RangeRequest['sortTarget'], descend: boolean): void {
  const cmp = (a: KeyValue, b: KeyValue): number => {
    switch (target) {
      case 'KEY':
        return Buffer.compare(a.key, b.key);
      case 'VALUE':
        return Buffer.compare(a.value, b.value);
      case 'VERSION':
        return a.version - b.version;
      case 'CREATE':
        return a.createRevision - b.createRevision;
      case 'MOD':
        return a.modRevision - b.modRevision;
    }
  };
  kvs.sort(descend ? (a, b) => cmp(b, a) : cmp);
}
