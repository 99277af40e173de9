/**
 * The ONE schema of vcluster.yaml: the subset of vCluster's config (vcluster-behavior.md §5) that
 * vcluster-ts supports. Every object is strict (an unknown key is an error) and every field has
 * vCluster's default (defaults.ts), so `ConfigSchema.parse({})` is the default config.
 * Cross-field rules (one backing store, supported switches, CIDR syntax ...) live in validate.ts.
 */
import { z } from 'zod';
import {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_HOST_BURST,
  DEFAULT_HOST_QPS,
  DEFAULT_LIMIT_RANGE_DEFAULT,
  DEFAULT_LIMIT_RANGE_DEFAULT_REQUEST,
  DEFAULT_POD_CIDR,
  DEFAULT_POD_SECURITY_STANDARD,
  DEFAULT_POLICY_OBJECTS_ENABLED,
  DEFAULT_PROXY,
  DEFAULT_RESOURCE_QUOTA,
  DEFAULT_SQLITE_DURABILITY,
  DEFAULT_USE_SECRETS_FOR_SA_TOKENS,
  DEFAULT_VIRTUAL_BURST,
  DEFAULT_VIRTUAL_QPS,
  FROM_HOST_DEFAULTS,
  POD_SECURITY_STANDARDS,
  SQLITE_DURABILITIES,
  TO_HOST_DEFAULTS,
} from './defaults.js';

const bool = (def: boolean) => z.boolean().default(def);
const str = (def = '') => z.string().default(def);
const strings = () => z.array(z.string()).default([]);
/** A switch that may also be `auto` (resolved from other settings). */
const autoBool = (def: boolean | 'auto') => z.union([z.boolean(), z.literal('auto')]).default(def);
const quantities = (def: Readonly<Record<string, string | number>>) =>
  z.record(z.string(), z.union([z.string(), z.number()])).default(() => ({ ...def }));

/** `{ enabled: <def> }` */
const toggle = (def: boolean) => z.strictObject({ enabled: bool(def) }).prefault({});
const autoToggle = (def: boolean | 'auto') => z.strictObject({ enabled: autoBool(def) }).prefault({});

const referencedSync = (def: boolean) =>
  z.strictObject({ enabled: bool(def), all: bool(false) }).prefault({});

export const ToHostSchema = z
  .strictObject({
    pods: z
      .strictObject({
        enabled: bool(TO_HOST_DEFAULTS.pods),
        /** Service-account tokens through a host Secret instead of pod annotations. */
        useSecretsForSATokens: bool(DEFAULT_USE_SECRETS_FOR_SA_TOKENS),
        /** Tolerations added to every host pod, in kubectl form `key=value:Effect`. */
        enforceTolerations: strings(),
      })
      .prefault({}),
    services: toggle(TO_HOST_DEFAULTS.services),
    endpoints: toggle(TO_HOST_DEFAULTS.endpoints),
    endpointSlices: toggle(TO_HOST_DEFAULTS.endpointSlices),
    persistentVolumeClaims: toggle(TO_HOST_DEFAULTS.persistentVolumeClaims),
    configMaps: referencedSync(TO_HOST_DEFAULTS.configMaps),
    secrets: referencedSync(TO_HOST_DEFAULTS.secrets),
    serviceAccounts: toggle(TO_HOST_DEFAULTS.serviceAccounts),
    ingresses: toggle(TO_HOST_DEFAULTS.ingresses),
    priorityClasses: toggle(TO_HOST_DEFAULTS.priorityClasses),
    networkPolicies: toggle(TO_HOST_DEFAULTS.networkPolicies),
    podDisruptionBudgets: toggle(TO_HOST_DEFAULTS.podDisruptionBudgets),
    storageClasses: toggle(TO_HOST_DEFAULTS.storageClasses),
    persistentVolumes: toggle(TO_HOST_DEFAULTS.persistentVolumes),
  })
  .prefault({});

export const FromHostSchema = z
  .strictObject({
    events: toggle(FROM_HOST_DEFAULTS.events),
    nodes: z
      .strictObject({
        enabled: bool(FROM_HOST_DEFAULTS.nodes),
        syncBackChanges: bool(false),
        clearImageStatus: bool(false),
        selector: z
          .strictObject({
            all: bool(false),
            labels: z.record(z.string(), z.string()).default(() => ({})),
          })
          .prefault({}),
      })
      .prefault({}),
    storageClasses: autoToggle(FROM_HOST_DEFAULTS.storageClasses),
    csiDrivers: autoToggle(FROM_HOST_DEFAULTS.csiDrivers),
    csiNodes: autoToggle(FROM_HOST_DEFAULTS.csiNodes),
    csiStorageCapacities: autoToggle(FROM_HOST_DEFAULTS.csiStorageCapacities),
    ingressClasses: toggle(FROM_HOST_DEFAULTS.ingressClasses),
    runtimeClasses: toggle(FROM_HOST_DEFAULTS.runtimeClasses),
    priorityClasses: toggle(FROM_HOST_DEFAULTS.priorityClasses),
  })
  .prefault({});

export const SyncSchema = z.strictObject({ toHost: ToHostSchema, fromHost: FromHostSchema }).prefault({});

const componentArgs = () => z.strictObject({ extraArgs: strings() }).prefault({});

/** A container image as vCluster's chart spells it: registry/repository:tag, each "" for the default. */
const imageRef = () => z.strictObject({ registry: str(), repository: str(), tag: str() }).prefault({});

const tlsFiles = () => z.strictObject({ caFile: str(), certFile: str(), keyFile: str() }).prefault({});

