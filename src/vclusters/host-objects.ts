/**
 * The host objects of a vcluster (vcluster-behavior.md §3.1, §3.11), as plain objects for kubectl apply:
 * Service <name>, Secret vc-config-<name> (config.yaml), ConfigMap <name>-config (the effective
 * vcluster.yaml, readable with kubectl), and Secret vc-<name> (the kubeconfig); the isolation objects
 * (ResourceQuota, LimitRange, NetworkPolicy) are in policy-objects.ts. Pure.
 */
import { Kinds, type ResourceType } from '../k8s/types.js';
import { releaseLabels } from './naming.js';

export interface HostObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

export function vclusterService(name: string, namespace: string): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { ...releaseLabels(name), 'vcluster.loft.sh/service': 'true' } },
    spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] },
  };
}

/** The ServiceAccount synced pods run as on the host (vCluster's chart creates it). */
export function workloadServiceAccount(name: string, namespace: string): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: `vc-workload-${name}`, namespace, labels: releaseLabels(name) },
    automountServiceAccountToken: false,
  };
}

/**
 * The kinds of a vcluster's own host objects (policy-objects.ts too, and the local driver's Endpoints of
 * Service NAME, controlplane/in-cluster-api.ts), for cleanup by app=vcluster,release=NAME.
 */
export const RELEASE_HOST_KINDS: readonly ResourceType[] = [
  Kinds.Service,
  Kinds.Endpoints,
  Kinds.Secret,
  Kinds.ConfigMap,
  Kinds.ServiceAccount,
  Kinds.ResourceQuota,
  Kinds.LimitRange,
  Kinds.NetworkPolicy,
];

export function configSecret(name: string, namespace: string, configYaml: string, store: string): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `vc-config-${name}`, namespace, labels: releaseLabels(name), annotations: { 'vcluster.loft.sh/store': store } },
    type: 'Opaque',
    stringData: { 'config.yaml': configYaml },
  };
}

export function configMap(name: string, namespace: string, configYaml: string): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-config`, namespace, labels: releaseLabels(name) },
    data: { 'vcluster.yaml': configYaml },
  };
}

export interface KubeconfigSecretData {
  readonly kubeconfig: string;
  readonly caPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

export function kubeconfigSecret(name: string, namespace: string, d: KubeconfigSecretData): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `vc-${name}`, namespace, labels: { ...releaseLabels(name), 'vcluster-name': name } },
    type: 'Opaque',
    stringData: {
      config: d.kubeconfig,
      'certificate-authority': d.caPem,
      'client-certificate': d.clientCertPem,
      'client-key': d.clientKeyPem,
    },
  };
}

/** The kinds the syncer may create on the host, for cleanup by the managed-by label. */
export const SYNCED_HOST_KINDS: readonly ResourceType[] = [
  Kinds.Pod,
  Kinds.Service,
  Kinds.Endpoints,
  Kinds.EndpointSlice,
  Kinds.ConfigMap,
  Kinds.Secret,
  Kinds.PersistentVolumeClaim,
  Kinds.ServiceAccount,
];
