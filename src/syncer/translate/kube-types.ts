/**
 * The Kubernetes types the pure translate code works on: the wire form the KubeClient returns
 * (src/k8s/types.ts: client-node models with timestamps as RFC 3339 strings), so translated
 * objects go to the client without conversion.
 */
import type {
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
  V1NetworkPolicyPeer,
  V1IngressBackend,
} from '@kubernetes/client-node';
import type { Wire } from '../../k8s/types.js';

export type {
  ConfigMap,
  EndpointSlice,
  Endpoints,
  Event,
  Node,
  ObjectMeta,
  OwnerReference,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  RuntimeClass,
  Ingress,
  IngressClass,
  NetworkPolicy,
  PodDisruptionBudget,
  PriorityClass,
  StorageClass,
  Secret,
  Service,
  ServiceAccount,
  KubeObject,
  Wire,
} from '../../k8s/types.js';

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
export type NetworkPolicyPeer = Wire<V1NetworkPolicyPeer>;
export type IngressBackend = Wire<V1IngressBackend>;
