/**
 * The seam under the log: what differs between the SQL databases kine's table lives in. The
 * revision semantics above (backend/) and the row layout (Go kine's `kine` table, one row per
 * revision, id = revision) are the same for every dialect.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Go kine's CREATE TABLE/INDEX statements for this database, in order. */
  readonly schema: readonly string[];
  /** Our side tables (per-key versions, leases). */
  readonly sideSchema: readonly string[];
  /**
   * A range bound as the database can compare it, selecting the same stored names: PostgreSQL
   * text cannot hold NUL, so a bound with a NUL (a continue key is `<last key>\x00`) is cut there
   * and `\x01` appended, which no NUL-free name lies between.
   */
  bound(name: string): string;
  /** Whether a key can be stored as a name (PostgreSQL: no NUL). */
  storable(name: string): boolean;
}
