/**
 * The log: one row per revision in kine's table (`id` is the revision), read and written through
 * one better-sqlite3 connection. Everything here is synchronous, so a write and the events it
 * publishes happen in one turn of the event loop and no reader can observe a half-applied state.
 */
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { Durability } from './schema.js';
import { sqliteDialect } from './dialect.js';
import { COMPACT_ROW_NAME } from './key-text.js';
import { VClusterError, ErrorCode } from '../../lib/errors.js';
import type { WalCheckpointer } from './checkpointer.js';
import type { NewRow, Row } from '../sql/row.js';

export type { NewRow, Row } from '../sql/row.js';

export interface SqlLogOptions {
  readonly durability: Durability;
  /** @default 30000 */
  readonly busyTimeoutMs?: number;
}

const COLS = 'k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.lease, k.value, k.old_value, v.version';
const COLS_NO_VALUE = 'k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.lease, NULL AS value, NULL AS old_value, v.version';
const JOIN = 'FROM kine k LEFT JOIN kine_key_version v ON v.id = k.id';
/** SQLite's own threshold (WAL pages) for checkpointing inside a COMMIT. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** With a background checkpointer the COMMIT-time checkpoint is only a safety net (~40 MiB of WAL). */
const SAFETY_CHECKPOINT_PAGES = 10000;
/** The WAL file is cut back to this size when it restarts after a checkpoint. */
const WAL_SIZE_LIMIT_BYTES = 64 << 20;

const LATEST = 'k.id = (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = k.name AND k2.id <= @rev)';

