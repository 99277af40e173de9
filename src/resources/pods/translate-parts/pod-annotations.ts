/** The pod bookkeeping annotations on host pods (vcluster-behavior.md §2.8 Pods, metadata). */
import type { OwnerReference, Pod } from '../../../k8s/types.js';

export const POD_NAME_ANNOTATION = 'vcluster.loft.sh/name';
export const POD_NAMESPACE_ANNOTATION = 'vcluster.loft.sh/namespace';
export const POD_UID_ANNOTATION = 'vcluster.loft.sh/uid';
export const POD_SERVICE_ACCOUNT_ANNOTATION = 'vcluster.loft.sh/service-account-name';
export const POD_LABELS_ANNOTATION = 'vcluster.loft.sh/labels';
export const POD_OWNER_REFERENCES_ANNOTATION = 'vcluster.loft.sh/owner-references';
export const POD_OWNER_SET_KIND_ANNOTATION = 'vcluster.loft.sh/owner-set-kind';
export const TOKEN_ANNOTATION_PREFIX = 'vcluster.loft.sh/token-';
export const HOSTS_REWRITTEN_ANNOTATION = 'vcluster.loft.sh/hosts-rewritten';
export const DISABLE_SUBDOMAIN_REWRITE_ANNOTATION = 'vcluster.loft.sh/disable-subdomain-rewrite';
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
export const DAEMONSET_POD_ANNOTATION = 'cluster-autoscaler.kubernetes.io/daemonset-pod';

/** Annotations the syncer owns on host pods; never copied back to the virtual pod. */
export const POD_BOOKKEEPING_ANNOTATIONS: readonly string[] = [
  POD_NAME_ANNOTATION,
  POD_NAMESPACE_ANNOTATION,
  POD_UID_ANNOTATION,
  POD_SERVICE_ACCOUNT_ANNOTATION,
  POD_LABELS_ANNOTATION,
  POD_OWNER_REFERENCES_ANNOTATION,
  POD_OWNER_SET_KIND_ANNOTATION,
  HOSTS_REWRITTEN_ANNOTATION,
];

const OWNER_SET_KINDS: readonly string[] = ['DaemonSet', 'Job', 'ReplicaSet', 'StatefulSet'];

/** A string as Go's encoding/json writes it (HTML characters and U+2028/U+2029 escaped). */
export function goJsonString(value: string): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** vCluster's labels annotation: `key=<JSON value>` lines, sorted as whole lines, joined by "\n". */
export function formatLabelsAnnotation(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${goJsonString(v)}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('\n');
}

function controllerOf(refs: readonly OwnerReference[]): OwnerReference | undefined {
  return refs.find((r) => r.controller === true);
}

/** The bookkeeping annotations for a virtual pod (values only; merged over the user's). */
export function podBookkeepingAnnotations(virtual: Pod): Record<string, string> {
  const meta = virtual.metadata ?? {};
  const userAnnotations = meta.annotations ?? {};
  const refs = meta.ownerReferences ?? [];
  const out: Record<string, string> = {
    [POD_NAMESPACE_ANNOTATION]: meta.namespace ?? '',
    [POD_NAME_ANNOTATION]: meta.name ?? '',
    [POD_UID_ANNOTATION]: meta.uid ?? '',
    [POD_SERVICE_ACCOUNT_ANNOTATION]: virtual.spec?.serviceAccountName ?? '',
    [POD_LABELS_ANNOTATION]: formatLabelsAnnotation(meta.labels),
  };
  if (refs.length > 0) out[POD_OWNER_REFERENCES_ANNOTATION] = JSON.stringify(refs);
  const controller = controllerOf(refs);
  // the first apps/v1 owner of a set kind, as vCluster (so a batch/v1 Job never qualifies)
  const setOwner = refs.find((r) => r.apiVersion === 'apps/v1' && OWNER_SET_KINDS.includes(r.kind));
  if (setOwner !== undefined) out[POD_OWNER_SET_KIND_ANNOTATION] = setOwner.kind;
  if (userAnnotations[SAFE_TO_EVICT_ANNOTATION] === undefined) {
    out[SAFE_TO_EVICT_ANNOTATION] = String(controller !== undefined);
    if (controller?.kind === 'DaemonSet') out[DAEMONSET_POD_ANNOTATION] = 'true';
  }
  return out;
}

/** The token annotation keys present on a host pod (annotation mode). */
export function tokenAnnotationKeys(annotations: Readonly<Record<string, string>> | undefined): string[] {
  return Object.keys(annotations ?? {}).filter((k) => k.startsWith(TOKEN_ANNOTATION_PREFIX));
}

/** Options for the pod's bidirectional annotation merge: bookkeeping and token annotations never flow. */
export const POD_ANNOTATION_MERGE_EXCLUSIONS = {
  exclude: [...POD_BOOKKEEPING_ANNOTATIONS, SAFE_TO_EVICT_ANNOTATION, DAEMONSET_POD_ANNOTATION],
  excludePrefixes: [TOKEN_ANNOTATION_PREFIX],
} as const;
