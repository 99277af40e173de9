/**
 * /stats/summary of a virtual node: the host node's summary with only the tenant's pods, under their
 * virtual names (vCluster filters the same way). Pure.
 */
import type { VirtualPodRef } from './ownership.js';

interface PodRef {
  name?: string;
  namespace?: string;
  uid?: string;
}

interface PodStats {
  podRef?: PodRef;
  [key: string]: unknown;
}

export interface Summary {
  node?: unknown;
  pods?: PodStats[];
  [key: string]: unknown;
}

/**
 * Keeps the pods of `hostNamespace` that `virtualOf` maps to a virtual pod, renamed; drops the rest.
 * `virtualOf` gets a host pod name and answers the virtual pod (and its uid) it stands for.
 */
export function filterSummary(
  summary: Summary,
  hostNamespace: string,
  virtualOf: (hostPodName: string) => (VirtualPodRef & { readonly uid?: string }) | undefined,
): Summary {
  const pods: PodStats[] = [];
  for (const pod of summary.pods ?? []) {
    if (pod.podRef?.namespace !== hostNamespace || !pod.podRef.name) continue;
    const virtual = virtualOf(pod.podRef.name);
    if (!virtual) continue;
    pods.push({ ...pod, podRef: { name: virtual.name, namespace: virtual.namespace, ...(virtual.uid ? { uid: virtual.uid } : {}) } });
  }
  return { ...summary, pods };
}
