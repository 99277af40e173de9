/**
 * Kubernetes object types as they travel on the wire. The client returns the JSON the API server
 * sent, untouched (every field kept, timestamps as RFC 3339 strings), so the typed models of
 * @kubernetes/client-node are re-exported through `Wire<…>`, which turns their `Date` fields into
 * strings. Import Kubernetes types from here, never from @kubernetes/client-node.
 */
import type {
  V1ConfigMap,
  V1EndpointSlice,
  V1Endpoints,
  CoreV1Event,
  V1Namespace,
  V1Node,
  V1ObjectMeta,
  V1OwnerReference,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StorageClass,
  V1Lease,
  EventsV1Event,
  V1Deployment,
  V1StatefulSet,
  V1ResourceQuota,
  V1LimitRange,
  V1RuntimeClass,
  V1Ingress,
  V1IngressClass,
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
  V1PodDisruptionBudget,
  V1PriorityClass,
  V1Affinity,
  V1Container,
  V1ContainerStatus,
  V1DownwardAPIVolumeFile,
  V1EndpointAddress,
  V1EnvFromSource,
  V1EphemeralContainer,
  V1EnvVar,
  V1HostAlias,
  V1LocalObjectReference,
  V1NodeAddress,
  V1NodeCondition,
  V1ObjectFieldSelector,
  V1ObjectReference,
  V1PersistentVolumeClaimSpec,
  V1PodAffinityTerm,
  V1PodDNSConfig,
  V1PodSpec,
  V1PodStatus,
  V1ProjectedVolumeSource,
  V1ServicePort,
  V1ServiceSpec,
  V1ServiceStatus,
  V1Taint,
  V1Toleration,
  V1TopologySpreadConstraint,
  V1TypedLocalObjectReference,
  V1TypedObjectReference,
  V1Volume,
  V1VolumeMount,
  V1VolumeProjection,
  V1IngressBackend,
} from '@kubernetes/client-node';

/** A client-node model with its `Date` fields as the strings the API server sends. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type ObjectMeta = Wire<V1ObjectMeta>;
export type OwnerReference = Wire<V1OwnerReference>;

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** An object that names itself completely: what create/update need. */
export type TypedObject = KubeObject & {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
};

/** What create accepts: a TypedObject, or one named by `metadata.generateName`. */
export type NewObject = KubeObject & { apiVersion: string; kind: string; metadata: ObjectMeta };

export type Pod = Wire<V1Pod>;
export type Service = Wire<V1Service>;
export type Endpoints = Wire<V1Endpoints>;
export type EndpointSlice = Wire<V1EndpointSlice>;
export type ConfigMap = Wire<V1ConfigMap>;
export type Secret = Wire<V1Secret>;
export type PersistentVolumeClaim = Wire<V1PersistentVolumeClaim>;
export type PersistentVolume = Wire<V1PersistentVolume>;
export type ServiceAccount = Wire<V1ServiceAccount>;
export type Event = Wire<CoreV1Event>;
export type EventV1 = Wire<EventsV1Event>;
export type Node = Wire<V1Node>;
export type Namespace = Wire<V1Namespace>;
export type StorageClass = Wire<V1StorageClass>;
export type Lease = Wire<V1Lease>;
export type Deployment = Wire<V1Deployment>;
export type StatefulSet = Wire<V1StatefulSet>;
export type ResourceQuota = Wire<V1ResourceQuota>;
export type LimitRange = Wire<V1LimitRange>;
export type RuntimeClass = Wire<V1RuntimeClass>;
export type Ingress = Wire<V1Ingress>;
export type IngressClass = Wire<V1IngressClass>;
/** client-node's model names a rule's `from` `_from` (a reserved word in its generator); the wire says `from`. */
export type NetworkPolicyIngressRule = Omit<Wire<V1NetworkPolicyIngressRule>, '_from'> & { from?: NetworkPolicyPeer[] };
export type NetworkPolicySpec = Omit<Wire<V1NetworkPolicySpec>, 'ingress'> & { ingress?: NetworkPolicyIngressRule[] };
export type NetworkPolicy = Omit<Wire<V1NetworkPolicy>, 'spec'> & { spec?: NetworkPolicySpec };
export type PodDisruptionBudget = Wire<V1PodDisruptionBudget>;
export type PriorityClass = Wire<V1PriorityClass>;

