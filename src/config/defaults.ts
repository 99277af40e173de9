/**
 * Default values of vcluster.yaml, as vCluster ships them (`loft-sh/vcluster:chart/values.yaml`, see
 * vcluster-behavior.md §2.7 and §5). Kept apart from the zod schema so the numbers live in one place
 * and read like the chart. Where vcluster-ts deliberately differs, the entry says so.
 */

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_POD_CIDR = '10.244.0.0/16';
/** kine's current DSN uses `_synchronous=NORMAL` (kine-etcd-api.md); FULL survives power loss too. */
export const DEFAULT_SQLITE_DURABILITY = 'NORMAL';
export const SQLITE_DURABILITIES = ['FULL', 'NORMAL'] as const;
/** `policies.podSecurityStandard` levels (vCluster also accepts "" for none; vcluster-ts does not). */
export const POD_SECURITY_STANDARDS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityStandard = (typeof POD_SECURITY_STANDARDS)[number];
/**
 * vCluster defaults to "" (no Pod Security Standard) and turns `baseline` on only in its opt-in
 * isolation mode; vcluster-ts isolates tenants by default (issue 16).
 */
export const DEFAULT_POD_SECURITY_STANDARD: PodSecurityStandard = 'baseline';
/**
 * `policies.resourceQuota.enabled`, `policies.limitRange.enabled`, `policies.networkPolicy.enabled`.
 * vCluster defaults to auto / auto / false (on only in its isolation mode); vcluster-ts to on, and
 * resolves `auto` to on as well (resolve.ts).
 */
export const DEFAULT_POLICY_OBJECTS_ENABLED = true;

/** `sync.toHost.<kind>.enabled` defaults. */
export const TO_HOST_DEFAULTS = {
  pods: true,
  services: true,
  endpoints: true,
  endpointSlices: true,
  persistentVolumeClaims: true,
  configMaps: true,
  secrets: true,
  serviceAccounts: false,
  ingresses: false,
  priorityClasses: false,
  networkPolicies: false,
  podDisruptionBudgets: false,
  storageClasses: false,
  persistentVolumes: false,
} as const;

/**
 * `sync.toHost.pods.useSecretsForSATokens`. vCluster defaults to false (tokens in pod annotations);
 * vcluster-ts defaults to true: issue 5 asks for tokens through a host Secret, which is safer.
 */
export const DEFAULT_USE_SECRETS_FOR_SA_TOKENS = true;

/** `sync.fromHost.<kind>.enabled` defaults; `auto` resolves to false without a virtual scheduler. */
export const FROM_HOST_DEFAULTS = {
  events: true,
  nodes: false,
  storageClasses: 'auto',
  csiDrivers: 'auto',
  csiNodes: 'auto',
  csiStorageCapacities: 'auto',
  ingressClasses: false,
  runtimeClasses: false,
  priorityClasses: false,
} as const;

/** Syncer → host client rate limit (vCluster: env VCLUSTER_PHYSICAL_CLIENT_QPS/_BURST, 40/80). */
export const DEFAULT_HOST_QPS = 40;
export const DEFAULT_HOST_BURST = 80;
/** Syncer → virtual client rate limit (vCluster: 1000/2000). */
export const DEFAULT_VIRTUAL_QPS = 1000;
export const DEFAULT_VIRTUAL_BURST = 2000;

export const DEFAULT_PROXY = { bindAddress: '0.0.0.0', port: 8443 } as const;

/** `policies.resourceQuota.quota` (chart values). */
export const DEFAULT_RESOURCE_QUOTA: Readonly<Record<string, string | number>> = {
  'requests.cpu': 10,
  'requests.memory': '20Gi',
  'requests.storage': '100Gi',
  'requests.ephemeral-storage': '60Gi',
  'limits.cpu': 20,
  'limits.memory': '40Gi',
  'limits.ephemeral-storage': '160Gi',
  'services.nodeports': 0,
  'services.loadbalancers': 1,
  'count/endpoints': 40,
  'count/pods': 20,
  'count/services': 20,
  'count/secrets': 100,
  'count/configmaps': 100,
  'count/persistentvolumeclaims': 20,
};

