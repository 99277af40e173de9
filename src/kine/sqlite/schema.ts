/**
 * kine's exact SQLite schema (k3s-io/kine pkg/drivers/sqlite), so `sqlite3 state.db ".schema kine"`
 * and users' queries behave as with Go kine, plus two side tables kine does not have: per-key
 * versions (etcd's `version`, which kine cannot answer) and leases (kine cannot revoke or renew).
 */
export const KINE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kine
  (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    created INTEGER,
    deleted INTEGER,
    create_revision INTEGER,
    prev_revision INTEGER,
    lease INTEGER,
    value BLOB,
    old_value BLOB
  )`,
  `CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)`,
  `CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name,id)`,
  `CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id,deleted)`,
  `CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)`,
  `CREATE INDEX IF NOT EXISTS kine_id_compact_rev_key_with_prev_revision_index ON kine(id, name, prev_revision) WHERE name != 'compact_rev_key' AND prev_revision != 0`,
] as const;

/**
 * kine_key_version: etcd's per-key version for the kine row with the same id. Rows for updates
 * hold their own version; rows for deletions hold the version of the key they deleted; creations
 * (version 1) have no row. kine_lease: granted leases (TTL in seconds).
 */
export const SIDE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kine_key_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS kine_lease (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL)`,
] as const;

export type Durability = 'FULL' | 'NORMAL';
