/**
 * The import controller of one class kind (sync.fromHost.<kind>): keyed by class name, it keeps the
 * virtual copy of every host class equal to the host class (translate.ts, decideHostClass), so the
 * copies are read-only for the tenant, and removes copies whose host class is gone.
 */
import { ignoreAlreadyExists, ignoreNotFound } from '../../k8s/errors.js';
import type { Informer } from '../../k8s/informer.js';
import type { TypedObject } from '../../k8s/types.js';
import { Controller } from '../../runtime/controller.js';
import type { Request, Result } from '../../runtime/reconcile.js';
import type { KubeObject, SyncContext } from '../../syncer/types.js';
import { decideHostClass, type HostClassKind } from './translate.js';

export interface HostClassesControllerOptions<T extends KubeObject> {
  readonly virtualClasses: Informer<T>;
  readonly hostClasses: Informer<T>;
}

const typed = <T extends KubeObject>(c: T): T & TypedObject => c as T & TypedObject;

export function hostClassesController<T extends KubeObject>(
  ctx: SyncContext,
  k: HostClassKind<T>,
  o: HostClassesControllerOptions<T>,
): Controller {
  const type = { apiVersion: k.apiVersion, kind: k.kind };
  const reconcile = async ({ name }: Request): Promise<Result> => {
    const current = o.virtualClasses.get(name);
    const action = decideHostClass(k, o.hostClasses.get(name), current, ctx.names.vclusterName);
    switch (action.type) {
      case 'none':
        return {};
      case 'create':
        await ignoreAlreadyExists(ctx.virtual.create(typed(action.desired)));
        ctx.log.info({ kind: k.kind, name }, 'imported host class');
        return {};
      case 'update': {
        // the current object's identity and resourceVersion; the host's labels, annotations and fields
        const { labels: _labels, annotations: _annotations, ...meta } = current?.metadata ?? {};
        const wanted = action.desired.metadata ?? {};
        await ctx.virtual.update(
          typed({
            ...action.desired,
            metadata: { ...meta, labels: wanted.labels ?? {}, ...(wanted.annotations ? { annotations: wanted.annotations } : {}) },
          }),
        );
        ctx.log.info({ kind: k.kind, name }, 'reverted virtual copy of host class');
        return {};
      }
      case 'delete':
        await ignoreNotFound(
          ctx.virtual.delete(type, { name }, current?.metadata?.uid ? { preconditions: { uid: current.metadata.uid } } : {}),
        );
        ctx.log.info({ kind: k.kind, name }, 'removed imported host class');
        return {};
    }
  };
  const controller = new Controller({ name: k.name, reconciler: { reconcile }, log: ctx.log, workers: 1 });
  const byName = (c: T): void => {
    if (c.metadata?.name) controller.enqueue({ name: c.metadata.name });
  };
  for (const informer of [o.virtualClasses, o.hostClasses])
    informer.addHandlers({ onAdd: byName, onUpdate: (_old, c) => byName(c), onDelete: byName });
  return controller;
}
