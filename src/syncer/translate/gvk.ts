/** Group/version/kind of a Kubernetes type and vCluster's spellings of it. */

export interface GroupVersionKind {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** "v1" or "apps/v1". */
export function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Go's schema.GroupVersionKind.String(): "/v1, Kind=ConfigMap", "networking.k8s.io/v1, Kind=Ingress". */
export function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/** Parses an apiVersion ("v1", "apps/v1") and kind into a GroupVersionKind. */
export function gvkOf(apiVersion: string, kind: string): GroupVersionKind {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion, kind };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/** The well-known kinds the syncer handles. */
export const GVK = {
  Pod: { group: '', version: 'v1', kind: 'Pod' },
  Service: { group: '', version: 'v1', kind: 'Service' },
  Endpoints: { group: '', version: 'v1', kind: 'Endpoints' },
  EndpointSlice: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
  ConfigMap: { group: '', version: 'v1', kind: 'ConfigMap' },
  Secret: { group: '', version: 'v1', kind: 'Secret' },
  PersistentVolumeClaim: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
  PersistentVolume: { group: '', version: 'v1', kind: 'PersistentVolume' },
  ServiceAccount: { group: '', version: 'v1', kind: 'ServiceAccount' },
  Event: { group: '', version: 'v1', kind: 'Event' },
  Node: { group: '', version: 'v1', kind: 'Node' },
  Ingress: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
  IngressClass: { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass' },
  NetworkPolicy: { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy' },
  PodDisruptionBudget: { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' },
  PriorityClass: { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' },
  StorageClass: { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' },
} as const satisfies Record<string, GroupVersionKind>;