export class SqlLog {
  readonly path: string;
  private readonly db: Database.Database;
  private rev = 0;
  private compactRev = 0;
  /** Revision up to which superseded rows have been physically removed. */
  private compactedThrough = 0;
  private readonly stmts = new Map<string, Statement>();
  private checkpointer: WalCheckpointer | undefined;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  static open(path: string, options: SqlLogOptions): SqlLog {
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 30000 });
    } catch (err) {
      throw new VClusterError(`open database ${path}`, { cause: err, code: ErrorCode.PRECONDITION });
    }
    const log = new SqlLog(path, db);
    try {
      log.init(options);
    } catch (err) {
      db.close();
      throw new VClusterError(`initialise database ${path}`, {
        cause: err,
        code: ErrorCode.PRECONDITION,
        hint: 'check that the file is a kine SQLite database and that its directory is writable',
      });
    }
    return log;
  }

  private init(options: SqlLogOptions): void {
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    if (typeof mode !== 'string' || mode.toLowerCase() !== 'wal') {
      throw new VClusterError(`could not switch to WAL journal mode (got ${String(mode)})`);
    }
    this.db.pragma(`synchronous = ${options.durability}`);
    this.db.pragma('foreign_keys = OFF');
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    const quick = this.db.pragma('quick_check', { simple: true });
    if (quick !== 'ok') throw new VClusterError(`database integrity check failed: ${String(quick)}`);
    this.db.transaction(() => {
      for (const sql of sqliteDialect.schema) this.db.exec(sql);
      for (const sql of sqliteDialect.sideSchema) this.db.exec(sql);
      const compactRow = this.db
        .prepare<[string], { id: number; prev_revision: number; create_revision: number }>(
          'SELECT id, prev_revision, create_revision FROM kine WHERE name = ? ORDER BY id LIMIT 1',
        )
        .get(COMPACT_ROW_NAME);
      if (compactRow === undefined) {
        // kine's compaction record; on a fresh database it takes revision 1, as etcd starts at 1.
        this.db
          .prepare(
            "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, 1, 0, 0, 0, 0, x'', NULL)",
          )
          .run(COMPACT_ROW_NAME);
      } else {
        this.compactRev = compactRow.prev_revision;
        this.compactedThrough = Math.min(compactRow.create_revision, compactRow.prev_revision);
        // Old kine versions could leave duplicates (kine deletes them the same way).
        this.db.prepare('DELETE FROM kine WHERE name = ? AND id != ?').run(COMPACT_ROW_NAME, compactRow.id);
      }
    }).immediate();
    this.rev = this.readMaxRevision();
  }

  private readMaxRevision(): number {
    const row = this.db
      .prepare<[], { m: number | null; s: number | null }>(
        "SELECT (SELECT MAX(id) FROM kine) AS m, (SELECT seq FROM sqlite_sequence WHERE name = 'kine') AS s",
      )
      .get();
    return Math.max(row?.m ?? 0, row?.s ?? 0);
  }

  private stmt(key: string, sql: () => string): Statement {
    let s = this.stmts.get(key);
    if (s === undefined) {
      s = this.db.prepare(sql());
      this.stmts.set(key, s);
    }
    return s;
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compactRev;
  }

  /**
   * Hands WAL checkpoints to `c` (a worker thread): COMMITs then only count, and SQLite's own
   * checkpoint-in-COMMIT moves to a high safety threshold. `detachCheckpointer` undoes it.
   */
  attachCheckpointer(c: WalCheckpointer): void {
    this.checkpointer = c;
    this.db.pragma(`wal_autocheckpoint = ${SAFETY_CHECKPOINT_PAGES}`);
  }

  detachCheckpointer(): void {
    this.checkpointer = undefined;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  }

  /** Runs `fn` in BEGIN IMMEDIATE ... COMMIT; on a throw, rolls back and restores the revision. */
  transaction<T>(fn: () => T): T {
    const before = this.rev;
    try {
      const out = this.db.transaction(fn).immediate();
      this.checkpointer?.committed();
      return out;
    } catch (err) {
      this.rev = before;
      throw err;
    }
  }

  /**
   * Group commit: runs every function in ONE transaction (one fsync), each inside its own
   * savepoint, so a function that throws is rolled back alone. Returns each outcome in order.
   */
  batch<T>(fns: readonly (() => T)[]): ({ ok: true; value: T } | { ok: false; error: unknown })[] {
    const start = this.rev;
    const out: ({ ok: true; value: T } | { ok: false; error: unknown })[] = [];
    const ctl = (sql: string): void => {
      this.stmt(sql, () => sql).run();
    };
    ctl('BEGIN IMMEDIATE');
    try {
      if (fns.length === 1 && fns[0] !== undefined) {
        // a batch of one needs no savepoint: a failure rolls back the whole transaction
        try {
          out.push({ ok: true, value: fns[0]() });
        } catch (error) {
          ctl('ROLLBACK');
          this.rev = start;
          return [{ ok: false, error }];
        }
      } else {
        for (const fn of fns) {
          const before = this.rev;
          ctl('SAVEPOINT kine_write');
          try {
            out.push({ ok: true, value: fn() });
            ctl('RELEASE kine_write');
          } catch (error) {
            ctl('ROLLBACK TO kine_write');
            ctl('RELEASE kine_write');
            this.rev = before;
            out.push({ ok: false, error });
          }
        }
      }
      ctl('COMMIT');
      this.checkpointer?.committed();
    } catch (err) {
      if (this.db.inTransaction) {
        try {
          ctl('ROLLBACK');
        } catch {
          // the failed COMMIT may already have rolled back
        }
      }
      this.rev = start;
      throw err;
    }
    return out;
  }

  /** The newest row of `name` at or below `rev` (tombstones included). */
  get(name: string, rev: number): Row | undefined {
    if (rev >= this.rev) {
      return this.stmt('latest', () => `SELECT ${COLS} ${JOIN} WHERE k.id = (SELECT MAX(id) FROM kine WHERE name = @name)`).get({ name }) as
        | Row
        | undefined;
    }
    return this.stmt('at', () => `SELECT ${COLS} ${JOIN} WHERE k.id = (SELECT MAX(id) FROM kine WHERE name = @name AND id <= @rev)`).get({
      name,
      rev,
    }) as Row | undefined;
  }

  byId(id: number): Row | undefined {
    return this.stmt('byId', () => `SELECT ${COLS} ${JOIN} WHERE k.id = @id`).get({ id }) as Row | undefined;
  }

  /** Live keys in [start, end) at `rev`, in key order; limit 0 = all. */
  list(start: string, end: string | undefined, rev: number, limit: number, keysOnly: boolean): Row[] {
    const key = `list:${end === undefined ? 'open' : 'closed'}:${keysOnly ? 'k' : 'v'}:${limit > 0 ? 'l' : 'all'}`;
    const s = this.stmt(key, () => {
      const endCond = end === undefined ? '' : 'AND k.name < @end';
      const lim = limit > 0 ? 'LIMIT @limit' : '';
      return `SELECT ${keysOnly ? COLS_NO_VALUE : COLS} ${JOIN}
        WHERE k.name >= @start ${endCond} AND k.id <= @rev AND k.name != '${COMPACT_ROW_NAME}' AND ${LATEST} AND k.deleted = 0
        ORDER BY k.name ${lim}`;
    });
    const params: Record<string, string | number> = { start, rev };
    if (end !== undefined) params.end = end;
    if (limit > 0) params.limit = limit;
    return s.all(params) as Row[];
  }

  count(start: string, end: string | undefined, rev: number): number {
    const key = `count:${end === undefined ? 'open' : 'closed'}`;
    const s = this.stmt(key, () => {
      const endCond = end === undefined ? '' : 'AND k.name < @end';
      return `SELECT COUNT(*) AS c FROM kine k
        WHERE k.name >= @start ${endCond} AND k.id <= @rev AND k.name != '${COMPACT_ROW_NAME}' AND ${LATEST} AND k.deleted = 0`;
    });
    const params: Record<string, string | number> = { start, rev };
    if (end !== undefined) params.end = end;
    const row = s.get(params) as { c: number } | undefined;
    return row?.c ?? 0;
  }

  /** Rows (all kinds) with fromRev <= id <= toRev in [start, end), in revision order. */
  after(start: string, end: string | undefined, fromRev: number, toRev: number, limit: number): Row[] {
    const key = `after:${end === undefined ? 'open' : 'closed'}`;
    const s = this.stmt(key, () => {
      const endCond = end === undefined ? '' : 'AND k.name < @end';
      return `SELECT ${COLS} ${JOIN}
        WHERE k.id >= @from AND k.id <= @to AND k.name >= @start ${endCond} AND k.name != '${COMPACT_ROW_NAME}'
        ORDER BY k.id LIMIT @limit`;
    });
    const params: Record<string, string | number> = { start, from: fromRev, to: toRev, limit };
    if (end !== undefined) params.end = end;
    return s.all(params) as Row[];
  }

  /** Appends a row; the new id is the new revision. Call inside transaction(). */
  insert(r: NewRow): number {
    const info = this.stmt(
      'insert',
      () =>
        'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (@name, @created, @deleted, @cr, @pr, @lease, @value, @old)',
    ).run({
      name: r.name,
      created: r.created ? 1 : 0,
      deleted: r.deleted ? 1 : 0,
      cr: r.createRevision,
      pr: r.prevRevision,
      lease: r.lease,
      value: r.value,
      old: r.oldValue,
    });
    const id = Number(info.lastInsertRowid);
    if (r.version !== undefined) {
      this.stmt('insertVersion', () => 'INSERT OR REPLACE INTO kine_key_version(id, version) VALUES (@id, @version)').run({
        id,
        version: r.version,
      });
    }
    this.rev = id;
    return id;
  }

  /** Records a new compaction revision (kine keeps it in prev_revision of its compact_rev_key row). */
  setCompactRevision(rev: number): void {
    this.transaction(() => {
      this.stmt('setCompact', () => 'UPDATE kine SET prev_revision = @rev WHERE name = @name').run({ rev, name: COMPACT_ROW_NAME });
    });
    this.compactRev = rev;
  }

  compactedThroughRevision(): number {
    return this.compactedThrough;
  }

  /**
   * One bounded compaction step: removes rows superseded by a row with id in (lo, hi] and
   * tombstones in (lo, hi] below `target`, in one short transaction. Returns rows removed.
   */
  compactBatch(lo: number, hi: number, target: number): number {
    return this.transaction(() => {
      const ids = this.stmt(
        'compactIds',
        () => `SELECT kp.prev_revision AS id FROM kine kp
          WHERE kp.id > @lo AND kp.id <= @hi AND kp.name != '${COMPACT_ROW_NAME}' AND kp.prev_revision != 0
          UNION SELECT kd.id AS id FROM kine kd WHERE kd.id > @lo AND kd.id <= @hi AND kd.id < @target AND kd.deleted != 0`,
      )
        .pluck()
        .all({ lo, hi, target }) as number[];
      const delRow = this.stmt('delRow', () => 'DELETE FROM kine WHERE id = ?');
      const delVer = this.stmt('delVer', () => 'DELETE FROM kine_key_version WHERE id = ?');
      let n = 0;
      for (const id of ids) {
        n += delRow.run(id).changes;
        delVer.run(id);
      }
      this.stmt('setCompacted', () => 'UPDATE kine SET create_revision = @hi WHERE name = @name').run({ hi, name: COMPACT_ROW_NAME });
      this.compactedThrough = hi;
      return n;
    });
  }

  /** A PASSIVE checkpoint: asked of the background checkpointer if there is one, else run here. */
  checkpoint(): void {
    if (this.checkpointer?.running === true) this.checkpointer.requestNow();
    else this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Bytes in use, as kine reports Status.dbSize. */
  dbSize(): { size: number; inUse: number } {
    const row = this.stmt(
      'size',
      () =>
        'SELECT page_count * page_size AS size, (page_count - freelist_count) * page_size AS inUse FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()',
    ).get() as { size: number; inUse: number } | undefined;
    return { size: row?.size ?? 0, inUse: row?.inUse ?? 0 };
  }

  loadLeases(): { id: number; ttl: number }[] {
    return this.db.prepare('SELECT id, ttl FROM kine_lease').all() as { id: number; ttl: number }[];
  }

  saveLease(id: number, ttl: number): void {
    this.stmt('saveLease', () => 'INSERT OR REPLACE INTO kine_lease(id, ttl) VALUES (?, ?)').run(id, ttl);
  }

  deleteLease(id: number): void {
    this.stmt('deleteLease', () => 'DELETE FROM kine_lease WHERE id = ?').run(id);
  }

  /** Live keys that carry a lease (startup: rebuild the lease -> keys index). */
  leasedKeys(): { name: string; lease: number }[] {
    return this.db
      .prepare(
        `SELECT k.name, k.lease FROM kine k WHERE k.lease != 0 AND k.deleted = 0 AND k.name != '${COMPACT_ROW_NAME}'
         AND k.id = (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = k.name)`,
      )
      .all() as { name: string; lease: number }[];
  }

  close(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // a busy checkpoint at close is harmless: the WAL is replayed on the next open
    }
    this.db.close();
  }
}
