/**
 * The log in PostgreSQL: Go kine's table (id = revision) on one connection. Writes run in a
 * transaction that first takes a transaction-scoped advisory lock, so writers (also other kine
 * processes on the same database) commit one at a time, in id order: a poller reading `id > last`
 * can never skip a row that commits later. Ids are given explicitly (the highest id + 1, read
 * under the lock), so a rolled-back write leaves no gap; the BIGSERIAL sequence is kept in step for
 * Go kine. Callers serialise their calls (PgBackend's queue): one statement at a time.
 */
import pg from 'pg';
import { parse as parseConnectionString, parseIntoClientConfig } from 'pg-connection-string';
import type { Logger } from '../../lib/logger.js';
import { VClusterError, ErrorCode } from '../../lib/errors.js';
import type { CompactionLog } from '../backend/compaction.js';
import type { DbSize } from '../backend/backend.js';
import { COMPACT_ROW_NAME } from '../sqlite/key-text.js';
import type { NewRow, Row } from '../sql/row.js';
import { postgresDialect } from './dialect.js';

/** Any 64-bit constant: the advisory lock all kine writers on a database share. */
const WRITE_LOCK = 0x6b696e65; // "kine"
const INT8_OID = 20;
const COLS = 'k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.lease, k.value, k.old_value, v.version';
const COLS_NO_VALUE = 'k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.lease, NULL::bytea AS value, NULL::bytea AS old_value, v.version';
const JOIN = 'FROM kine k LEFT JOIN kine_key_version v ON v.id = k.id';

type Param = string | number | Buffer | null;

/** bigint columns as JS numbers (revisions stay far below 2^53), per client rather than pg's global parsers. */
const textParser = pg.types.getTypeParser as (oid: number, format: 'text') => (value: string) => unknown;
const numericInt8: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number) => (oid === INT8_OID ? (v: string) => Number(v) : textParser(oid, 'text'))) as pg.CustomTypesConfig['getTypeParser'],
};

export class PgLog implements CompactionLog {
  private rev = 0;
  private compactRev = 0;
  private compactedThrough = 0;
  private inTx = false;
  /** The highest revision adopted from other writers (a rollback never goes below it). */
  private adopted = 0;

  private constructor(private readonly client: pg.Client) {}

  /** Connects (creating the database if it does not exist, as Go kine does), creates the schema and the compaction row. */
  static async open(url: string, log: Logger): Promise<PgLog> {
    let client: pg.Client;
    try {
      client = await connect(url, log);
    } catch (err) {
      throw new VClusterError('connect to PostgreSQL', { cause: err, code: ErrorCode.PRECONDITION, hint: 'check the --endpoint URL and that the server is running' });
    }
    client.on('error', (err) => log.error({ err }, 'PostgreSQL connection error'));
    const l = new PgLog(client);
    try {
      await l.init();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new VClusterError('initialise the kine schema in PostgreSQL', { cause: err, code: ErrorCode.PRECONDITION });
    }
    return l;
  }

  private async init(): Promise<void> {
    await this.transaction(async () => {
      for (const sql of postgresDialect.schema) await this.q(sql);
      for (const sql of postgresDialect.sideSchema) await this.q(sql);
      this.rev = await this.maxRevision();
      const r = await this.q<{ id: number; prev_revision: number; create_revision: number }>(
        'SELECT id, prev_revision, create_revision FROM kine WHERE name = $1 ORDER BY id LIMIT 1',
        [COMPACT_ROW_NAME],
      );
      const row = r.rows[0];
      if (row === undefined) {
        // on a fresh database the compaction record takes revision 1, as etcd starts at 1
        await this.insertRaw({ name: COMPACT_ROW_NAME, created: true, deleted: false, createRevision: 0, prevRevision: 0, lease: 0, value: Buffer.alloc(0), oldValue: null, version: undefined });
      } else {
        this.compactRev = row.prev_revision;
        this.compactedThrough = Math.min(row.create_revision, row.prev_revision);
        await this.q('DELETE FROM kine WHERE name = $1 AND id != $2', [COMPACT_ROW_NAME, row.id]);
      }
    });
  }

  private async q<R extends pg.QueryResultRow>(text: string, values: Param[] = [], name?: string): Promise<pg.QueryResult<R>> {
    return name === undefined ? this.client.query<R>(text, values) : this.client.query<R>({ name, text, values });
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compactRev;
  }

  /** The highest revision in the table (someone else's writes included). */
  async maxRevision(): Promise<number> {
    const r = await this.q<{ m: number | null }>('SELECT MAX(id) AS m FROM kine', [], 'kine_max');
    return r.rows[0]?.m ?? 0;
  }

