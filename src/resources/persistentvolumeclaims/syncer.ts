/**
 * PersistentVolumeClaims (vcluster-behavior.md §2.8 PVCs): the claim goes to the host (labels and
 * annotations then flow both ways, 3-way, the bind annotations host → virtual only); once the host
 * binds it, the virtual claim takes the host's status and volume name, and a fake PersistentVolume of
 * that name appears in the virtual cluster (the virtual PV binder is off: there are no kubelets).
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import { Kinds, type PersistentVolume, type PersistentVolumeClaim, type TypedObject } from '../../k8s/types.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import { mergeObjectMetadata, withMetadata } from '../../syncer/patcher/labels-annotations.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { resourceKind, type SyncContext, type Syncer } from '../../syncer/types.js';
import {
  BIND_ANNOTATIONS,
  DEPRECATED_STORAGE_CLASS_ANNOTATION,
  fakePersistentVolume,
  syncPersistentVolumeClaim,
  toHostPersistentVolumeClaim,
} from './translate.js';

const typed = <T extends object>(o: T): T & TypedObject => o as T & TypedObject;
const refOf = (o: PersistentVolumeClaim): { namespace: string; name: string } => ({ namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' });

async function ensureFakeVolume(ctx: SyncContext, name: string, claim: PersistentVolumeClaim): Promise<void> {
  const existing = await ignoreNotFound(ctx.virtual.get<PersistentVolume>(Kinds.PersistentVolume, { name }));
  if (existing) return;
  const pv = fakePersistentVolume(name, claim);
  try {
    const created = await ctx.virtual.create(typed(pv));
    await ctx.virtual.updateStatus(typed({ ...created, status: { phase: 'Bound' } }));
    ctx.log.info({ pv: name, claim: `${claim.metadata?.namespace}/${claim.metadata?.name}` }, 'created fake persistent volume');
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export function createPersistentVolumeClaimSyncer(): Syncer<PersistentVolumeClaim> {
  return {
    name: 'persistentvolumeclaims',
    kind: resourceKind<PersistentVolumeClaim>(GVK.PersistentVolumeClaim, true),
    mapper: namespacedMapper(GVK.PersistentVolumeClaim),

    async syncToHost(ctx, { virtual }) {
      if (virtual.metadata?.deletionTimestamp) return {};
      try {
        await ctx.host.create(typed(toHostPersistentVolumeClaim(virtual, { names: ctx.names })));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return {};
    },

    async sync(ctx, { hostOld, host, virtualOld, virtual }) {
      if (virtual.metadata?.deletionTimestamp) {
        if (!host.metadata?.deletionTimestamp) await ignoreNotFound(ctx.host.delete(Kinds.PersistentVolumeClaim, refOf(host)));
        return {};
      }
      const synced = syncPersistentVolumeClaim(virtual, host);
      if (synced.recreateVirtual) {
        ctx.log.warn({ claim: `${refOf(virtual).namespace}/${refOf(virtual).name}` }, 'host claim bound to another volume than the virtual claim names');
        return {};
      }
      // The fake volume is there before the virtual claim names it (the apply step writes that next).
      const volume = host.spec?.volumeName;
      if (volume && host.status?.phase === 'Bound') await ensureFakeVolume(ctx, volume, synced.virtual);
      // labels and annotations both ways; the bind annotations only come back (syncPersistentVolumeClaim)
      const merged = mergeObjectMetadata(ctx.names, { virtualOld, virtual: synced.virtual, hostOld, host: synced.host }, {
        gvk: GVK.PersistentVolumeClaim,
        translated: [DEPRECATED_STORAGE_CLASS_ANNOTATION],
        translatedHost: toHostPersistentVolumeClaim(virtual, { names: ctx.names }).metadata?.annotations ?? {},
        exclude: BIND_ANNOTATIONS,
      });
      return {
        host: withMetadata(synced.host, merged.host),
        virtual: withMetadata(synced.virtual, merged.virtual),
        ...(synced.virtual.status ? { virtualStatus: synced.virtual.status } : {}),
      };
    },

    async syncToVirtual(ctx, { host }) {
      await ignoreNotFound(ctx.host.delete(Kinds.PersistentVolumeClaim, refOf(host)));
      return {};
    },
  };
}
