/**
 * Opens the backend the endpoint names: a SQLite file (with its background WAL checkpointer) or a
 * PostgreSQL database. `close` stops the backend and releases the database.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import type { Backend } from '../backend/backend.js';
import { LogBackend } from '../backend/log-backend.js';
import type { Durability } from '../sqlite/schema.js';
import type { StoreEndpoint } from '../config.js';
import { WalCheckpointer } from '../sqlite/checkpointer.js';
import { SqlLog } from '../sqlite/sql-log.js';

export interface OpenStore {
  readonly backend: Backend;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly durability: Durability;
  readonly compactBatchSize: number;
}

export async function openStore(store: StoreEndpoint, o: StoreOptions, log: Logger): Promise<OpenStore> {
  const backendLog = log.child({ layer: 'backend' });
  if (store.kind === 'postgres') {
    // loaded only for PostgreSQL: the pg driver pulls in tls, crypto, http, http2, zlib and
    // worker_threads, which a SQLite kine would carry for nothing (idle RSS)
    const [{ PgLog }, { PgBackend }] = await Promise.all([import('../postgres/pg-log.js'), import('../postgres/pg-backend.js')]);
    const sql = await PgLog.open(store.url, log);
    const backend = new PgBackend(sql, { log: backendLog, compactBatchSize: o.compactBatchSize });
    try {
      await backend.start();
    } catch (err) {
      await sql.close().catch(() => undefined);
      throw err;
    }
    return {
      backend,
      close: async () => {
        await backend.stop();
        await sql.close();
      },
    };
  }
  mkdirSync(dirname(store.path), { recursive: true });
  const sql = SqlLog.open(store.path, { durability: o.durability });
  const backend = new LogBackend(sql, { log: backendLog, compactBatchSize: o.compactBatchSize });
  backend.start();
  let checkpointer: WalCheckpointer | undefined;
  try {
    checkpointer = await WalCheckpointer.start({ dbPath: store.path, log }, () => sql.detachCheckpointer());
    sql.attachCheckpointer(checkpointer);
  } catch (err) {
    log.warn({ err, db: store.path }, 'no background WAL checkpoints; SQLite checkpoints inside commits');
  }
  return {
    backend,
    close: async () => {
      await backend.stop();
      sql.detachCheckpointer();
      await checkpointer?.stop();
      sql.close();
    },
  };
}
