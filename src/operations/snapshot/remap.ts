/**
 * A snapshot restored under another name or host namespace: the mappings it carries name the old
 * vcluster's host objects (`x-<old vc>`, the old host namespace). Before the control plane starts on
 * the copy, each live mapping is rewritten for the new vcluster as a new kine revision (an update of
 * the key, as kine itself writes one), so the syncer never reaches for the old vcluster's objects.
 */
import Database from 'better-sqlite3';
import { decodeMapping, encodeMapping, MAPPINGS_PREFIX, type Mapping, type NameMapping } from '../../syncer/mappings/mapping.js';
import { hostRef, type NameContext } from '../../syncer/translate/names.js';
import { VClusterError } from '../../lib/errors.js';

/** The host side of one name pair for the new vcluster. Pure. */
export function remapNameMapping(m: NameMapping, from: NameContext, to: NameContext): NameMapping {
  const virtual = m.virtual.namespace ? { name: m.virtual.name, namespace: m.virtual.namespace } : { name: m.virtual.name };
  const oldHost = hostRef(from, virtual);
  if (m.host.name === oldHost.name && m.host.namespace === oldHost.namespace) return { ...m, host: hostRef(to, virtual) };
  if (m.host.namespace !== '' && m.host.namespace === from.hostNamespace) return { ...m, host: { ...m.host, namespace: to.hostNamespace } };
  return m;
}

/** A mapping and its references for the new vcluster; the sender is cleared (no syncer wrote it). Pure. */
export function remapMapping(m: Mapping, from: NameContext, to: NameContext): Mapping {
  return { ...remapNameMapping(m, from, to), sender: '', references: m.references.map((r) => remapNameMapping(r, from, to)) };
}

interface LiveRow {
  id: number;
  name: string;
  create_revision: number;
  lease: number;
  value: Buffer | null;
  version: number | null;
}

/** Rewrites every live mapping in the (stopped) database `file`; returns how many changed. */
export function rewriteMappings(file: string, from: NameContext, to: NameContext): number {
  if (from.vclusterName === to.vclusterName && from.hostNamespace === to.hostNamespace) return 0;
  const db = new Database(file, { fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT k.id, k.name, k.create_revision, k.lease, k.value, v.version FROM kine k LEFT JOIN kine_key_version v ON v.id = k.id
         WHERE k.name LIKE ? AND k.deleted = 0 AND k.id = (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = k.name)`,
      )
      .all(`${MAPPINGS_PREFIX}%`) as LiveRow[];
    const insert = db.prepare(
      'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, 0, 0, ?, ?, ?, ?, ?)',
    );
    const version = db.prepare('INSERT INTO kine_key_version (id, version) VALUES (?, ?)');
    let changed = 0;
    db.transaction(() => {
      for (const row of rows) {
        if (!row.value) continue;
        const old = row.value.toString('utf8');
        const next = encodeMapping(remapMapping(decodeMapping(old), from, to));
        if (next === old) continue;
        const r = insert.run(row.name, row.create_revision === 0 ? row.id : row.create_revision, row.id, row.lease, Buffer.from(next), row.value);
        version.run(Number(r.lastInsertRowid), (row.version ?? 1) + 1);
        changed++;
      }
    })();
    return changed;
  } catch (err) {
    throw new VClusterError('rewrite the mappings for the new vcluster', { cause: err });
  } finally {
    db.close();
  }
}