export const BackingStoreSchema = z
  .strictObject({
    database: z
      .strictObject({
        /** SQLite in the data dir through our kine (the default when nothing is enabled). */
        embedded: z
          .strictObject({
            enabled: bool(false),
            /** SQLite `PRAGMA synchronous` (vcluster-ts extension). */
            durability: z.enum(SQLITE_DURABILITIES).default(DEFAULT_SQLITE_DURABILITY),
          })
          .prefault({}),
        /** PostgreSQL through our kine. */
        external: z.strictObject({ enabled: bool(false), dataSource: str() }).prefault({}),
      })
      .prefault({}),
    etcd: z
      .strictObject({
        embedded: toggle(false),
        deploy: toggle(false),
        /** An existing etcd cluster; kube-apiserver talks to it directly. */
        external: z.strictObject({ enabled: bool(false), endpoint: str(), tls: tlsFiles() }).prefault({}),
      })
      .prefault({}),
  })
  .prefault({});

export const ControlPlaneSchema = z
  .strictObject({
    distro: z
      .strictObject({
        k8s: z
          .strictObject({
            apiServer: componentArgs(),
            controllerManager: componentArgs(),
            /** The image the kubernetes driver's init container copies kube-apiserver and kube-controller-manager from; "" = the one the project builds. */
            image: imageRef(),
          })
          .prefault({}),
      })
      .prefault({}),
    /** The kubernetes driver's StatefulSet (vCluster's names; only the image is implemented). */
    statefulSet: z.strictObject({ image: imageRef() }).prefault({}),
    backingStore: BackingStoreSchema,
    proxy: z
      .strictObject({
        bindAddress: str(DEFAULT_PROXY.bindAddress),
        port: z.number().int().min(0).max(65535).default(DEFAULT_PROXY.port),
        extraSANs: strings(),
      })
      .prefault({}),
    /**
     * CoreDNS inside the virtual cluster (Deployment + Service kube-system/kube-dns). vCluster defaults to
     * true; vcluster-ts to `auto`: on when the host has a real node (the image is loaded there), else off
     * (resolve.ts, corednsEnabled).
     */
    coredns: autoToggle('auto'),
  })
  .prefault({});

export const NetworkingSchema = z
  .strictObject({
    podCIDR: str(DEFAULT_POD_CIDR),
    /** "" = detected from the host (vcluster-behavior.md §3.4). */
    serviceCIDR: str(),
    advanced: z.strictObject({ clusterDomain: str(DEFAULT_CLUSTER_DOMAIN) }).prefault({}),
  })
  .prefault({});

export const PoliciesSchema = z
  .strictObject({
    /** Enforced by the virtual kube-apiserver's PodSecurity admission and checked again by the syncer. */
    podSecurityStandard: z.enum(POD_SECURITY_STANDARDS).default(DEFAULT_POD_SECURITY_STANDARD),
    /** ResourceQuota `vc-<name>` in the host namespace; `auto` means on (resolve.ts). */
    resourceQuota: z
      .strictObject({
        enabled: autoBool(DEFAULT_POLICY_OBJECTS_ENABLED),
        quota: quantities(DEFAULT_RESOURCE_QUOTA),
      })
      .prefault({}),
    /** LimitRange `vc-<name>` (type Container) in the host namespace; `auto` means on. */
    limitRange: z
      .strictObject({
        enabled: autoBool(DEFAULT_POLICY_OBJECTS_ENABLED),
        default: quantities(DEFAULT_LIMIT_RANGE_DEFAULT),
        defaultRequest: quantities(DEFAULT_LIMIT_RANGE_DEFAULT_REQUEST),
        min: quantities({}),
        max: quantities({}),
      })
      .prefault({}),
    /** NetworkPolicy `vc-<name>` in the host namespace: the vcluster's pods talk only among themselves. */
    networkPolicy: toggle(DEFAULT_POLICY_OBJECTS_ENABLED),
  })
  .prefault({});

export const ExportKubeConfigSchema = z
  .strictObject({
    /** Context (and cluster/user) name in the exported kubeconfig; "" = vCluster's default. */
    context: str(),
    /** Server URL written into the exported kubeconfig; "" = the vcluster's own endpoint. */
    server: str(),
    insecure: bool(false),
  })
  .prefault({});

const positive = (def: number) => z.number().positive().default(def);
const positiveInt = (def: number) => z.number().int().positive().default(def);

export const ExperimentalSchema = z
  .strictObject({
    syncSettings: z
      .strictObject({
        /**
         * Owner references from host objects to the vcluster's host Service. vCluster defaults to true;
         * vcluster-ts does not set them yet (host objects go by their labels), so false, and true is refused.
         */
        setOwner: bool(false),
        /** Syncer → host client rate limit (vcluster-ts extension; vCluster reads env only). */
        hostQPS: positive(DEFAULT_HOST_QPS),
        hostBurst: positiveInt(DEFAULT_HOST_BURST),
        virtualQPS: positive(DEFAULT_VIRTUAL_QPS),
        virtualBurst: positiveInt(DEFAULT_VIRTUAL_BURST),
      })
      .prefault({}),
  })
  .prefault({});

export const ConfigSchema = z.strictObject({
  sync: SyncSchema,
  controlPlane: ControlPlaneSchema,
  networking: NetworkingSchema,
  policies: PoliciesSchema,
  exportKubeConfig: ExportKubeConfigSchema,
  experimental: ExperimentalSchema,
  /** Legacy vCluster spelling of networking.serviceCIDR; folded into it by validate.ts. */
  serviceCIDR: z.string().optional(),
});

/** A fully defaulted vcluster.yaml. */
export type Config = z.output<typeof ConfigSchema>;
/** What a user may write (every field optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;
export type SyncConfig = Config['sync'];
export type BackingStoreConfig = Config['controlPlane']['backingStore'];

/** The default config: every field at vCluster's default. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