  /** Adopts a revision written by another process (after its events were delivered). */
  advanceTo(rev: number): void {
    if (rev > this.rev) this.rev = rev;
    if (rev > this.adopted) this.adopted = rev;
  }

  /**
   * BEGIN, the writers' advisory lock, `fn`, COMMIT; on a throw ROLLBACK and the revision is
   * restored. A writer must first catch up with rows other processes added (maxRevision, then
   * advanceTo once their events are delivered): an insert takes the next id after currentRevision().
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTx) throw new VClusterError('nested PostgreSQL transaction');
    const before = this.rev;
    this.inTx = true;
    try {
      await this.q('BEGIN');
      await this.q('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK], 'kine_lock');
      const out = await fn();
      await this.q('COMMIT');
      return out;
    } catch (err) {
      await this.q('ROLLBACK').catch(() => undefined);
      this.rev = Math.max(before, this.adopted);
      throw err;
    } finally {
      this.inTx = false;
    }
  }

  /** The newest row of `name` at or below `rev` (tombstones included). */
  async get(name: string, rev: number): Promise<Row | undefined> {
    if (!postgresDialect.storable(name)) return undefined;
    if (rev >= this.rev) {
      const r = await this.q<Row>(`SELECT ${COLS} ${JOIN} WHERE k.id = (SELECT MAX(id) FROM kine WHERE name = $1)`, [name], 'kine_latest');
      return r.rows[0];
    }
    const r = await this.q<Row>(`SELECT ${COLS} ${JOIN} WHERE k.id = (SELECT MAX(id) FROM kine WHERE name = $1 AND id <= $2)`, [name, rev], 'kine_at');
    return r.rows[0];
  }

  /** Live keys in [start, end) at `rev`, in key order; limit 0 = all. */
  async list(start: string, end: string | undefined, rev: number, limit: number, keysOnly: boolean): Promise<Row[]> {
    const params: Param[] = [postgresDialect.bound(start), rev];
    let endCond = '';
    if (end !== undefined) {
      params.push(postgresDialect.bound(end));
      endCond = `AND name < $${String(params.length)}`;
    }
    let lim = '';
    if (limit > 0) {
      params.push(limit);
      lim = `LIMIT $${String(params.length)}`;
    }
    const name = `kine_list_${end === undefined ? 'o' : 'c'}_${keysOnly ? 'k' : 'v'}_${limit > 0 ? 'l' : 'a'}`;
    const r = await this.q<Row>(
      `SELECT ${keysOnly ? COLS_NO_VALUE : COLS} FROM kine k
       JOIN (SELECT MAX(id) AS id FROM kine WHERE name >= $1 ${endCond} AND id <= $2 AND name != '${COMPACT_ROW_NAME}' GROUP BY name) mkv ON mkv.id = k.id
       LEFT JOIN kine_key_version v ON v.id = k.id
       WHERE k.deleted = 0 ORDER BY k.name ${lim}`,
      params,
      name,
    );
    return r.rows;
  }

  async count(start: string, end: string | undefined, rev: number): Promise<number> {
    const params: Param[] = [postgresDialect.bound(start), rev];
    let endCond = '';
    if (end !== undefined) {
      params.push(postgresDialect.bound(end));
      endCond = 'AND name < $3';
    }
    const r = await this.q<{ c: number }>(
      `SELECT COUNT(*) AS c FROM kine k
       JOIN (SELECT MAX(id) AS id FROM kine WHERE name >= $1 ${endCond} AND id <= $2 AND name != '${COMPACT_ROW_NAME}' GROUP BY name) mkv ON mkv.id = k.id
       WHERE k.deleted = 0`,
      params,
      `kine_count_${end === undefined ? 'o' : 'c'}`,
    );
    return r.rows[0]?.c ?? 0;
  }

  /** Rows (all kinds) with fromRev <= id <= toRev in [start, end), in revision order. */
  async after(start: string, end: string | undefined, fromRev: number, toRev: number, limit: number): Promise<Row[]> {
    const params: Param[] = [fromRev, toRev, postgresDialect.bound(start), limit];
    let endCond = '';
    if (end !== undefined) {
      params.push(postgresDialect.bound(end));
      endCond = 'AND k.name < $5';
    }
    const r = await this.q<Row>(
      `SELECT ${COLS} ${JOIN}
       WHERE k.id >= $1 AND k.id <= $2 AND k.name >= $3 ${endCond} AND k.name != '${COMPACT_ROW_NAME}'
       ORDER BY k.id LIMIT $4`,
      params,
      `kine_after_${end === undefined ? 'o' : 'c'}`,
    );
    return r.rows;
  }

