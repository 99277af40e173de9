/**
 * The 3-way merges for metadata: labels (reserved keys hashed, markers kept on the host) and
 * annotations (bookkeeping annotations never copied, identity re-added on the host), and both over
 * whole objects (mergeObjectMetadata), as every toHost kind's `sync` uses them.
 */
import { BOOKKEEPING_ANNOTATIONS, NAMESPACE_LABEL_PREFIX } from '../translate/constants.js';
import { identityAnnotations, type ObjectIdentity } from '../translate/annotations.js';
import type { GroupVersionKind } from '../translate/gvk.js';
import {
  hostLabelKey,
  markerLabels,
  namespaceLabelsForPod,
  virtualLabelKey,
  type StringMap,
} from '../translate/labels.js';
import type { NameContext } from '../translate/names.js';
import { mergeMaps, type MapMergeInput, type MapMergeResult } from './merge-maps.js';

export interface LabelMergeOptions {
  /** Absent for cluster-scoped objects. */
  readonly virtualNamespace?: string;
  /** Extra host-only labels the syncer owns, set on the host result. */
  readonly hostExtra?: StringMap;
  /**
   * Pods: the labels of the virtual namespace. When given, every ns-label key on the host is
   * replaced by these (so a removed namespace label disappears from the host pod too).
   */
  readonly namespaceLabels?: StringMap;
}

/** Bidirectional label merge; the host result always carries the real markers. */
export function mergeLabels(
  ctx: NameContext,
  input: MapMergeInput,
  options: LabelMergeOptions = {},
): MapMergeResult {
  const merged = mergeMaps(input, {
    toHost: (k) => hostLabelKey(ctx, k),
    toVirtual: (k) => virtualLabelKey(ctx, k),
  });
  let host: Record<string, string> = merged.host;
  if (options.namespaceLabels !== undefined) {
    host = Object.fromEntries(Object.entries(host).filter(([k]) => !k.startsWith(NAMESPACE_LABEL_PREFIX)));
    Object.assign(host, namespaceLabelsForPod(ctx, options.namespaceLabels));
  }
  return {
    virtual: merged.virtual,
    host: { ...host, ...(options.hostExtra ?? {}), ...markerLabels(ctx, options.virtualNamespace) },
  };
}

export interface AnnotationMergeOptions {
  readonly identity: ObjectIdentity;
  /** Keys that never flow in either direction (e.g. the pod bookkeeping and token annotations). */
  readonly exclude?: readonly string[];
  /** Prefixes that never flow in either direction (e.g. "vcluster.loft.sh/token-"). */
  readonly excludePrefixes?: readonly string[];
  /** Extra host-only annotations the syncer owns, set on the host result. */
  readonly hostExtra?: StringMap;
}

/** Bidirectional annotation merge; the host result always carries the identity annotations. */
export function mergeAnnotations(input: MapMergeInput, options: AnnotationMergeOptions): MapMergeResult {
  const excluded = (k: string): boolean =>
    BOOKKEEPING_ANNOTATIONS.includes(k) ||
    (options.exclude ?? []).includes(k) ||
    (options.excludePrefixes ?? []).some((p) => k.startsWith(p));
  const keep = (k: string): string | undefined => (excluded(k) ? undefined : k);
  const merged = mergeMaps(input, { toHost: keep, toVirtual: keep });
  return {
    virtual: merged.virtual,
    host: { ...merged.host, ...(options.hostExtra ?? {}), ...identityAnnotations(options.identity) },
  };
}

interface Labeled {
  readonly metadata?: { readonly labels?: StringMap | undefined; readonly namespace?: string | undefined } | undefined;
}

/** mergeLabels over whole objects: the four label maps of a sync event, namespaced by the virtual object. */
export function mergeObjectLabels(
  ctx: NameContext,
  objects: { readonly virtualOld: Labeled | undefined; readonly virtual: Labeled; readonly hostOld: Labeled | undefined; readonly host: Labeled },
): MapMergeResult {
  return mergeLabels(
    ctx,
    {
      virtualOld: objects.virtualOld?.metadata?.labels,
      virtual: objects.virtual.metadata?.labels,
      hostOld: objects.hostOld?.metadata?.labels,
      host: objects.host.metadata?.labels,
    },
    { virtualNamespace: objects.virtual.metadata?.namespace ?? '' },
  );
}

interface WithMetadata {
  readonly metadata?:
    | {
        readonly name?: string | undefined;
        readonly namespace?: string | undefined;
        readonly uid?: string | undefined;
        readonly labels?: StringMap | undefined;
        readonly annotations?: StringMap | undefined;
      }
    | undefined;
}

export interface ObjectMetadataMergeOptions {
  readonly gvk: GroupVersionKind;
  /**
   * Annotation keys whose host values the translation owns (their values are translated): never merged;
   * the host gets the values in `translatedHost`, the virtual object keeps its own.
   */
  readonly translated?: readonly string[];
  /** The translated host annotations (only the `translated` keys are read). */
  readonly translatedHost?: StringMap;
  /** Annotation keys that never flow in either direction (each side keeps its own). */
  readonly exclude?: readonly string[];
}

/** Labels and annotations as one side should carry them. */
export interface MergedMetadata {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/**
 * The labels and annotations of a sync event merged both ways (3-way against the last seen state,
 * virtual wins a tie): labels as mergeObjectLabels, annotations as mergeAnnotations with the host's
 * identity annotations re-added and the translation's own annotations kept out of the merge.
 */
export function mergeObjectMetadata(
  ctx: NameContext,
  objects: { readonly virtualOld: WithMetadata | undefined; readonly virtual: WithMetadata; readonly hostOld: WithMetadata | undefined; readonly host: WithMetadata },
  options: ObjectMetadataMergeOptions,
): { readonly virtual: MergedMetadata; readonly host: MergedMetadata } {
  const { virtualOld, virtual, hostOld, host } = objects;
  const translated = new Set(options.translated ?? []);
  const labels = mergeObjectLabels(ctx, objects);
  const drop = (m: StringMap | undefined): Record<string, string> | undefined =>
    m === undefined ? undefined : Object.fromEntries(Object.entries(m).filter(([k]) => !translated.has(k)));
  const annotations = mergeAnnotations(
    {
      virtualOld: drop(virtualOld?.metadata?.annotations),
      virtual: drop(virtual.metadata?.annotations),
      hostOld: drop(hostOld?.metadata?.annotations),
      host: drop(host.metadata?.annotations),
    },
    {
      identity: {
        gvk: options.gvk,
        virtualName: virtual.metadata?.name ?? '',
        virtualNamespace: virtual.metadata?.namespace ?? '',
        ...(virtual.metadata?.uid ? { virtualUid: virtual.metadata.uid } : {}),
        hostName: host.metadata?.name ?? '',
        hostNamespace: host.metadata?.namespace ?? '',
      },
      ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
      hostExtra: Object.fromEntries(Object.entries(options.translatedHost ?? {}).filter(([k]) => translated.has(k))),
    },
  );
  const virtualAnnotations = { ...annotations.virtual };
  for (const k of translated) {
    const value = virtual.metadata?.annotations?.[k];
    if (value !== undefined) virtualAnnotations[k] = value;
  }
  return {
    virtual: { labels: labels.virtual, annotations: virtualAnnotations },
    host: { labels: labels.host, annotations: annotations.host },
  };
}

/** The object with the given labels and annotations (everything else as it is). */
export function withMetadata<T extends WithMetadata>(object: T, merged: MergedMetadata): T {
  return { ...object, metadata: { ...object.metadata, labels: merged.labels, annotations: merged.annotations } };
}
