/**
 * Key-level 3-way merge of string maps (labels, annotations) between the virtual and the host side
 * (vcluster-behavior.md §2.4). Each side's change since the last state the syncer saw is applied to
 * the other side; when both sides changed the same key, the virtual side wins.
 */
import type { StringMap } from '../translate/labels.js';

/** A change of one key: a new value, or null for "removed". */
export type MapDiff = Map<string, string | null>;

/** Keys added, changed or removed from `old` to `current`. No `old` means nothing changed. */
export function diffMaps(old: StringMap | undefined, current: StringMap | undefined): MapDiff {
  const out: MapDiff = new Map();
  if (old === undefined) return out;
  const now = current ?? {};
  for (const [key, value] of Object.entries(now)) {
    if (old[key] !== value) out.set(key, value);
  }
  for (const key of Object.keys(old)) {
    if (!Object.hasOwn(now, key)) out.set(key, null);
  }
  return out;
}

export interface MapMergeInput {
  /** The virtual map the syncer saw last; undefined on first sight (then every virtual key counts as set). */
  readonly virtualOld: StringMap | undefined;
  readonly virtual: StringMap | undefined;
  /** The host map the syncer saw last; undefined means "no host change known". */
  readonly hostOld: StringMap | undefined;
  readonly host: StringMap | undefined;
}

export interface KeyTranslation {
  /** Virtual key → host key; undefined when the key never reaches the host. */
  readonly toHost: (key: string) => string | undefined;
  /** Host key → virtual key; undefined when the key never reaches the virtual side. */
  readonly toVirtual: (key: string) => string | undefined;
}

export interface MapMergeResult {
  readonly virtual: Record<string, string>;
  readonly host: Record<string, string>;
}

function applyDiff(
  target: StringMap | undefined,
  changes: MapDiff,
  translate: (key: string) => string | undefined,
  skip: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = { ...(target ?? {}) };
  for (const [key, value] of changes) {
    const translated = translate(key);
    if (translated === undefined || skip.has(translated)) continue;
    if (value === null) delete out[translated];
    else out[translated] = value;
  }
  return out;
}

/** The 3-way merge of one map. Inputs are never mutated. */
export function mergeMaps(input: MapMergeInput, keys: KeyTranslation): MapMergeResult {
  const virtualChanges =
    input.virtualOld === undefined
      ? new Map(Object.entries(input.virtual ?? {}))
      : diffMaps(input.virtualOld, input.virtual);
  const hostChanges = diffMaps(input.hostOld, input.host);
  const host = applyDiff(input.host, virtualChanges, keys.toHost, new Set());
  // Virtual wins a tie: host changes to keys the virtual side also changed are dropped...
  const virtualTouched = new Set<string>(virtualChanges.keys());
  const virtual = applyDiff(input.virtual, hostChanges, keys.toVirtual, virtualTouched);
  // ...and the host gets the virtual value back for those keys.
  for (const [hostKey] of hostChanges) {
    const virtualKey = keys.toVirtual(hostKey);
    if (virtualKey === undefined || !virtualTouched.has(virtualKey)) continue;
    const value = virtual[virtualKey];
    const target = keys.toHost(virtualKey);
    if (target === undefined) continue;
    if (value === undefined) delete host[target];
    else host[target] = value;
  }
  return { virtual, host };
}
