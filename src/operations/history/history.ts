/**
 * `vcluster history NAME <kind>/<name>`: the revisions kine still holds for one object key (one row per
 * revision in the kine table: created / updated / deleted), each version decoded and diffed against
 * the one before. JSON values (custom resources, the mappings) decode directly; protobuf values (the
 * built-in kinds) are read back from the vcluster's own apiserver at that exact revision, so the
 * control plane must be running for those. kine keeps superseded revisions until compaction.
 */
import Database from 'better-sqlite3';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { lineDiff, objectLines, writtenAt } from './diff.js';
import { candidateKeys, isNamespacedKey, listPath, type ObjectTarget } from './keys.js';
import type { VirtualApi } from './virtual-api.js';

export type RevisionType = 'CREATE' | 'UPDATE' | 'DELETE';

export interface HistoryRevision {
  readonly revision: number;
  readonly type: RevisionType;
  /** When it was written, as far as the object says (managedFields, creationTimestamp). */
  readonly time: string | undefined;
  /** Size of the stored value. */
  readonly bytes: number;
  readonly encoding: 'json' | 'protobuf' | 'text' | 'none';
  readonly object: unknown;
  /** Why `object` is missing, when it is. */
  readonly note: string | undefined;
  /** "- "/"+ " lines from the previous version shown (empty for the first). */
  readonly diff: readonly string[];
}

export interface ObjectHistory {
  readonly key: string;
  /** kine's compaction revision: older superseded versions are gone. */
  readonly compactRevision: number;
  readonly revisions: readonly HistoryRevision[];
}

interface KineRow {
  id: number;
  created: number;
  deleted: number;
  value: Buffer | null;
  old_value: Buffer | null;
}

const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

export interface KeyRows {
  readonly key: string;
  readonly rows: readonly KineRow[];
  readonly compactRevision: number;
}

/** The rows of the first key that has any, oldest first. */
export function readKeyRows(file: string, keys: readonly string[]): KeyRows | undefined {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 30_000 });
  } catch (err) {
    throw new VClusterError(`open database ${file}`, { cause: err, code: ErrorCode.PRECONDITION });
  }
  try {
    const compact = db.prepare("SELECT prev_revision FROM kine WHERE name = 'compact_rev_key' ORDER BY id DESC LIMIT 1").get() as { prev_revision: number } | undefined;
    const stmt = db.prepare('SELECT id, created, deleted, value, old_value FROM kine WHERE name = ? ORDER BY id');
    for (const key of keys) {
      const rows = stmt.all(key) as KineRow[];
      if (rows.length > 0) return { key, rows, compactRevision: compact?.prev_revision ?? 0 };
    }
    return undefined;
  } finally {
    db.close();
  }
}

function typeOf(row: KineRow): RevisionType {
  return row.deleted ? 'DELETE' : row.created ? 'CREATE' : 'UPDATE';
}

type Decoded = { encoding: HistoryRevision['encoding']; object: unknown; note: string | undefined };

