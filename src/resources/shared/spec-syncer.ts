/**
 * The syncer of the plain toHost kinds (Ingress, NetworkPolicy, PodDisruptionBudget, PriorityClass):
 * the spec goes virtual → host, labels and annotations both ways (3-way, virtual wins a tie), the
 * status (when the kind has one the host writes) host → virtual; `sync` answers both objects as they
 * should be and the controller's apply step writes them. A host copy deleted out of band is
 * recreated from the virtual object; a managed host copy without a virtual object is deleted; a host
 * object of the translated name that is not ours is never touched (the tenant gets a Warning event).
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import type { TypedObject } from '../../k8s/types.js';
import { clusterMapper, namespacedMapper } from '../../syncer/mapper.js';
import { objectPatch } from '../../syncer/patcher/apply.js';
import { mergeObjectMetadata, withMetadata } from '../../syncer/patcher/labels-annotations.js';
import type { GroupVersionKind } from '../../syncer/translate/gvk.js';
import { resourceKind, type KubeObject, type StatusOf, type SyncContext, type Syncer } from '../../syncer/types.js';
import { warnOnVirtual } from '../../syncer/events.js';
import type { TranslateOptions } from './options.js';

/** Top-level fields that are not "spec": identity, metadata and the status the host owns. */
const NOT_SPEC = new Set(['apiVersion', 'kind', 'metadata', 'status']);

export interface SpecSyncerHooks<T extends KubeObject> {
  /** Before the host object is created or updated (e.g. copy the Secrets an Ingress references). */
  readonly beforeHostWrite?: (ctx: SyncContext, virtual: T) => Promise<void>;
  /** After the host object was deleted because its virtual object is gone. */
  readonly afterHostDelete?: (ctx: SyncContext, host: T) => Promise<void>;
}

export interface SpecSyncerSpec<T extends KubeObject> extends SpecSyncerHooks<T> {
  readonly name: string;
  readonly gvk: GroupVersionKind;
  readonly namespaced: boolean;
  /** The complete host object for a virtual object (pure). */
  readonly toHost: (virtual: T, options: TranslateOptions) => T;
  /** Annotation keys whose host values the translation owns (their values are translated). */
  readonly translatedAnnotations?: readonly string[];
  /** The kind has a status the host writes, copied back to the virtual object. */
  readonly statusFromHost?: boolean;
  /** Virtual objects never synced (e.g. the built-in system PriorityClasses). */
  readonly skip?: (virtual: T) => boolean;
}

const typed = <T extends object>(o: T): T & TypedObject => o as T & TypedObject;

function refOf(o: KubeObject): { namespace?: string; name: string } {
  const name = o.metadata?.name ?? '';
  return o.metadata?.namespace ? { namespace: o.metadata.namespace, name } : { name };
}

function specOf(o: KubeObject): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => !NOT_SPEC.has(k) && v !== undefined));
}

function statusOf<T extends KubeObject>(o: T): StatusOf<T> | undefined {
  return (o as { status?: StatusOf<T> }).status;
}

/** The host object with the desired spec (fields the desired object lacks removed). */
function withSpec<T extends KubeObject>(host: T, desired: T): T {
  const out: T = { ...host };
  for (const k of Object.keys(out)) if (!NOT_SPEC.has(k)) Reflect.deleteProperty(out, k);
  return Object.assign(out, specOf(desired));
}

export function specSyncer<T extends KubeObject>(spec: SpecSyncerSpec<T>): Syncer<T> {
  const kind = resourceKind<T>(spec.gvk, spec.namespaced);
  const mapper = spec.namespaced ? namespacedMapper(spec.gvk) : clusterMapper(spec.gvk);
  return {
    name: spec.name,
    kind,
    mapper,
    ...(spec.skip ? { filter: (virtual: T) => (spec.skip?.(virtual) ? 'skip' : 'sync') } : {}),

    async syncToHost(ctx, { hostOld, virtual }) {
      if (virtual.metadata?.deletionTimestamp) return {};
      await spec.beforeHostWrite?.(ctx, virtual);
      const desired = spec.toHost(virtual, { names: ctx.names });
      try {
        await ctx.host.create(typed(desired));
        ctx.log.info({ virtual: refOf(virtual), host: refOf(desired), recreated: hostOld !== undefined }, 'created host copy');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        // Our own copy arrives through the host cache; anything else holds the name: never overwrite it.
        const existing = await ignoreNotFound(ctx.host.get<T>(kind, refOf(desired)));
        if (existing !== undefined && !mapper.isManaged(ctx.names, existing)) {
          ctx.log.warn({ virtual: refOf(virtual), host: refOf(desired) }, 'host name taken by an object this vcluster does not manage');
          await warnOnVirtual(ctx, virtual, 'SyncError', `cannot sync: host object ${refOf(desired).name} exists and is not managed by vcluster ${ctx.names.vclusterName}`);
        }
      }
      return {};
    },

    async sync(ctx, { hostOld, host, virtualOld, virtual }) {
      if (virtual.metadata?.deletionTimestamp) return {};
      const desired = spec.toHost(virtual, { names: ctx.names });
      const merged = mergeObjectMetadata(ctx.names, { virtualOld, virtual, hostOld, host }, {
        gvk: spec.gvk,
        translated: spec.translatedAnnotations ?? [],
        translatedHost: desired.metadata?.annotations ?? {},
      });
      const desiredHost = withSpec(withMetadata(host, merged.host), desired);
      if (objectPatch(host, desiredHost) !== undefined) await spec.beforeHostWrite?.(ctx, virtual);
      const status = statusOf(host);
      return {
        host: desiredHost,
        virtual: withMetadata(virtual, merged.virtual),
        ...(spec.statusFromHost && status !== undefined ? { virtualStatus: status } : {}),
      };
    },

    async syncToVirtual(ctx, { host }) {
      // Only reached for managed host objects: the virtual object is gone, so is its copy.
      await ignoreNotFound(ctx.host.delete(kind, refOf(host), host.metadata?.uid ? { preconditions: { uid: host.metadata.uid } } : {}));
      ctx.log.info({ host: refOf(host) }, 'deleted host copy of a deleted virtual object');
      await spec.afterHostDelete?.(ctx, host);
      return {};
    },
  };
}