/** `policies.limitRange.default` / `.defaultRequest` (chart values). */
export const DEFAULT_LIMIT_RANGE_DEFAULT: Readonly<Record<string, string | number>> = {
  'ephemeral-storage': '8Gi',
  memory: '512Mi',
  cpu: '1',
};
export const DEFAULT_LIMIT_RANGE_DEFAULT_REQUEST: Readonly<Record<string, string | number>> = {
  'ephemeral-storage': '3Gi',
  memory: '128Mi',
  cpu: '100m',
};

/**
 * Top-level keys of vCluster's vcluster.yaml that vcluster-ts does not implement. They are rejected
 * like unknown keys, but with a message that says why.
 */
export const UNSUPPORTED_TOP_LEVEL_KEYS: readonly string[] = [
  'rbac',
  'integrations',
  'deploy',
  'privateNodes',
  'plugins',
  'plugin',
  'telemetry',
  'logging',
  'sleep',
  'snapshots',
  'deletion',
  'platform',
  'pro',
  'global',
];

/**
 * Nested keys of vCluster's vcluster.yaml that vcluster-ts does not implement, by parent path:
 * rejected with "not supported by vcluster-ts" rather than "unknown key".
 */
export const UNSUPPORTED_NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'sync.toHost': [
    'namespaces',
    'customResources',
    'gatewayApi',
    'resourceClaims',
    'resourceClaimTemplates',
    'volumeSnapshots',
    'volumeSnapshotContents',
  ],
  'sync.toHost.pods': [
    'translateImage',
    'runtimeClassName',
    'priorityClassName',
    'hybridScheduling',
    'rewriteHosts',
    'patches',
  ],
  'sync.fromHost': [
    'configMaps',
    'secrets',
    'customResources',
    'deviceClasses',
    'gatewayClasses',
    'gateways',
  ],
  controlPlane: [
    'service',
    'ingress',
    'tlsRoute',
    'serviceMonitor',
    'advanced',
    'standalone',
    'hostPathMapper',
    'endpoint',
  ],
  'controlPlane.coredns': ['embedded', 'overwriteManifests', 'overwriteConfig', 'priorityClassName', 'service', 'deployment'],
  'controlPlane.statefulSet': [
    'highAvailability',
    'resources',
    'scheduling',
    'security',
    'probes',
    'persistence',
    'enableServiceLinks',
    'annotations',
    'labels',
    'pods',
    'imagePullPolicy',
    'workingDir',
    'command',
    'args',
    'env',
    'dnsPolicy',
    'dnsConfig',
  ],
  'controlPlane.distro.k8s': [
    'enabled',
    'version',
    'scheduler',
    'env',
    'securityContext',
    'resources',
  ],
  'controlPlane.distro.k8s.apiServer': ['enabled', 'command'],
  'controlPlane.distro.k8s.controllerManager': ['enabled', 'command'],
  'controlPlane.backingStore.database.embedded': ['dataSource', 'certFile', 'keyFile', 'caFile', 'extraArgs'],
  'controlPlane.backingStore.database.external': [
    'connector',
    'identityProvider',
    'certFile',
    'keyFile',
    'caFile',
    'extraArgs',
  ],
  networking: ['replicateServices', 'resolveDNS'],
  'policies.resourceQuota': ['scopeSelector', 'scopes'],
  'policies.networkPolicy': ['fallbackDns', 'controlPlane', 'workload'],
  'networking.advanced': ['fallbackHostCluster', 'proxyKubelets'],
  policies: ['centralAdmission'],
  exportKubeConfig: ['serviceAccount', 'secret', 'additionalSecrets'],
  experimental: ['deploy', 'proxy', 'docker', 'nodeMonitors'],
};

/** Environment variables load.ts honours (vCluster's names), applied after files and --set. */
export const ENV_HOST_QPS = 'VCLUSTER_PHYSICAL_CLIENT_QPS';
export const ENV_HOST_BURST = 'VCLUSTER_PHYSICAL_CLIENT_BURST';
