/**
 * Go kine's PostgreSQL schema (k3s-io/kine pkg/drivers/pgsql): BIGSERIAL id = revision, names in
 * the "C" collation (byte order, etcd's key order, and the indexes serve range scans), plus the
 * list index Go kine adds for PostgreSQL; and our two side tables, as with SQLite.
 */
export const PG_KINE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kine
  (
    id BIGSERIAL PRIMARY KEY,
    name text COLLATE "C",
    created INTEGER,
    deleted INTEGER,
    create_revision BIGINT,
    prev_revision BIGINT,
    lease INTEGER,
    value bytea,
    old_value bytea
  )`,
  `CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)`,
  `CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name,id)`,
  `CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id,deleted)`,
  `CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)`,
  `CREATE INDEX IF NOT EXISTS kine_list_query_index on kine(name, id DESC, deleted)`,
] as const;

/** Lease ids are etcd's int64; Go kine's `lease` column is INTEGER (its lease id is the TTL). */
export const PG_SIDE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kine_key_version (id BIGINT PRIMARY KEY, version BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS kine_lease (id BIGINT PRIMARY KEY, ttl BIGINT NOT NULL)`,
] as const;
