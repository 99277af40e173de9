/**
 * The one generic sync controller (vcluster-behavior.md §2.3): a level-based reconciler keyed by the
 * virtual name. It reads the virtual object and its host counterpart from the informer caches, the
 * states it saw last, and calls the syncer's syncToHost / sync / syncToVirtual. Host events of
 * managed objects are mapped back to the virtual key. Resources never see the queue.
 */
import type { Informer } from '../../k8s/informer.js';
import { keyOf } from '../../k8s/types.js';
import { Controller, type ReconcileReport } from '../../runtime/controller.js';
import { requestKey, type Request, type Result } from '../../runtime/reconcile.js';
import type { KubeObject, SyncContext, Syncer } from '../types.js';

export interface SyncControllerOptions<T extends KubeObject> {
  readonly syncer: Syncer<T>;
  readonly ctx: SyncContext;
  readonly virtual: Informer<T>;
  readonly host: Informer<T>;
  /** @default 10 */
  readonly workers?: number;
  readonly onReconcile?: (report: ReconcileReport) => void;
  /** Called after each sync function with its direction and duration. */
  readonly onSync?: (direction: 'to_host' | 'both' | 'to_virtual', ms: number) => void;
}

interface LastSeen<T> {
  virtual: T | undefined;
  host: T | undefined;
}

function refOf(obj: KubeObject): Request {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

export function syncController<T extends KubeObject>(o: SyncControllerOptions<T>): Controller {
  const { syncer, ctx } = o;
  const lastSeen = new Map<string, LastSeen<T>>();

  const reconcile = async (request: Request): Promise<Result> => {
    const key = requestKey(request);
    const virtual = o.virtual.get(key);
    const hostRef = syncer.mapper.virtualToHost(ctx.names, request, virtual);
    const hostKey = keyOf(hostRef.namespace ? hostRef : { name: hostRef.name });
    const cachedHost = o.host.get(hostKey);
    // An object under the translated name that is not ours is never touched (nor treated as ours).
    const host = cachedHost && syncer.mapper.isManaged(ctx.names, cachedHost) ? cachedHost : undefined;
    const seen = lastSeen.get(key);
    let result: Result;
    const started = performance.now();
    let direction: 'to_host' | 'both' | 'to_virtual';
    if (virtual && host) {
      direction = 'both';
      result = await syncer.sync(ctx, { hostOld: seen?.host, host, virtualOld: seen?.virtual, virtual });
    } else if (virtual) {
      direction = 'to_host';
      result = await syncer.syncToHost(ctx, { hostOld: seen?.host, virtual });
    } else if (host) {
      direction = 'to_virtual';
      result = await syncer.syncToVirtual(ctx, { virtualOld: seen?.virtual, host });
    } else {
      lastSeen.delete(key);
      return {};
    }
    o.onSync?.(direction, performance.now() - started);
    lastSeen.set(key, { virtual, host });
    return result;
  };

  const controller = new Controller({
    name: syncer.name,
    reconciler: { reconcile },
    log: ctx.log,
    ...(o.workers ? { workers: o.workers } : {}),
    ...(o.onReconcile ? { onReconcile: o.onReconcile } : {}),
  });

  const enqueueVirtual = (obj: T): void => controller.enqueue(refOf(obj));
  o.virtual.addHandlers({
    onAdd: enqueueVirtual,
    onUpdate: (_old, obj) => enqueueVirtual(obj),
    onDelete: enqueueVirtual,
  });

  const enqueueHost = (obj: T): void => {
    if (!syncer.mapper.isManaged(ctx.names, obj)) return;
    const virtualRef = syncer.mapper.hostToVirtual(ctx.names, refOf(obj), obj);
    if (virtualRef) controller.enqueue(virtualRef);
  };
  o.host.addHandlers({
    onAdd: enqueueHost,
    onUpdate: (_old, obj) => enqueueHost(obj),
    onDelete: enqueueHost,
  });
  return controller;
}
