/** The SQLite dialect: kine's exact schema; TEXT holds any UTF-8, so bounds pass as they are. */
import type { SqlDialect } from '../sql/dialect.js';
import { KINE_SCHEMA, SIDE_SCHEMA } from './schema.js';

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  schema: KINE_SCHEMA,
  sideSchema: SIDE_SCHEMA,
  bound: (name) => name,
  storable: () => true,
};
