/**
 * The kine database as snapshot and restore handle it: an online copy through SQLite's backup API
 * (a consistent point in time while kine keeps writing), and the checks a copy must pass before it
 * is trusted (PRAGMA integrity_check, the kine table, its revision).
 */
import Database from 'better-sqlite3';
import { ErrorCode, VClusterError } from '../../lib/errors.js';

export interface DatabaseCheck {
  /** The highest kine id (the revision). */
  readonly revision: number;
  readonly rows: number;
}

/** Pages copied per backup step: all of them, so the copy is taken in one read transaction. */
const ALL_PAGES = 1 << 30;

/**
 * Copies `source` (a live WAL database) into the new file `destination`. Each step of SQLite's
 * backup restarts when another connection writes the source, so the whole copy is one step.
 */
export async function backupDatabase(source: string, destination: string): Promise<void> {
  let db: Database.Database;
  try {
    db = new Database(source, { fileMustExist: true, timeout: 30_000 });
  } catch (err) {
    throw new VClusterError(`open database ${source}`, { cause: err, code: ErrorCode.NOT_FOUND });
  }
  try {
    await db.backup(destination, { progress: () => ALL_PAGES });
  } catch (err) {
    throw new VClusterError(`back up database ${source}`, { cause: err });
  } finally {
    db.close();
  }
}

/** Opens a database file read-only and checks it is a sound kine database; throws a VClusterError saying why not. */
export function checkKineDatabase(file: string, what: string): DatabaseCheck {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new VClusterError(`${what}: cannot open the database`, { cause: err, code: ErrorCode.USAGE });
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new VClusterError(`${what}: PRAGMA integrity_check says ${String(integrity)}`, { code: ErrorCode.USAGE });
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kine'").get();
    if (!table) throw new VClusterError(`${what}: no kine table`, { code: ErrorCode.USAGE });
    const row = db.prepare('SELECT COALESCE(MAX(id), 0) AS revision, COUNT(*) AS rows FROM kine').get() as { revision: number; rows: number };
    return { revision: row.revision, rows: row.rows };
  } catch (err) {
    if (err instanceof VClusterError) throw err;
    throw new VClusterError(`${what}: not a readable SQLite database`, { cause: err, code: ErrorCode.USAGE });
  } finally {
    db.close();
  }
}
