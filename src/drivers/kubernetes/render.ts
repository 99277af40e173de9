/**
 * The kubernetes driver's host objects: the control plane of a vcluster as a StatefulSet `<name>`
 * (pod `<name>-0`, labels app=vcluster, release=<name>), as vCluster's chart lays it out — an init
 * container copying the upstream binaries (`cp -r /kubernetes/. /binaries/`), container `syncer`
 * running `vcluster start` on /data (a PVC `data-<name>-0`), the chart's default resources — plus its
 * ServiceAccount, Role and RoleBinding `vc-<name>` (only the rights the syncer uses, in that namespace)
 * and the Secret `vc-seed-<name>` a first start fills /data from. Pure.
 */
import type { VClusterState } from '../../controlplane/state.js';
import type { HostObject } from '../../vclusters/host-objects.js';
import { releaseLabels } from '../../vclusters/naming.js';

/** The port the virtual kube-apiserver serves on inside the pod (the Service maps 443 to it). */
export const POD_API_PORT = 8443;
export const DATA_MOUNT = '/data';
export const BINARIES_MOUNT = '/binaries';
export const SEED_MOUNT = '/seed';

export interface ControlPlaneImages {
  /** vcluster-ts.local/vcluster-ts:<version> */
  readonly controlPlane: string;
  /** vcluster-ts.local/kubernetes:<k8s version> */
  readonly kubernetes: string;
  /** Never for images loaded into the nodes (the embedded host), IfNotPresent for a registry. */
  readonly pullPolicy: 'Never' | 'IfNotPresent' | 'Always';
}

export interface StorageSpec {
  /** PVC size. @default 5Gi (vCluster's chart) */
  readonly size?: string;
  /** The claim's storage class; '' binds to a pre-made PersistentVolume (the embedded host). */
  readonly storageClassName?: string;
  /** false: /data is an emptyDir (state is lost with the pod; the chart's storage.persistence). @default true */
  readonly persistence?: boolean;
}

export interface StatefulSetSpec {
  readonly name: string;
  readonly namespace: string;
  readonly images: ControlPlaneImages;
  readonly storage: StorageSpec;
  /** Pod scheduling constraints (e.g. the embedded host's real node). */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** A hash of the effective config: a change rolls the pod (vCluster's vClusterConfigHash). */
  readonly configHash: string;
}

/** vCluster's chart defaults for the syncer container and the binaries init container. */
export const SYNCER_RESOURCES = {
  limits: { 'ephemeral-storage': '10Gi', memory: '4Gi' },
  requests: { 'ephemeral-storage': '1Gi', cpu: '200m', memory: '256Mi' },
} as const;
export const INIT_RESOURCES = { limits: { cpu: '100m', memory: '256Mi' }, requests: { cpu: '40m', memory: '64Mi' } } as const;

export function controlPlaneServiceAccountName(name: string): string {
  return `vc-${name}`;
}

export function seedSecretName(name: string): string {
  return `vc-seed-${name}`;
}

export function dataClaimName(name: string): string {
  return `data-${name}-0`;
}

/** The serving certificate's extra SANs: every way in from the host — the Service by its names and its ClusterIP. */
export function podServingSans(name: string, namespace: string, clusterIp: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, ...(clusterIp ? [clusterIp] : [])];
}

/** state.json of a kubernetes-driver vcluster: the pod's fixed ports, listening on every address of the pod. */
export function podState(o: { name: string; namespace: string; hostContext: string; createdNamespace: boolean; serviceCidr: string; now: Date }): VClusterState {
  return {
    name: o.name,
    namespace: o.namespace,
    hostContext: o.hostContext,
    createdNamespace: o.createdNamespace,
    ports: { apiServer: POD_API_PORT, controllerManager: 10257, metrics: 9091, kubeletProxy: 10250 },
    bindAddress: '0.0.0.0',
    driver: 'kubernetes',
    serviceCidr: o.serviceCidr,
    phase: 'starting',
    paused: false,
    createdAt: o.now.toISOString(),
  };
}

/** The env var the syncer container reads its vcluster's name from when it bootstraps without a seed (bootstrap.ts). */
export const NAME_ENV = 'VCLUSTER_NAME';

