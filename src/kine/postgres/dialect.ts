/** The PostgreSQL dialect: Go kine's PostgreSQL schema; text cannot hold NUL. */
import type { SqlDialect } from '../sql/dialect.js';
import { PG_KINE_SCHEMA, PG_SIDE_SCHEMA } from './schema.js';

export function pgBound(name: string): string {
  const i = name.indexOf('\u0000');
  return i < 0 ? name : `${name.slice(0, i)}\u0001`;
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  schema: PG_KINE_SCHEMA,
  sideSchema: PG_SIDE_SCHEMA,
  bound: pgBound,
  storable: (name) => !name.includes('\u0000'),
};
