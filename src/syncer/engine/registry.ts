/**
 * The contract between the syncer engine and what it runs. The engine knows no kind: whoever starts
 * the syncer hands it a registry (the resources registry), one entry per synced kind or
 * controller. Each entry says from the config whether it runs, and builds from SyncerDeps either a
 * Syncer (run by the generic sync controller) or a ready Controller.
 */
import type { Config } from '../../config/index.js';
import type { Informer, ListWatchScope } from '../../k8s/informer.js';
import type { ResourceType } from '../../k8s/types.js';
import type { Controller } from '../../runtime/controller.js';
import type { KubeletProxyWiring } from '../kubelet-proxy/endpoints.js';
import type { MappingsStore } from '../mappings/store.js';
import type { NameContext } from '../translate/names.js';
import type { KubeObject, Mapper, SyncContext, Syncer } from '../types.js';

/** One side's informers, one per (kind, scope), shared by every entry (the engine's InformerFactory). */
export interface Informers {
  informerFor<T extends KubeObject>(type: ResourceType, scope?: ListWatchScope): Informer<T>;
}

/** A kind the generic controller syncs: its caches on both sides and its name mapping. */
export interface SyncedKind {
  readonly virtual: Informer<KubeObject>;
  readonly host: Informer<KubeObject>;
  readonly mapper: Mapper;
}

/** What the engine gives every entry. */
export interface SyncerDeps {
  readonly config: Config;
  readonly names: NameContext;
  /** Both clients (counting writes when metrics run), the syncer's logger and signal. */
  readonly ctx: SyncContext;
  /** ctx with the logger of the controller `name`. */
  contextFor(name: string): SyncContext;
  readonly virtualInformers: Informers;
  readonly hostInformers: Informers;
  /** The host objects of this vcluster: its host namespace, its marker label. */
  readonly hostScope: ListWatchScope;
  /** ClusterIP of the vcluster's host Service. */
  readonly kubeIP: string | undefined;
  readonly kubeletVersion: string;
  readonly mappings?: MappingsStore;
  /** The kubelet proxy virtual nodes advertise (logs, exec, attach, port-forward of tenant pods). */
  readonly kubeletProxy?: KubeletProxyWiring;
  /** CoreDNS runs in the virtual cluster (controlPlane.coredns). */
  readonly clusterDns?: boolean;
  /**
   * The kinds the generic controller syncs, by kind name: those of the entries built so far (entries
   * that follow other kinds, as events do, come last in the registry).
   */
  readonly synced: Readonly<Record<string, SyncedKind>>;
}

/** What an entry builds: a Syncer for the generic controller (host cache in hostScope, default deps.hostScope), or a Controller. */
export type SyncerProduct =
  | { readonly syncer: Syncer<KubeObject>; readonly hostScope?: ListWatchScope }
  | { readonly controller: Controller };

export interface SyncerEntry {
  readonly name: string;
  enabled(config: Config): boolean;
  create(deps: SyncerDeps): SyncerProduct;
}

/** The entries in the order their controllers are built and started. */
export type SyncerRegistry = readonly SyncerEntry[];