export function controlPlaneStatefulSet(s: StatefulSetSpec): HostObject {
  const labels = releaseLabels(s.name);
  const binaries = { name: 'binaries', mountPath: BINARIES_MOUNT };
  const persistent = s.storage.persistence !== false;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: s.name, namespace: s.namespace, labels },
    spec: {
      serviceName: s.name,
      replicas: 1,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: labels },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: { labels, annotations: { vClusterConfigHash: s.configHash } },
        spec: {
          serviceAccountName: controlPlaneServiceAccountName(s.name),
          terminationGracePeriodSeconds: 15,
          ...(s.nodeSelector ? { nodeSelector: { ...s.nodeSelector } } : {}),
          initContainers: [
            {
              name: 'kubernetes',
              image: s.images.kubernetes,
              imagePullPolicy: s.images.pullPolicy,
              command: ['cp'],
              args: ['-r', '/kubernetes/.', `${BINARIES_MOUNT}/`],
              volumeMounts: [binaries],
              resources: INIT_RESOURCES,
            },
          ],
          containers: [
            {
              name: 'syncer',
              image: s.images.controlPlane,
              imagePullPolicy: s.images.pullPolicy,
              args: ['--binaries-dir', BINARIES_MOUNT, 'start', '--data-dir', DATA_MOUNT, '--seed-dir', SEED_MOUNT, '--in-cluster-host'],
              env: [{ name: NAME_ENV, value: s.name }],
              ports: [{ name: 'https', containerPort: POD_API_PORT, protocol: 'TCP' }],
              // Ready once `vcluster start` reports ready: the API serves, the default ServiceAccount
              // exists and the syncer runs (the API's own /readyz answers before the first two)
              readinessProbe: {
                exec: { command: ['sh', '-c', `grep -q '"phase": "ready"' ${DATA_MOUNT}/state.json`] },
                periodSeconds: 1,
                timeoutSeconds: 3,
                failureThreshold: 3,
              },
              resources: SYNCER_RESOURCES,
              securityContext: { allowPrivilegeEscalation: false, runAsUser: 0, runAsGroup: 0 },
              volumeMounts: [
                { name: 'data', mountPath: DATA_MOUNT },
                binaries,
                { name: 'seed', mountPath: SEED_MOUNT, readOnly: true },
              ],
            },
          ],
          volumes: [
            ...(persistent ? [] : [{ name: 'data', emptyDir: {} }]),
            { name: 'binaries', emptyDir: {} },
            // optional: a Helm install has no seed (no PKI): the pod then bootstraps itself (bootstrap.ts)
            { name: 'seed', secret: { secretName: seedSecretName(s.name), optional: true } },
          ],
        },
      },
      ...(persistent
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: s.storage.size ?? '5Gi' } },
                  ...(s.storage.storageClassName !== undefined ? { storageClassName: s.storage.storageClassName } : {}),
                },
              },
            ],
          }
        : {}),
    },
  };
}

/** The Service `<name>`: 443 → the pod's 8443. */
export function controlPlaneService(name: string, namespace: string): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { ...releaseLabels(name), 'vcluster.loft.sh/service': 'true' } },
    spec: {
      type: 'ClusterIP',
      selector: releaseLabels(name),
      ports: [{ name: 'https', port: 443, targetPort: POD_API_PORT, protocol: 'TCP' }],
    },
  };
}

/** The rights the syncer uses in its own namespace (vcluster-behavior.md §3.1 Role). */
export const SYNCER_RULES = [
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'pods', 'persistentvolumeclaims', 'serviceaccounts', 'endpoints'], verbs: ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/attach', 'pods/portforward', 'pods/exec', 'pods/status', 'pods/ephemeralcontainers', 'pods/log'], verbs: ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['statefulsets', 'replicasets', 'deployments'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'list', 'watch', 'update'] },
] as const;

/**
 * The rights the syncer needs outside its namespace: reading nodes (fake nodes) and the classes it
 * imports (sync.fromHost.*Classes); writing PriorityClasses (sync.toHost.priorityClasses, cluster-scoped
 * `vcluster-<name>-x-<ns>-x-<vc>` copies).
 */
export const SYNCER_CLUSTER_RULES = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
] as const;

export function controlPlaneRbac(name: string, namespace: string): HostObject[] {
  const sa = controlPlaneServiceAccountName(name);
  const labels = releaseLabels(name);
  const clusterName = `vc-${name}-v-${namespace}`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: sa, namespace, labels }, rules: SYNCER_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: sa, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: clusterName, namespace: '', labels },
      rules: SYNCER_CLUSTER_RULES,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: clusterName, namespace: '', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
  ];
}

/** The files a first start copies into /data (config.yaml, state.json, pki/...), base64 in a Secret. */
export function seedSecret(name: string, namespace: string, files: Readonly<Record<string, Buffer | string>>): HostObject {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(files)) data[key] = Buffer.from(value).toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: seedSecretName(name), namespace, labels: releaseLabels(name) }, type: 'Opaque', data };
}

/** A hostPath PersistentVolume pre-bound to the data claim, for hosts without a provisioner (the embedded host's real node). */
export function hostPathDataVolume(name: string, namespace: string, hostPath: string, size = '5Gi'): HostObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `vcluster-ts-${namespace}-${name}-data`, namespace: '', labels: releaseLabels(name) },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: '',
      hostPath: { path: hostPath, type: 'DirectoryOrCreate' },
      claimRef: { namespace, name: dataClaimName(name) },
    },
  };
}
