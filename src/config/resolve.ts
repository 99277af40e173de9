/**
 * Derived settings: what the control plane and the syncer actually do for a given config, with
 * every `auto` and every "none enabled" resolved. Pure.
 */
import type { PodSecurityStandard } from './defaults.js';
import type { Config } from './schema.js';

/** vCluster's StoreType names (the `vcluster.loft.sh/store` annotation). */
export type BackingStore =
  | { readonly type: 'embedded-database'; readonly durability: 'FULL' | 'NORMAL' }
  | { readonly type: 'external-database'; readonly dataSource: string }
  | {
      readonly type: 'external-etcd';
      readonly endpoint: string;
      readonly tls: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
    };

/**
 * The backing store: database.embedded.enabled, or nothing enabled, means embedded SQLite
 * (vcluster-behavior.md §5); validate.ts lets at most one be enabled.
 */
export function backingStoreOf(config: Config): BackingStore {
  const store = config.controlPlane.backingStore;
  const embedded = { type: 'embedded-database', durability: store.database.embedded.durability } as const;
  if (store.database.embedded.enabled) return embedded;
  if (store.database.external.enabled) {
    return { type: 'external-database', dataSource: store.database.external.dataSource };
  }
  if (store.etcd.external.enabled) {
    return {
      type: 'external-etcd',
      endpoint: store.etcd.external.endpoint,
      tls: { ...store.etcd.external.tls },
    };
  }
  return embedded;
}

export interface ResolvedPolicies {
  readonly podSecurityStandard: PodSecurityStandard;
  readonly resourceQuota: boolean;
  readonly limitRange: boolean;
  readonly networkPolicy: boolean;
}

/**
 * The isolation settings. vCluster's `auto` means "on if the other one is explicitly on"; vcluster-ts
 * isolates by default, so `auto` means on and only `false` turns a host object off.
 */
export function policiesOf(config: Config): ResolvedPolicies {
  const p = config.policies;
  return {
    podSecurityStandard: p.podSecurityStandard,
    resourceQuota: p.resourceQuota.enabled !== false,
    limitRange: p.limitRange.enabled !== false,
    networkPolicy: p.networkPolicy.enabled,
  };
}

export type FromHostAutoKind = 'storageClasses' | 'csiDrivers' | 'csiNodes' | 'csiStorageCapacities';

/** fromHost switches that may be `auto`: vcluster-ts has no virtual scheduler, so auto ⇒ false. */
export function fromHostEnabled(config: Config, kind: FromHostAutoKind): boolean {
  return config.sync.fromHost[kind].enabled === true;
}

/**
 * controlPlane.coredns.enabled: `auto` (the default) means on when the host has a real node, where the
 * project's CoreDNS image is loaded and the pod can run.
 */
export function corednsEnabled(config: Config, hostHasRealNode: boolean): boolean {
  const enabled = config.controlPlane.coredns.enabled;
  return enabled === 'auto' ? hostHasRealNode : enabled;
}
