/**
 * The syncer shared by ConfigMaps and Secrets: on the host only while a synced pod references the object
 * (or `all` is configured). A host copy deleted out of band is recreated from the virtual object; data,
 * labels and annotations flow both ways (3-way, virtual wins a tie); an unreferenced host copy is
 * removed. Also the one place that copies the ConfigMaps and Secrets a synced object (a pod, an
 * Ingress) references to the host before its host object is made, and deletes those copies once
 * nothing references them.
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import { Kinds, type ConfigMap, type Secret, type TypedObject } from '../../k8s/types.js';
import type { MappingIndex } from '../../syncer/mappings/mapping-index.js';
import type { NameMapping } from '../../syncer/mappings/mapping.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName } from '../../syncer/translate/names.js';
import { toHostConfigMap } from '../configmaps/translate.js';
import { toHostSecret } from '../secrets/translate.js';
import { mergeObjectMetadata, withMetadata } from '../../syncer/patcher/labels-annotations.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import type { GroupVersionKind } from '../../syncer/translate/gvk.js';
import { resourceKind, type KubeObject, type SyncContext, type Syncer } from '../../syncer/types.js';
import type { TranslateOptions } from './options.js';
import { SKIP_BACKSYNC_ANNOTATION } from '../../syncer/translate/constants.js';

/** The part of the mappings store references need (MappingsStore implements it). */
export interface ReferenceStore {
  record(owner: NameMapping, references: readonly NameMapping[]): Promise<void>;
  release(owner: NameMapping): Promise<NameMapping[]>;
}

/** A ConfigMap or Secret a synced object references (virtual name, the owner's namespace). */
export interface ReferencedObject {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly namespace: string;
  readonly name: string;
}

/** A Secret a synced object other than a pod names (an Ingress's TLS and auth Secrets), in a namespace. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

export interface CopyReferencedOptions {
  /** Whether the host holds a copy of that host name already (the host caches): no round trips then. */
  readonly hostCopyExists?: (kind: 'ConfigMap' | 'Secret', hostName: string) => boolean;
}

function referenceMapping(ctx: SyncContext, ref: ReferencedObject): NameMapping {
  return {
    gvk: ref.kind === 'ConfigMap' ? GVK.ConfigMap : GVK.Secret,
    virtual: { namespace: ref.namespace, name: ref.name },
    host: { namespace: ctx.names.hostNamespace, name: hostName(ctx.names, ref.name, ref.namespace) },
  };
}

/** The host copy of a referenced virtual object, undefined when the virtual object does not exist (yet). */
async function hostCopyOf(ctx: SyncContext, ref: ReferencedObject): Promise<TypedObject | undefined> {
  const options = { names: ctx.names };
  const key = { namespace: ref.namespace, name: ref.name };
  if (ref.kind === 'ConfigMap') {
    const cm = await ignoreNotFound(ctx.virtual.get<ConfigMap>(Kinds.ConfigMap, key));
    return cm && (toHostConfigMap(cm, options) as ConfigMap & TypedObject);
  }
  const secret = await ignoreNotFound(ctx.virtual.get<Secret>(Kinds.Secret, key));
  return secret && (toHostSecret(secret, options) as Secret & TypedObject);
}

/**
 * Records `owner → refs` in the mappings store (so the ConfigMap and Secret syncers keep the host copies
 * while referenced) and copies each referenced virtual object to the host now, so the owner's host
 * object finds it; an existing copy is kept, one made later is the kind's syncer's.
 */
