/**
 * The syncer shared by ConfigMaps and Secrets: on the host only while a synced pod references the object
 * (or `all` is configured). A host copy deleted out of band is recreated from the virtual object; data
 * flows both ways (3-way, virtual wins a tie); an unreferenced host copy is removed.
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import type { TypedObject } from '../../k8s/types.js';
import type { MappingIndex } from '../../syncer/mappings/mapping-index.js';
import { jsonEqual, toJson } from '../../syncer/patcher/json.js';
import { mergeObjectLabels } from '../../syncer/patcher/labels-annotations.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import type { GroupVersionKind } from '../../syncer/translate/gvk.js';
import { resourceKind, type KubeObject, type SyncContext, type Syncer } from '../../syncer/types.js';
import type { TranslateOptions } from './options.js';
import { SKIP_BACKSYNC_ANNOTATION } from '../../syncer/translate/constants.js';

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
      const labels = mergeObjectLabels(ctx.names, { virtualOld, virtual: virtual, hostOld, host });
      const desiredHost = { ...data.host, metadata: { ...data.host.metadata, labels: labels.host } };
      const desiredVirtual = {
        ...data.virtual,
        metadata: { ...data.virtual.metadata, labels: labels.virtual },
      };
      if (!jsonEqual(toJson(desiredHost), toJson(host)))
        await ctx.host.update(desiredHost as T & TypedObject);
      if (!jsonEqual(toJson(desiredVirtual), toJson(virtual)))
        await ctx.virtual.update(desiredVirtual as T & TypedObject);
      return {};
    },
    async syncToVirtual(ctx, { host }) {
      // Host-only objects the syncer made for pods (service-account token Secrets) are not copies.
      if (host.metadata?.annotations?.[SKIP_BACKSYNC_ANNOTATION] === 'true') return {};
      await deleteHost(ctx, host);
      return {};
    },
  };
}
