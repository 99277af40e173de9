/**
 * Label translation between the virtual and the host side (vcluster-behavior.md §1.4). Virtual
 * labels are copied verbatim except the reserved keys, which are hashed; the host side carries the
 * managed-by and namespace markers, which never flow back.
 */
import {
  CONTROLLER_LABEL,
  LABEL_PREFIX,
  MARKER_LABEL,
  NAMESPACE_LABEL,
  NAMESPACE_LABEL_PREFIX,
  RESERVED_LABEL_KEYS,
} from './constants.js';
import { markerLabelCluster, safeConcatName, sha256Hex, type NameContext } from './names.js';

export type StringMap = Readonly<Record<string, string>>;

/** The host key for a reserved virtual key: `vcluster.loft.sh/label-<vc>-x-<10 hex of sha256(key)>`. */
export function hashedLabelKey(ctx: NameContext, key: string): string {
  return safeConcatName(LABEL_PREFIX, ctx.vclusterName, 'x', sha256Hex(key).slice(0, 10));
}

/** The host pod label key for a label of the pod's virtual namespace. */
export function namespaceLabelKey(ctx: NameContext, key: string): string {
  return safeConcatName(NAMESPACE_LABEL_PREFIX, ctx.vclusterName, 'x', sha256Hex(key).slice(0, 10));
}

/** True for keys that only the syncer may write on the host (hashed or namespace-label keys). */
export function isTranslatedLabelKey(key: string): boolean {
  return key.startsWith(`${LABEL_PREFIX}-`) || key.startsWith(`${NAMESPACE_LABEL_PREFIX}-`);
}

/** Virtual label key → host label key; undefined when the key must not reach the host. */
export function hostLabelKey(ctx: NameContext, key: string): string | undefined {
  if (RESERVED_LABEL_KEYS.includes(key)) return hashedLabelKey(ctx, key);
  if (isTranslatedLabelKey(key)) return undefined;
  return key;
}

/** Host label key → virtual label key; undefined for the syncer's own markers. */
export function virtualLabelKey(ctx: NameContext, key: string): string | undefined {
  // The reserved keys themselves never flow back (as vCluster's VirtualLabel): on the host they are
  // the syncer's markers, and a host `release` label would translate back into a hashed key.
  if (RESERVED_LABEL_KEYS.includes(key)) return undefined;
  if (key.startsWith(NAMESPACE_LABEL_PREFIX)) return undefined;
  for (const reserved of RESERVED_LABEL_KEYS) {
    if (hashedLabelKey(ctx, reserved) === key) return reserved;
  }
  if (isTranslatedLabelKey(key)) return undefined;
  return key;
}

/** Applies a key translation to a map, dropping keys that translate to undefined. */
export function translateKeys(
  map: StringMap | undefined,
  translate: (key: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    const translated = translate(key);
    if (translated !== undefined) out[translated] = value;
  }
  return out;
}

export interface HostLabelsOptions {
  /** The virtual namespace; absent for cluster-scoped objects. */
  readonly virtualNamespace?: string;
  /** The current host labels, if the host object exists. */
  readonly hostLabels?: StringMap;
  /**
   * True for object metadata (markers always added). For selectors vCluster adds the markers only
   * when there are no host labels yet or they already carry managed-by.
   * @default true
   */
  readonly isMetadata?: boolean;
}

/** The markers for a host object: managed-by (+ namespace for namespaced objects). */
export function markerLabels(ctx: NameContext, virtualNamespace: string | undefined): Record<string, string> {
  if (virtualNamespace === undefined || virtualNamespace === '')
    return { [MARKER_LABEL]: markerLabelCluster(ctx) };
  return { [MARKER_LABEL]: ctx.vclusterName, [NAMESPACE_LABEL]: virtualNamespace };
}

/** vCluster's HostLabelsMap: virtual labels → host labels with markers. */
export function hostLabels(
  ctx: NameContext,
  virtualLabels: StringMap | undefined,
  options: HostLabelsOptions = {},
): Record<string, string> {
  const out = translateKeys(virtualLabels, (key) => hostLabelKey(ctx, key));
  const existing = options.hostLabels;
  const isMetadata = options.isMetadata ?? true;
  if (isMetadata || existing === undefined || (existing[MARKER_LABEL] ?? '') !== '') {
    Object.assign(out, markerLabels(ctx, options.virtualNamespace));
  }
  const controlledBy = existing?.[CONTROLLER_LABEL];
  if (controlledBy !== undefined) out[CONTROLLER_LABEL] = controlledBy;
  return out;
}

/** vCluster's VirtualLabelsMap: host labels → virtual labels (markers dropped, hashed keys restored). */
export function virtualLabels(ctx: NameContext, hostLabelMap: StringMap | undefined): Record<string, string> {
  return translateKeys(hostLabelMap, (key) => virtualLabelKey(ctx, key));
}

/** The labels of a pod's virtual namespace, as they appear on the host pod. */
export function namespaceLabelsForPod(
  ctx: NameContext,
  namespaceLabels: StringMap | undefined,
): Record<string, string> {
  return translateKeys(namespaceLabels, (key) => namespaceLabelKey(ctx, key));
}
