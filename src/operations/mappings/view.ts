/**
 * `vcluster debug mappings`: what the syncer's mappings store holds — the live keys under
 * /vcluster/mappings/ in the vcluster's state.db (read-only, next to a running kine) — as rows.
 * `toMappingRows` and `mappingsTable` are pure.
 */
import Database from 'better-sqlite3';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { decodeMapping, MAPPINGS_PREFIX, type NameMapping } from '../../syncer/mappings/mapping.js';

export interface StoredMapping {
  readonly key: string;
  /** The kine revision that wrote the current value. */
  readonly revision: number;
  readonly value: string;
}

export interface MappingRow {
  readonly kind: string;
  readonly apiVersion: string;
  readonly virtual: string;
  readonly host: string;
  readonly references: readonly string[];
  readonly revision: number;
  readonly key: string;
  /** Set when the stored value is not a readable mapping. */
  readonly error?: string;
}

export function readStoredMappings(file: string): StoredMapping[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 30_000 });
  } catch (err) {
    throw new VClusterError(`open database ${file}`, { cause: err, code: ErrorCode.PRECONDITION, hint: 'has the vcluster started at least once?' });
  }
  try {
    return (
      db
        .prepare(
          `SELECT k.name AS key, k.id AS revision, k.value AS value FROM kine k
           WHERE k.name LIKE ? AND k.deleted = 0 AND k.id = (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = k.name) ORDER BY k.name`,
        )
        .all(`${MAPPINGS_PREFIX}%`) as { key: string; revision: number; value: Buffer | null }[]
    ).map((r) => ({ key: r.key, revision: r.revision, value: r.value ? r.value.toString('utf8') : '' }));
  } finally {
    db.close();
  }
}

const ref = (n: { namespace: string; name: string }): string => (n.namespace ? `${n.namespace}/${n.name}` : n.name);
const apiVersion = (m: NameMapping): string => (m.gvk.group ? `${m.gvk.group}/${m.gvk.version}` : m.gvk.version);

export function toMappingRows(stored: readonly StoredMapping[]): MappingRow[] {
  return stored.map((s) => {
    try {
      const m = decodeMapping(s.value);
      return {
        kind: m.gvk.kind,
        apiVersion: apiVersion(m),
        virtual: ref(m.virtual),
        host: ref(m.host),
        references: m.references.map((r) => `${r.gvk.kind}:${ref(r.virtual)}→${ref(r.host)}`),
        revision: s.revision,
        key: s.key,
      };
    } catch (err) {
      return { kind: '?', apiVersion: '?', virtual: s.key.slice(MAPPINGS_PREFIX.length), host: '?', references: [], revision: s.revision, key: s.key, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

export const MAPPING_COLUMNS = ['KIND', 'VIRTUAL', 'HOST', 'REFERENCES', 'REVISION'] as const;

export function mappingsTable(rows: readonly MappingRow[]): string[][] {
  return rows.map((r) => [`${r.kind}.${r.apiVersion}`, r.virtual, r.host, r.error ? `(unreadable: ${r.error})` : r.references.join(',') || '-', String(r.revision)]);
}
