/**
 * What `vcluster history` shows of each version: the object as YAML without the fields every write
 * changes (resourceVersion, managedFields), and a line diff between consecutive versions. Pure.
 */
import { stringify } from 'yaml';

/** A copy without metadata.resourceVersion and metadata.managedFields. */
export function withoutNoise(obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return obj;
  const o = obj as Record<string, unknown>;
  const meta = o.metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return obj;
  const rest = { ...(meta as Record<string, unknown>) };
  delete rest.resourceVersion;
  delete rest.managedFields;
  return { ...o, metadata: rest };
}

export function objectLines(obj: unknown): string[] {
  if (obj === undefined) return [];
  return stringify(withoutNoise(obj), { sortMapEntries: false }).trimEnd().split('\n');
}

/** Beyond this many lines on a side, the diff is not computed (LCS is quadratic). */
export const MAX_DIFF_LINES = 4000;

/**
 * The lines removed ("- ") and added ("+ ") going from `a` to `b`, in order, by longest common
 * subsequence; unchanged lines are left out.
 */
export function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) return [`(not compared: more than ${MAX_DIFF_LINES} lines)`];
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(`- ${a[i++]!}`);
    else out.push(`+ ${b[j++]!}`);
  }
  while (i < n) out.push(`- ${a[i++]!}`);
  while (j < m) out.push(`+ ${b[j++]!}`);
  return out;
}

/** When a version was written, as far as the object says: the newest managedFields time, else creationTimestamp. */
export function writtenAt(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const meta = (obj as { metadata?: { creationTimestamp?: unknown; managedFields?: unknown } }).metadata;
  const times = Array.isArray(meta?.managedFields)
    ? (meta.managedFields as unknown[]).map((f) => (typeof f === 'object' && f !== null ? (f as { time?: unknown }).time : undefined)).filter((t): t is string => typeof t === 'string')
    : [];
  const newest = times.sort().at(-1);
  return newest ?? (typeof meta?.creationTimestamp === 'string' ? meta.creationTimestamp : undefined);
}
