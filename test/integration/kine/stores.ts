/**
 * The stores kine's integration tests run against: SQLite always, PostgreSQL when its binaries
 * are installed (one private server per test file, on a unix socket in a temp dir, a fresh
 * database per kine). KINE_TEST_STORES=sqlite (or postgres) narrows the list.
 */
import { join } from 'node:path';
import { findPostgresBin, startTestPostgres, type TestPostgres } from '../../../src/kine/postgres/test-server.js';

export interface TestStore {
  readonly name: 'sqlite' | 'postgres';
  /** A reason to skip, or false. */
  readonly skip: string | false;
  /** The --endpoint for a kine whose files live in `dir`. */
  endpoint(dir: string): string;
}

export interface TestStores {
  readonly list: readonly TestStore[];
  /** Stops the PostgreSQL server if one was started. */
  stop(): void;
}

export function testStores(env: NodeJS.ProcessEnv = process.env): TestStores {
  const wanted = (env.KINE_TEST_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  const bin = findPostgresBin(env);
  let server: TestPostgres | undefined;
  let databases = 0;
  const list: TestStore[] = [];
  if (wanted.includes('sqlite')) list.push({ name: 'sqlite', skip: false, endpoint: (dir) => `sqlite://${join(dir, 'state.db')}` });
  if (wanted.includes('postgres')) {
    list.push({
      name: 'postgres',
      skip: bin === undefined ? 'no PostgreSQL binaries (install postgresql or set PG_BIN)' : false,
      endpoint: () => {
        if (bin === undefined) throw new Error('no PostgreSQL binaries');
        server ??= startTestPostgres(bin);
        return server.url(`kine${String(++databases)}`);
      },
    });
  }
  return {
    list,
    stop: () => {
      server?.stop();
      server = undefined;
    },
  };
}
