/**
 * The vcluster.loft.sh/object-* annotations on host objects and the managed-keys bookkeeping
 * (vcluster-behavior.md §1.5, §2.4).
 */
import {
  BOOKKEEPING_ANNOTATIONS,
  HOST_NAME_ANNOTATION,
  HOST_NAMESPACE_ANNOTATION,
  KIND_ANNOTATION,
  MANAGED_ANNOTATIONS_ANNOTATION,
  NAME_ANNOTATION,
  NAMESPACE_ANNOTATION,
  UID_ANNOTATION,
} from './constants.js';
import { gvkString, type GroupVersionKind } from './gvk.js';
import type { StringMap } from './labels.js';

/** Who a host object stands for. */
export interface ObjectIdentity {
  readonly gvk: GroupVersionKind;
  readonly virtualName: string;
  /** Absent or empty for cluster-scoped objects. */
  readonly virtualNamespace?: string;
  readonly virtualUid?: string;
  readonly hostName: string;
  readonly hostNamespace?: string;
}

/** The object-* annotations for a host object (namespace ones omitted for cluster-scoped objects). */
export function identityAnnotations(identity: ObjectIdentity): Record<string, string> {
  // uid is always written (empty when unknown), as vCluster's addHostAnnotations does
  const out: Record<string, string> = {
    [NAME_ANNOTATION]: identity.virtualName,
    [UID_ANNOTATION]: identity.virtualUid ?? '',
  };
  if (identity.virtualNamespace) out[NAMESPACE_ANNOTATION] = identity.virtualNamespace;
  out[KIND_ANNOTATION] = gvkString(identity.gvk);
  out[HOST_NAME_ANNOTATION] = identity.hostName;
  if (identity.hostNamespace) out[HOST_NAMESPACE_ANNOTATION] = identity.hostNamespace;
  return out;
}

export interface HostAnnotationsOptions {
  /** Virtual annotation keys never copied to the host (e.g. field.cattle.io/publicEndpoints). */
  readonly exclude?: readonly string[];
}

/**
 * vCluster's HostAnnotations for a new host object: the virtual annotations (minus bookkeeping and
 * excluded keys), `managed-annotations` listing the copied keys (when there are any), and the
 * identity annotations.
 */
export function hostAnnotations(
  virtualAnnotations: StringMap | undefined,
  identity: ObjectIdentity,
  options: HostAnnotationsOptions = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(virtualAnnotations ?? {})) {
    if (BOOKKEEPING_ANNOTATIONS.includes(key) || options.exclude?.includes(key)) continue;
    out[key] = value;
  }
  const managed = formatManagedKeys(Object.keys(out));
  if (managed !== '') out[MANAGED_ANNOTATIONS_ANNOTATION] = managed;
  return { ...out, ...identityAnnotations(identity) };
}

/** Host annotations with the bookkeeping ones (and any `exclude`d keys) removed. */
export function virtualAnnotations(
  hostAnnotationMap: StringMap | undefined,
  exclude: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(hostAnnotationMap ?? {})) {
    if (BOOKKEEPING_ANNOTATIONS.includes(key) || exclude.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

/** The value of managed-annotations / managed-labels: sorted keys joined with "\n". */
export function formatManagedKeys(keys: Iterable<string>): string {
  return [...new Set(keys)].sort().join('\n');
}

/** Parses a managed-annotations / managed-labels value. */
export function parseManagedKeys(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  return value.split('\n').filter((k) => k !== '');
}

export interface ApplyManagedResult {
  readonly map: Record<string, string>;
  /** The new managed-keys value to store on the target. */
  readonly managed: string;
}

/**
 * vCluster's ApplyMaps ("managed keys"): copies every source key onto the target, removes keys that
 * were managed before but are gone from the source, and leaves foreign target keys alone.
 */
export function applyManagedKeys(
  source: StringMap | undefined,
  target: StringMap | undefined,
  previouslyManaged: string | undefined,
): ApplyManagedResult {
  const map: Record<string, string> = { ...(target ?? {}) };
  const src = source ?? {};
  for (const key of parseManagedKeys(previouslyManaged)) {
    if (!(key in src)) delete map[key];
  }
  Object.assign(map, src);
  return { map, managed: formatManagedKeys(Object.keys(src)) };
}
