/**
 * Events host → virtual (vcluster-behavior.md §2.8 Events): a host event about an object this vcluster
 * synced is copied next to the virtual object, with host names replaced by virtual ones. Host-driven,
 * so it runs its own small controller keyed by the host event.
 */
import { isAlreadyExists, isNotFound } from '../../k8s/errors.js';
import type { Informer } from '../../k8s/informer.js';
import { Kinds, type Event, type KubeObject, type TypedObject } from '../../k8s/types.js';
import { Controller } from '../../runtime/controller.js';
import { requestKey, type Request } from '../../runtime/reconcile.js';
import type { Mapper, SyncContext } from '../../syncer/types.js';
import { isSyncedEventKind, toVirtualEvent, type EventTarget } from './translate.js';

/** For each synced kind: the host cache, its mapper, and the virtual cache (for the uid). */
export interface EventSource {
  readonly host: Informer<KubeObject>;
  readonly virtual: Informer<KubeObject>;
  readonly mapper: Mapper;
}

export function eventsController(ctx: SyncContext, hostEvents: Informer<Event>, sources: Readonly<Record<string, EventSource>>): Controller {
  const target = (event: Event): EventTarget | undefined => {
    const kind = event.involvedObject.kind === 'Endpoint' ? 'Endpoints' : event.involvedObject.kind;
    const source = kind ? sources[kind] : undefined;
    const name = event.involvedObject.name;
    if (!source || !name) return undefined;
    const hostObject = source.host.get(`${ctx.names.hostNamespace}/${name}`);
    if (!hostObject || !source.mapper.isManaged(ctx.names, hostObject)) return undefined;
    const ref = source.mapper.hostToVirtual(ctx.names, { namespace: ctx.names.hostNamespace, name }, hostObject);
    if (!ref?.namespace) return undefined;
    const virtual = source.virtual.get(`${ref.namespace}/${ref.name}`);
    return { name: ref.name, namespace: ref.namespace, ...(virtual?.metadata?.uid ? { uid: virtual.metadata.uid } : {}) };
  };

  const reconcile = async (request: Request): Promise<Record<string, never>> => {
    const hostEvent = hostEvents.get(requestKey(request));
    if (!hostEvent || !isSyncedEventKind(hostEvent.involvedObject.kind)) return {};
    const desired = toVirtualEvent(hostEvent, target(hostEvent));
    if (!desired) return {};
    const key = { namespace: desired.metadata.namespace ?? '', name: desired.metadata.name ?? '' };
    try {
      const existing = await ctx.virtual.get<Event>(Kinds.Event, key);
      await ctx.virtual.update({ ...existing, ...desired, metadata: { ...existing.metadata, ...desired.metadata } } as Event & TypedObject);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await ctx.virtual.create(desired as Event & TypedObject).catch((e: unknown) => {
        if (!isAlreadyExists(e)) throw e;
      });
    }
    return {};
  };

  const controller = new Controller({ name: 'events', reconciler: { reconcile }, log: ctx.log, workers: 2 });
  const enqueue = (e: Event): void => {
    if (e.metadata.namespace === ctx.names.hostNamespace && e.metadata.name) controller.enqueue({ namespace: e.metadata.namespace, name: e.metadata.name });
  };
  hostEvents.addHandlers({ onAdd: enqueue, onUpdate: (_old, e) => enqueue(e) });
  return controller;
}
