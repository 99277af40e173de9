/**
 * The one generic sync controller (vcluster-behavior.md §2.3): a level-based reconciler keyed by the
 * virtual name. It reads the virtual object and its host counterpart from the informer caches, the
 * states it saw last, and calls the syncer's syncToHost / sync / syncToVirtual; what `sync` answers
 * is written by the one apply step (patcher/apply.ts). Host events of
 * managed objects are mapped back to the virtual key. Resources never see the queue.
 */
import type { Informer } from '../../k8s/informer.js';
import { keyOf } from '../../k8s/types.js';
import { Controller, type ReconcileReport } from '../../runtime/controller.js';
import { requestKey, type Request, type Result } from '../../runtime/reconcile.js';
import type { KubeObject, SyncContext, Syncer } from '../types.js';
import { REQUEUE_SOON_MS, decideSync } from '../decide.js';
import { ObjectCache } from '../object-cache.js';
import { applySyncResult } from '../patcher/apply.js';
import { ignoreNotFound, isConflict } from '../../k8s/errors.js';
import { formatError } from '../../lib/errors.js';

/** How soon a virtual object the syncer's filter is not sure about yet is looked at again. */
const FILTER_WAIT_MS = 500;

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

function refOf(obj: KubeObject): Request {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

export function syncController<T extends KubeObject>(o: SyncControllerOptions<T>): Controller {
  const { syncer, ctx } = o;
  const oldStates = new ObjectCache<T>();

  const reconcile = async (request: Request): Promise<Result> => {
    try {
      return await reconcileOnce(request);
    } catch (err) {
      // 409: another writer (a controller of either cluster) changed the object since our cache saw
      // it. An ordinary retry, not an error: the informer brings the new state and we go again.
      if (!isConflict(err)) throw err;
      ctx.log.debug({ key: requestKey(request), err: formatError(err) }, 'conflict, requeued');
      return { requeueAfterMs: REQUEUE_SOON_MS };
    }
  };

  const reconcileOnce = async (request: Request): Promise<Result> => {
    const key = requestKey(request);
    const virtual = o.virtual.get(key);
    const wanted = virtual === undefined ? 'sync' : (syncer.filter?.(virtual) ?? 'sync');
    if (wanted === 'wait') return { requeueAfterMs: FILTER_WAIT_MS };
    if (wanted === 'skip') {
      oldStates.forget(key);
      return {};
    }
    const hostRef = syncer.mapper.virtualToHost(ctx.names, request, virtual);
    const host = o.host.get(keyOf(hostRef.namespace ? hostRef : { name: hostRef.name }));
    const { virtualOld, hostOld } = oldStates.oldStates(key, virtual, host);
    const decision = decideSync<T>({
      gvk: syncer.kind.gvk,
      virtual,
      host,
      hostManaged: host !== undefined && syncer.mapper.isManaged(ctx.names, host),
      virtualOld,
      hostOld,
      syncerName: syncer.name,
    });
    const started = performance.now();
    let result: Result;
    switch (decision.action) {
      case 'sync':
        result = await applySyncResult(
          ctx,
          syncer.kind,
          { host: host!, virtual: virtual! },
          await syncer.sync(ctx, { hostOld, host: host!, virtualOld, virtual: virtual! }),
        );
        o.onSync?.('both', performance.now() - started);
        break;
      case 'sync-to-host':
        result = await syncer.syncToHost(ctx, { hostOld, virtual: virtual! });
        o.onSync?.('to_host', performance.now() - started);
        break;
      case 'sync-to-virtual':
        result = await syncer.syncToVirtual(ctx, { virtualOld, host: host! });
        o.onSync?.('to_virtual', performance.now() - started);
        break;
      case 'delete-host':
        ctx.log.info({ key, reason: decision.reason }, 'deleting host object');
        await ignoreNotFound(ctx.host.delete(syncer.kind, hostRef, host?.metadata?.uid ? { preconditions: { uid: host.metadata.uid } } : {}));
        return { requeueAfterMs: REQUEUE_SOON_MS };
      case 'requeue':
        return { requeueAfterMs: decision.afterMs };
      case 'host-name-taken':
        // Only reachable with an unscoped host cache; the kind's syncToHost reports it on create.
        ctx.log.warn({ key }, 'host name taken by an object this vcluster does not manage');
        return {};
      case 'nothing':
        oldStates.forget(key);
        return {};
    }
    oldStates.remember(key, virtual, host);
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

  // Host changes (a pod's status, a bound claim) go ahead of virtual ones: they are usually answered
  // with a virtual write only, while a burst of virtual creates queues behind the host client's QPS
  // limit and would hold them for COUNT/hostQPS seconds. The queue still lets a virtual key through
  // after a run of urgent ones, so neither side starves.
  const enqueueHost = (obj: T): void => {
    if (!syncer.mapper.isManaged(ctx.names, obj)) return;
    const virtualRef = syncer.mapper.hostToVirtual(ctx.names, refOf(obj), obj);
    if (virtualRef) controller.enqueue(virtualRef, { urgent: true });
  };
  o.host.addHandlers({
    onAdd: enqueueHost,
    onUpdate: (_old, obj) => enqueueHost(obj),
    onDelete: enqueueHost,
  });
  return controller;
}
