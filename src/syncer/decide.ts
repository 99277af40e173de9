/**
 * What the generic sync controller does with one request, decided purely from the two objects and
 * their old states (vcluster-behavior.md §2.3): dispatch to one of the three sync functions, delete
 * a host object whose virtual twin was recreated, wait for a lagging cache, or leave alone a host
 * object that is not ours.
 */
import {
  CONTROLLER_LABEL,
  KIND_ANNOTATION,
  SKIP_BACKSYNC_ANNOTATION,
  UID_ANNOTATION,
} from './translate/constants.js';
import { gvkString, type GroupVersionKind } from './translate/gvk.js';
import type { KubeObject } from './translate/object.js';

/** vCluster's conflict requeue. */
export const REQUEUE_SOON_MS = 1000;

export type SyncDecision =
  | { readonly action: 'sync-to-host' }
  | { readonly action: 'sync' }
  | { readonly action: 'sync-to-virtual' }
  | { readonly action: 'delete-host'; readonly reason: 'virtual object uid is different' }
  | { readonly action: 'requeue'; readonly afterMs: number; readonly reason: string }
  /** The host name is taken by an object this vcluster does not manage: never touch it, warn. */
  | { readonly action: 'host-name-taken' }
  | { readonly action: 'nothing'; readonly reason: string };

export interface DecideInput<T extends KubeObject> {
  readonly gvk: GroupVersionKind;
  readonly virtual: T | undefined;
  readonly host: T | undefined;
  /**
   * Whether `host` passed the kind's ownership check (Mapper.isManaged). Mirrored kinds (nodes,
   * fake PVs) are not synced through this decision: their host objects are never "ours".
   */
  readonly hostManaged: boolean;
  readonly virtualOld?: T | undefined;
  readonly hostOld?: T | undefined;
  /** OptionsProvider.disableUidDeletion */
  readonly disableUidDeletion?: boolean;
  /** The syncer's name: objects whose controlled-by annotation names it are still its own. */
  readonly syncerName?: string;
}

/** Owned by another controller: a controlled-by label, or a controlled-by annotation naming someone else. */
function controlledBy(obj: KubeObject | undefined, syncerName: string | undefined): boolean {
  const meta = obj?.metadata;
  if ((meta?.labels?.[CONTROLLER_LABEL] ?? '') !== '') return true;
  const annotation = meta?.annotations?.[CONTROLLER_LABEL] ?? '';
  return annotation !== '' && annotation !== syncerName;
}

function revision(obj: KubeObject | undefined): bigint | undefined {
  const rv = obj?.metadata?.resourceVersion;
  return rv !== undefined && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

/** The cache holds a newer state than the live read: the informer is behind. */
function lagging(old: KubeObject | undefined, live: KubeObject | undefined): boolean {
  const a = revision(old);
  const b = revision(live);
  return a !== undefined && b !== undefined && a > b;
}

export function decideSync<T extends KubeObject>(input: DecideInput<T>): SyncDecision {
  const virtual = controlledBy(input.virtual, input.syncerName) ? undefined : input.virtual;
  const hostExists = input.host !== undefined;
  const hostControlled = controlledBy(input.host, input.syncerName);
  const host = input.hostManaged && !hostControlled ? input.host : undefined;
  if (virtual !== undefined && hostExists && host === undefined && !hostControlled)
    return { action: 'host-name-taken' };
  if (virtual === undefined && host === undefined)
    return { action: 'nothing', reason: 'neither side exists' };
  if (lagging(input.virtualOld, virtual) || lagging(input.hostOld, host)) {
    return { action: 'requeue', afterMs: REQUEUE_SOON_MS, reason: 'cache is behind the last write' };
  }
  if (virtual !== undefined && host !== undefined) {
    const annotations = host.metadata?.annotations ?? {};
    const hostUid = annotations[UID_ANNOTATION] ?? '';
    const kind = annotations[KIND_ANNOTATION] ?? '';
    const kindMatches = kind === '' || kind === gvkString(input.gvk);
    if (!input.disableUidDeletion && hostUid !== '' && hostUid !== virtual.metadata?.uid && kindMatches) {
      if (host.metadata?.deletionTimestamp)
        return { action: 'requeue', afterMs: REQUEUE_SOON_MS, reason: 'host object is being deleted' };
      return { action: 'delete-host', reason: 'virtual object uid is different' };
    }
    return { action: 'sync' };
  }
  if (virtual !== undefined) return { action: 'sync-to-host' };
  if (host?.metadata?.annotations?.[SKIP_BACKSYNC_ANNOTATION] === 'true')
    return { action: 'nothing', reason: 'host object is not back-synced' };
  return { action: 'sync-to-virtual' };
}
