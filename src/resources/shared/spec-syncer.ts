/**
 * The syncer of the plain toHost kinds (Ingress, NetworkPolicy, PodDisruptionBudget, PriorityClass):
 * the spec goes virtual → host, labels and annotations both ways (3-way, virtual wins a tie), the
 * status (when the kind has one the host writes) host → virtual. A host copy deleted out of band is
 * recreated from the virtual object; a managed host copy without a virtual object is deleted; a host
 * object of the translated name that is not ours is never touched (the tenant gets a Warning event).
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import type { TypedObject } from '../../k8s/types.js';
import { clusterMapper, namespacedMapper } from '../../syncer/mapper.js';
import { jsonEqual, toJson } from '../../syncer/patcher/json.js';
import { mergeAnnotations, mergeObjectLabels } from '../../syncer/patcher/labels-annotations.js';
import type { GroupVersionKind } from '../../syncer/translate/gvk.js';
import { resourceKind, type KubeObject, type SyncContext, type Syncer } from '../../syncer/types.js';
import { warnOnVirtual } from './events.js';
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

function statusOf(o: KubeObject): unknown {
  return (o as { status?: unknown }).status;
}

/** The host object with the desired spec (fields the desired object lacks removed). */
function withSpec<T extends KubeObject>(host: T, desired: T): T {
  const out: T = { ...host };
  for (const k of Object.keys(out)) if (!NOT_SPEC.has(k)) Reflect.deleteProperty(out, k);
  return Object.assign(out, specOf(desired));
}

export function specSyncer<T extends KubeObject>(spec: SpecSyncerSpec<T>): Syncer<T> {
  const kind = resourceKind<T>(spec.gvk, spec.namespaced);
  const translated = new Set(spec.translatedAnnotations ?? []);
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
      const labels = mergeObjectLabels(ctx.names, { virtualOld, virtual, hostOld, host });
      const drop = (m: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined =>
        m === undefined ? undefined : Object.fromEntries(Object.entries(m).filter(([k]) => !translated.has(k)));
      const annotations = mergeAnnotations(
        {
          virtualOld: drop(virtualOld?.metadata?.annotations),
          virtual: drop(virtual.metadata?.annotations),
          hostOld: drop(hostOld?.metadata?.annotations),
          host: drop(host.metadata?.annotations),
        },
        {
          identity: {
            gvk: spec.gvk,
            virtualName: virtual.metadata?.name ?? '',
            virtualNamespace: virtual.metadata?.namespace ?? '',
            ...(virtual.metadata?.uid ? { virtualUid: virtual.metadata.uid } : {}),
            hostName: host.metadata?.name ?? '',
            hostNamespace: host.metadata?.namespace ?? '',
          },
          hostExtra: Object.fromEntries(Object.entries(desired.metadata?.annotations ?? {}).filter(([k]) => translated.has(k))),
        },
      );
      const virtualAnnotations = { ...annotations.virtual };
      for (const k of translated) {
        const value = virtual.metadata?.annotations?.[k];
        if (value !== undefined) virtualAnnotations[k] = value;
      }
      const desiredHost = withSpec(
        { ...host, metadata: { ...host.metadata, labels: labels.host, annotations: annotations.host } },
        desired,
      );
      if (!jsonEqual(toJson(desiredHost), toJson(host))) {
        await spec.beforeHostWrite?.(ctx, virtual);
        await ctx.host.update(typed(desiredHost));
      }
      let current = virtual;
      const meta = { ...virtual.metadata, labels: labels.virtual, annotations: virtualAnnotations };
      if (!jsonEqual(toJson(meta), toJson({ ...virtual.metadata, labels: virtual.metadata?.labels ?? {}, annotations: virtual.metadata?.annotations ?? {} }))) {
        current = await ctx.virtual.update(typed({ ...virtual, metadata: meta }));
      }
      const status = statusOf(host);
      if (spec.statusFromHost && status !== undefined && !jsonEqual(toJson(status), toJson(statusOf(current) ?? null))) {
        await ctx.virtual.updateStatus(typed({ ...current, status }));
      }
      return {};
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