/** Reads the object at `revision` back from the apiserver (exact-revision list by name; the live object as a fallback). */
async function decodeThroughApi(api: VirtualApi, target: ObjectTarget, namespaced: boolean, revision: number, latest: boolean): Promise<Decoded> {
  let version = 'v1';
  if (target.group) {
    const g = await api.get(`/apis/${target.group}`);
    const preferred = (g.body as { preferredVersion?: { version?: string } } | undefined)?.preferredVersion?.version;
    if (g.status !== 200 || !preferred) return { encoding: 'protobuf', object: undefined, note: `group ${target.group} is not served` };
    version = preferred;
  }
  const path = listPath(target, version, namespaced);
  const selector = encodeURIComponent(`metadata.name=${target.name}`);
  const r = await api.get(`${path}?fieldSelector=${selector}&resourceVersion=${revision}&resourceVersionMatch=Exact`);
  if (r.status === 200) {
    const list = r.body as { apiVersion?: string; kind?: string; items?: unknown[] };
    const item = list.items?.[0];
    if (item && typeof item === 'object') {
      return { encoding: 'protobuf', object: { apiVersion: list.apiVersion, kind: list.kind?.replace(/List$/, ''), ...(item as Record<string, unknown>) }, note: undefined };
    }
  }
  if (latest) {
    const live = await api.get(`${path}/${encodeURIComponent(target.name)}`);
    const rv = (live.body as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
    if (live.status === 200 && rv === String(revision)) return { encoding: 'protobuf', object: live.body, note: undefined };
  }
  return { encoding: 'protobuf', object: undefined, note: r.status === 410 ? 'revision compacted in the apiserver; not decodable' : `not decodable (apiserver answered ${r.status})` };
}

async function decode(value: Buffer | null, api: VirtualApi | undefined, target: ObjectTarget | undefined, namespaced: boolean, revision: number, latest: boolean): Promise<Decoded> {
  if (!value || value.length === 0) return { encoding: 'none', object: undefined, note: undefined };
  if (value.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    if (!api || !target) return { encoding: 'protobuf', object: undefined, note: 'protobuf; start the vcluster to decode it' };
    return decodeThroughApi(api, target, namespaced, revision, latest).catch((err: unknown) => ({
      encoding: 'protobuf' as const,
      object: undefined,
      note: `not decodable: ${err instanceof Error ? err.message : String(err)}`,
    }));
  }
  const text = value.toString('utf8');
  try {
    return { encoding: 'json', object: JSON.parse(text) as unknown, note: undefined };
  } catch {
    return { encoding: 'text', object: text, note: undefined };
  }
}

/** The history of one key (`target` for an object, or a raw key), with versions decoded and diffed. */
export async function objectHistory(file: string, what: { target: ObjectTarget } | { key: string }, api: VirtualApi | undefined): Promise<ObjectHistory> {
  const target = 'target' in what ? what.target : undefined;
  const keys = target ? candidateKeys(target) : [(what as { key: string }).key];
  const found = readKeyRows(file, keys);
  if (!found) {
    throw new VClusterError(`no revisions of ${target ? `${target.resource}${target.group ? `.${target.group}` : ''} ${target.namespace}/${target.name}` : keys[0]!} in the database (looked for ${keys.join(', ')})`, {
      code: ErrorCode.NOT_FOUND,
      hint: 'kine keeps revisions until compaction; a key that never existed, or was deleted before the last compaction, has none',
    });
  }
  const namespaced = target ? isNamespacedKey(found.key, target) : false;
  const lastLive = [...found.rows].reverse().find((r) => !r.deleted)?.id;
  const revisions: HistoryRevision[] = [];
  let previous: unknown;
  for (const row of found.rows) {
    const type = typeOf(row);
    const d = type === 'DELETE' ? { encoding: 'none' as const, object: undefined, note: 'deleted' } : await decode(row.value, api, target, namespaced, row.id, row.id === lastLive);
    const diff = type === 'DELETE' || d.object === undefined || previous === undefined ? [] : lineDiff(objectLines(previous), objectLines(d.object));
    revisions.push({
      revision: row.id,
      type,
      time: type === 'DELETE' ? deletionTime(previous) : writtenAt(d.object),
      bytes: (type === 'DELETE' ? row.old_value : row.value)?.length ?? 0,
      encoding: d.encoding,
      object: d.object,
      note: d.note,
      diff,
    });
    previous = type === 'DELETE' ? undefined : (d.object ?? previous);
  }
  return { key: found.key, compactRevision: found.compactRevision, revisions };
}

function deletionTime(obj: unknown): string | undefined {
  const t = (obj as { metadata?: { deletionTimestamp?: unknown } } | undefined)?.metadata?.deletionTimestamp;
  return typeof t === 'string' ? t : undefined;
}
