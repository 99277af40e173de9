/**
 * The syncer contract (code-style §4.2 convention 1, vcluster-behavior.md §2.2): every synced kind
 * implements three functions, each receiving both sides and the states the syncer saw last; the
 * one generic sync controller decides which to call. Resources never see the work queue.
 */
import type { KubeClient } from '../k8s/client.js';
import type { ResourceType } from '../k8s/types.js';
import type { Logger } from '../lib/logger.js';
import type { Result } from '../runtime/reconcile.js';
import { apiVersionOf, type GroupVersionKind } from './translate/gvk.js';
import type { NameContext, ObjectRef } from './translate/names.js';
import type { KubeObject } from './translate/object.js';

export type { KubeObject, ObjectRef, Result };

/** A Kubernetes kind as the syncer addresses it; also a ResourceType for the KubeClient. */
export interface ResourceKind<T extends KubeObject> extends ResourceType {
  readonly gvk: GroupVersionKind;
  readonly namespaced: boolean;
  /** Type marker only; never set. */
  readonly __object?: T;
}

export function resourceKind<T extends KubeObject>(
  gvk: GroupVersionKind,
  namespaced: boolean,
): ResourceKind<T> {
  return { apiVersion: apiVersionOf(gvk), kind: gvk.kind, gvk, namespaced };
}

/** Only the virtual object exists (the host copy never existed or vanished: hostOld tells which). */
export interface SyncToHostEvent<T> {
  readonly hostOld: T | undefined;
  readonly virtual: T;
}

/** Both sides exist. */
export interface SyncEvent<T> {
  readonly hostOld: T | undefined;
  readonly host: T;
  readonly virtualOld: T | undefined;
  readonly virtual: T;
}

/** Only the (managed) host object exists (virtualOld set if the virtual object vanished). */
export interface SyncToVirtualEvent<T> {
  readonly virtualOld: T | undefined;
  readonly host: T;
}

/** The status of a kind, as its objects carry it. */
export type StatusOf<T> = T extends { readonly status?: infer S } ? S : never;

/**
 * What `sync` answers: when to look again, and both objects as they should be. The generic controller
 * writes the difference to the objects it passed in (the apply step, patcher/apply.ts): the host
 * object first, then the virtual object, then the virtual status. A side left undefined is not written.
 */
export interface SyncResult<T> extends Result {
  /** The complete host object as it should be, derived from the `host` passed in (status ignored). */
  readonly host?: T;
  /** The complete virtual object as it should be, derived from the `virtual` passed in (status ignored). */
  readonly virtual?: T;
  /** The virtual object's status as it should be (written through the status subresource). */
  readonly virtualStatus?: StatusOf<T>;
}

/** Name mapping between the two sides for one kind (vCluster's Mapper). */
export interface Mapper {
  readonly gvk: GroupVersionKind;
  virtualToHost(names: NameContext, virtual: ObjectRef, object?: KubeObject): Required<ObjectRef>;
  /** undefined when the host object does not stand for any virtual object of this vcluster. */
  hostToVirtual(names: NameContext, host: ObjectRef, object?: KubeObject): ObjectRef | undefined;
  isManaged(names: NameContext, host: KubeObject): boolean;
}

/** Records name mappings and references (pod → configmap) in the mappings store. */
export interface MappingsRecorder {
  recordReference(owner: MappingRef, reference: MappingRef): void;
}

export interface MappingRef {
  readonly gvk: GroupVersionKind;
  readonly virtual: ObjectRef;
  readonly host: Required<ObjectRef>;
}

/** What a sync function may use: both clients (src/k8s), names, logger, cancellation. */
export interface SyncContext {
  readonly names: NameContext;
  readonly virtual: KubeClient;
  readonly host: KubeClient;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly mappings?: MappingsRecorder;
}

export interface Syncer<T extends KubeObject> {
  readonly name: string;
  readonly kind: ResourceKind<T>;
  readonly mapper: Mapper;
  /** virtual exists, host doesn't */
  syncToHost(ctx: SyncContext, event: SyncToHostEvent<T>): Promise<Result>;
  /** both exist; the objects it answers are written by the controller's apply step */
  sync(ctx: SyncContext, event: SyncEvent<T>): Promise<SyncResult<T>>;
  /** host exists, virtual doesn't */
  syncToVirtual(ctx: SyncContext, event: SyncToVirtualEvent<T>): Promise<Result>;
  /**
   * Optional: whether this virtual object is synced at all. `skip`: neither side is touched (its host
   * name may belong to a host controller, e.g. the Endpoints of a Service with a selector); `wait`:
   * asked again shortly (what it depends on is not in the caches yet). @default 'sync'
   */
  filter?(virtual: T): 'sync' | 'skip' | 'wait';
}

/** Optional: options read by the generic controller. */
export interface SyncerOptions {
  /** Do not delete the host object when the virtual UID changed. */
  readonly disableUidDeletion?: boolean;
  /** Keep last-seen objects for 3-way merges. @default true */
  readonly objectCaching?: boolean;
  readonly skipMappingsRecording?: boolean;
}

export interface OptionsProvider {
  readonly options: SyncerOptions;
}

/** Optional: hooks around each reconcile; reconcileStart returning true skips the request. */
export interface Starter {
  reconcileStart(ctx: SyncContext, request: ObjectRef): Promise<boolean>;
  reconcileEnd(): void;
}

export function hasOptions(value: object): value is OptionsProvider {
  return 'options' in value;
}

export function isStarter(value: object): value is Starter {
  return 'reconcileStart' in value && 'reconcileEnd' in value;
}
