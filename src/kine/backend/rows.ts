/** Row <-> KeyValue/Event mapping for kine's row kinds (create, update, tombstone). */
import { nameToKey } from '../sqlite/key-text.js';
import type { Row } from '../sqlite/sql-log.js';
import type { KeyValue, KvEvent } from '../types.js';

const EMPTY = Buffer.alloc(0);

export function rowToKv(r: Row): KeyValue {
  return {
    key: nameToKey(r.name),
    createRevision: r.created ? r.id : r.create_revision,
    modRevision: r.id,
    version: r.created ? 1 : (r.version ?? 1),
    value: r.value ?? EMPTY,
    lease: r.lease,
  };
}

export function tombstoneKv(key: Buffer, rev: number): KeyValue {
  return { key, createRevision: 0, modRevision: rev, version: 0, value: EMPTY, lease: 0 };
}

/**
 * The event a stored row stands for. prev_kv comes from the row itself (old_value, and for
 * tombstones the deleted key's create revision, version and lease), so it survives compaction.
 */
export function rowToEvent(r: Row): KvEvent {
  const key = nameToKey(r.name);
  if (r.deleted) {
    return {
      type: 'DELETE',
      kv: tombstoneKv(key, r.id),
      prevKv: {
        key,
        createRevision: r.create_revision,
        modRevision: r.prev_revision,
        version: r.version ?? 1,
        value: r.old_value ?? EMPTY,
        lease: r.lease,
      },
    };
  }
  const kv = rowToKv(r);
  if (r.created) return { type: 'PUT', kv, prevKv: undefined };
  return {
    type: 'PUT',
    kv,
    prevKv: {
      key,
      createRevision: kv.createRevision,
      modRevision: r.prev_revision,
      version: Math.max(kv.version - 1, 1),
      value: r.old_value ?? EMPTY,
      lease: r.lease,
    },
  };
}