/** Parts of objects, for code that builds or translates them piece by piece. */
export type Affinity = Wire<V1Affinity>;
export type Container = Wire<V1Container>;
export type ContainerStatus = Wire<V1ContainerStatus>;
export type DownwardAPIVolumeFile = Wire<V1DownwardAPIVolumeFile>;
export type EndpointAddress = Wire<V1EndpointAddress>;
export type EnvFromSource = Wire<V1EnvFromSource>;
export type EphemeralContainer = Wire<V1EphemeralContainer>;
export type EnvVar = Wire<V1EnvVar>;
export type HostAlias = Wire<V1HostAlias>;
export type LocalObjectReference = Wire<V1LocalObjectReference>;
export type NodeAddress = Wire<V1NodeAddress>;
export type NodeCondition = Wire<V1NodeCondition>;
export type ObjectFieldSelector = Wire<V1ObjectFieldSelector>;
export type ObjectReference = Wire<V1ObjectReference>;
export type PersistentVolumeClaimSpec = Wire<V1PersistentVolumeClaimSpec>;
export type PodAffinityTerm = Wire<V1PodAffinityTerm>;
export type PodDNSConfig = Wire<V1PodDNSConfig>;
export type PodSpec = Wire<V1PodSpec>;
export type PodStatus = Wire<V1PodStatus>;
export type ProjectedVolumeSource = Wire<V1ProjectedVolumeSource>;
export type ServicePort = Wire<V1ServicePort>;
export type ServiceSpec = Wire<V1ServiceSpec>;
export type ServiceStatus = Wire<V1ServiceStatus>;
export type Taint = Wire<V1Taint>;
export type Toleration = Wire<V1Toleration>;
export type TopologySpreadConstraint = Wire<V1TopologySpreadConstraint>;
export type TypedLocalObjectReference = Wire<V1TypedLocalObjectReference>;
export type TypedObjectReference = Wire<V1TypedObjectReference>;
export type Volume = Wire<V1Volume>;
export type VolumeMount = Wire<V1VolumeMount>;
export type VolumeProjection = Wire<V1VolumeProjection>;
export type IngressBackend = Wire<V1IngressBackend>;
export type NetworkPolicyPeer = Wire<V1NetworkPolicyPeer>;

/** Which kind of object: `{ apiVersion: 'v1', kind: 'Pod' }`. */
export interface ResourceType {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Which object: name, and namespace for namespaced kinds. */
export interface ObjectKey {
  readonly namespace?: string;
  readonly name: string;
}

/** The common kinds, ready to pass as a ResourceType. */
export const Kinds = {
  Pod: { apiVersion: 'v1', kind: 'Pod' },
  Service: { apiVersion: 'v1', kind: 'Service' },
  Endpoints: { apiVersion: 'v1', kind: 'Endpoints' },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  Secret: { apiVersion: 'v1', kind: 'Secret' },
  PersistentVolumeClaim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  PersistentVolume: { apiVersion: 'v1', kind: 'PersistentVolume' },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  Event: { apiVersion: 'v1', kind: 'Event' },
  Node: { apiVersion: 'v1', kind: 'Node' },
  Namespace: { apiVersion: 'v1', kind: 'Namespace' },
  StorageClass: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' },
  Lease: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
  Deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  StatefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  ResourceQuota: { apiVersion: 'v1', kind: 'ResourceQuota' },
  LimitRange: { apiVersion: 'v1', kind: 'LimitRange' },
  RuntimeClass: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  IngressClass: { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass' },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  PodDisruptionBudget: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  PriorityClass: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
} as const satisfies Record<string, ResourceType>;

/** A `metav1.Status`, the body of every API error. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    retryAfterSeconds?: number;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event; for ERROR the object is a KubeStatus. */
export type WatchEvent<T extends KubeObject> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; readonly object: T }
  | { readonly type: 'ERROR'; readonly object: KubeStatus };

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function keyOf(obj: KubeObject | ObjectKey): string {
  const key = isObjectKey(obj) ? obj : objectKey(obj);
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

function isObjectKey(obj: KubeObject | ObjectKey): obj is ObjectKey {
  return typeof (obj as ObjectKey).name === 'string' && !('metadata' in obj);
}

/** The ObjectKey of an object. */
export function objectKey(obj: KubeObject): ObjectKey {
  const name = obj.metadata?.name ?? '';
  return obj.metadata?.namespace ? { namespace: obj.metadata.namespace, name } : { name };
}
