/**
 * Derived settings: what the control plane and the syncer actually do for a given config, with
 * every `auto` and every "none enabled" resolved. Pure.
 */
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

/** The backing store; nothing enabled means embedded SQLite (vcluster-behavior.md §5). */
export function backingStoreOf(config: Config): BackingStore {
  const store = config.controlPlane.backingStore;
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
  return { type: 'embedded-database', durability: store.database.embedded.durability };
}

export interface ResolvedPolicies {
  readonly resourceQuota: boolean;
  readonly limitRange: boolean;
}

/** `auto` ⇒ on when the other one is explicitly enabled (chart: `vcluster.limitRange.enabled`). */
export function policiesOf(config: Config): ResolvedPolicies {
  const rq = config.policies.resourceQuota.enabled;
  const lr = config.policies.limitRange.enabled;
  return {
    resourceQuota: rq === 'auto' ? lr === true : rq,
    limitRange: lr === 'auto' ? rq === true : lr,
  };
}

export type FromHostAutoKind = 'storageClasses' | 'csiDrivers' | 'csiNodes' | 'csiStorageCapacities';

/** fromHost switches that may be `auto`: vcluster-ts has no virtual scheduler, so auto ⇒ false. */
export function fromHostEnabled(config: Config, kind: FromHostAutoKind): boolean {
  return config.sync.fromHost[kind].enabled === true;
}