  /** Appends a row inside transaction(); the new id is the new revision. */
  async insert(r: NewRow): Promise<number> {
    if (!this.inTx) throw new VClusterError('kine insert outside a transaction');
    return this.insertRaw(r);
  }

  private async insertRaw(r: NewRow): Promise<number> {
    // under the writers' lock, after the caller caught up with other writers (advanceTo)
    const id = this.rev + 1;
    await this.q(
      `INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value)
       VALUES (setval(pg_get_serial_sequence('kine', 'id'), $1), $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, r.name, r.created ? 1 : 0, r.deleted ? 1 : 0, r.createRevision, r.prevRevision, r.lease, r.value, r.oldValue],
      'kine_insert',
    );
    if (r.version !== undefined) {
      await this.q(
        'INSERT INTO kine_key_version(id, version) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version',
        [id, r.version],
        'kine_insert_version',
      );
    }
    this.rev = id;
    return id;
  }

  /** Records a new compaction revision (in prev_revision of the compact_rev_key row, as kine). */
  async setCompactRevision(rev: number): Promise<void> {
    await this.q('UPDATE kine SET prev_revision = $1 WHERE name = $2', [rev, COMPACT_ROW_NAME]);
    this.compactRev = rev;
  }

  compactedThroughRevision(): number {
    return this.compactedThrough;
  }

  /** One bounded compaction step in one transaction (see SqlLog.compactBatch); returns rows removed. */
  async compactBatch(lo: number, hi: number, target: number): Promise<number> {
    return this.transaction(async () => {
      const r = await this.q(
        `WITH ids AS (
           SELECT kp.prev_revision AS id FROM kine kp
           WHERE kp.id > $1 AND kp.id <= $2 AND kp.name != '${COMPACT_ROW_NAME}' AND kp.prev_revision != 0
           UNION SELECT kd.id FROM kine kd WHERE kd.id > $1 AND kd.id <= $2 AND kd.id < $3 AND kd.deleted != 0),
         gone AS (DELETE FROM kine_key_version WHERE id IN (SELECT id FROM ids))
         DELETE FROM kine WHERE id IN (SELECT id FROM ids)`,
        [lo, hi, target],
        'kine_compact',
      );
      await this.q('UPDATE kine SET create_revision = $1 WHERE name = $2', [hi, COMPACT_ROW_NAME]);
      this.compactedThrough = hi;
      return r.rowCount ?? 0;
    });
  }

  /** PostgreSQL reclaims space itself (autovacuum). */
  checkpoint(): void {
    // nothing to do
  }

  /** Status.dbSize: the table with its indexes and TOAST, as Go kine reports it. */
  async dbSize(): Promise<DbSize> {
    const r = await this.q<{ s: number }>("SELECT pg_total_relation_size('kine') AS s", [], 'kine_size');
    const size = r.rows[0]?.s ?? 0;
    return { size, inUse: size };
  }

  async loadLeases(): Promise<{ id: number; ttl: number }[]> {
    return (await this.q<{ id: number; ttl: number }>('SELECT id, ttl FROM kine_lease')).rows;
  }

  async saveLease(id: number, ttl: number): Promise<void> {
    await this.q('INSERT INTO kine_lease(id, ttl) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET ttl = EXCLUDED.ttl', [id, ttl], 'kine_save_lease');
  }

  async deleteLease(id: number): Promise<void> {
    await this.q('DELETE FROM kine_lease WHERE id = $1', [id], 'kine_delete_lease');
  }

  /** Live keys that carry a lease (startup). */
  async leasedKeys(): Promise<{ name: string; lease: number }[]> {
    const r = await this.q<{ name: string; lease: number }>(
      `SELECT k.name, k.lease FROM kine k
       JOIN (SELECT MAX(id) AS id FROM kine GROUP BY name) mkv ON mkv.id = k.id
       WHERE k.lease != 0 AND k.deleted = 0 AND k.name != '${COMPACT_ROW_NAME}'`,
    );
    return r.rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

async function connect(url: string, log: Logger): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, types: numericInt8 });
  try {
    await c.connect();
    return c;
  } catch (err) {
    if ((err as { code?: unknown }).code !== '3D000') throw err;
  }
  // the database does not exist: create it from the maintenance database (Go kine does the same)
  const db = parseConnectionString(url).database ?? '';
  const a = new pg.Client({ ...parseIntoClientConfig(url), database: 'postgres' });
  await a.connect();
  try {
    await a.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`);
    log.info({ database: db }, 'created PostgreSQL database');
  } catch (err) {
    if ((err as { code?: unknown }).code !== '42P04') throw err; // created meanwhile
  } finally {
    await a.end();
  }
  const c2 = new pg.Client({ connectionString: url, types: numericInt8 });
  await c2.connect();
  return c2;
}