export async function copyReferenced(
  ctx: SyncContext,
  store: ReferenceStore | undefined,
  owner: NameMapping,
  refs: readonly ReferencedObject[],
  options: CopyReferencedOptions = {},
): Promise<void> {
  await store?.record(owner, refs.map((r) => referenceMapping(ctx, r)));
  for (const ref of refs) {
    // Most references (kube-root-ca.crt, shared config) are on the host already: skip the round trips.
    if (options.hostCopyExists?.(ref.kind, hostName(ctx.names, ref.name, ref.namespace))) continue;
    const copy = await hostCopyOf(ctx, ref);
    if (copy === undefined) continue;
    try {
      await ctx.host.create(copy);
      ctx.log.debug({ kind: ref.kind, virtual: `${ref.namespace}/${ref.name}`, owner: owner.virtual, ownerKind: owner.gvk.kind }, 'copied referenced object to the host');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

/** Drops `owner`'s references and deletes the host copies no other object references any more. */
export async function releaseReferenced(ctx: SyncContext, store: ReferenceStore | undefined, owner: NameMapping): Promise<void> {
  if (store === undefined) return;
  for (const orphan of await store.release(owner)) {
    if (orphan.gvk.kind !== 'ConfigMap' && orphan.gvk.kind !== 'Secret') continue;
    await ignoreNotFound(ctx.host.delete(orphan.gvk.kind === 'ConfigMap' ? Kinds.ConfigMap : Kinds.Secret, orphan.host));
    ctx.log.info({ kind: orphan.gvk.kind, host: orphan.host.name }, 'deleted host copy no object references any more');
  }
}

export interface ReferencedSyncerSpec<T extends KubeObject> {
  readonly name: string;
  readonly gvk: GroupVersionKind;
  /** sync.toHost.<kind>.all */
  readonly all: boolean;
  /** The reference graph; undefined means "sync only what pods create" (no GC here). */
  readonly references: MappingIndex | undefined;
  readonly toHost: (virtual: T, options: TranslateOptions) => T;
  readonly syncData: (
    input: { virtualOld: T | undefined; virtual: T; hostOld: T | undefined; host: T },
    options: TranslateOptions,
  ) => { virtual: T; host: T };
  /** Objects never synced (e.g. service-account token Secrets). */
  readonly skip?: (virtual: T) => boolean;
}

export function referencedSyncer<T extends KubeObject>(spec: ReferencedSyncerSpec<T>): Syncer<T> {
  const kind = resourceKind<T>(spec.gvk, true);
  const mapper = namespacedMapper(spec.gvk);
  const wanted = (virtual: T): boolean => {
    if (spec.skip?.(virtual)) return false;
    if (spec.all) return true;
    const ref = { namespace: virtual.metadata?.namespace ?? '', name: virtual.metadata?.name ?? '' };
    return (spec.references?.referencesTo(spec.gvk, ref).length ?? 0) > 0;
  };
  const deleteHost = async (ctx: SyncContext, host: T): Promise<void> => {
    await ignoreNotFound(
      ctx.host.delete(kind, { namespace: host.metadata?.namespace ?? '', name: host.metadata?.name ?? '' }),
    );
  };
  return {
    name: spec.name,
    kind,
    mapper,
    async syncToHost(ctx, { hostOld, virtual }) {
      if (virtual.metadata?.deletionTimestamp || !wanted(virtual)) return {};
      try {
        await ctx.host.create(spec.toHost(virtual, { names: ctx.names }) as T & TypedObject);
        ctx.log.info(
          {
            virtual: `${virtual.metadata?.namespace}/${virtual.metadata?.name}`,
            recreated: hostOld !== undefined,
          },
          'created host copy',
        );
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return {};
    },
    async sync(ctx, { hostOld, host, virtualOld, virtual }) {
      if (!wanted(virtual)) {
        await deleteHost(ctx, host);
        return {};
      }
      const data = spec.syncData({ virtualOld, virtual, hostOld, host }, { names: ctx.names });
      const merged = mergeObjectMetadata(ctx.names, { virtualOld, virtual, hostOld, host }, { gvk: spec.gvk });
      return { host: withMetadata(data.host, merged.host), virtual: withMetadata(data.virtual, merged.virtual) };
    },
    async syncToVirtual(ctx, { host }) {
      // Host-only objects the syncer made for pods (service-account token Secrets) are not copies.
      if (host.metadata?.annotations?.[SKIP_BACKSYNC_ANNOTATION] === 'true') return {};
      await deleteHost(ctx, host);
      return {};
    },
  };
}
