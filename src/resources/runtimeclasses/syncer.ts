/**
 * RuntimeClasses, host → virtual (sync.fromHost.runtimeClasses): a controller keyed by class name that
 * keeps a virtual copy of every host class and removes copies whose host class is gone; classes the
 * tenant made are never touched. Also the lookup the pod syncer uses to pick the host class a tenant
 * pod runs with (translate.ts, hostRuntimeClassFor).
 */
import type { KubeClient } from '../../k8s/client.js';
import { ignoreAlreadyExists, ignoreNotFound, isForbidden } from '../../k8s/errors.js';
import type { Informer } from '../../k8s/informer.js';
import { Kinds, type RuntimeClass, type TypedObject } from '../../k8s/types.js';
import { Controller } from '../../runtime/controller.js';
import type { Request, Result } from '../../runtime/reconcile.js';
import type { SyncContext } from '../../syncer/types.js';
import { decideRuntimeClass, hostRuntimeClassFor } from './translate.js';

export interface RuntimeClassesControllerOptions {
  readonly virtualClasses: Informer<RuntimeClass>;
  readonly hostClasses: Informer<RuntimeClass>;
}

const typed = (c: RuntimeClass): RuntimeClass & TypedObject => c as RuntimeClass & TypedObject;

export function runtimeClassesController(ctx: SyncContext, o: RuntimeClassesControllerOptions): Controller {
  const reconcile = async ({ name }: Request): Promise<Result> => {
    const current = o.virtualClasses.get(name);
    const action = decideRuntimeClass(o.hostClasses.get(name), current, ctx.names.vclusterName);
    switch (action.type) {
      case 'none':
        return {};
      case 'create':
        await ignoreAlreadyExists(ctx.virtual.create(typed(action.desired)));
        ctx.log.info({ runtimeClass: name }, 'imported host runtime class');
        return {};
      case 'update': {
        // the current object's identity and resourceVersion, the host's labels, annotations and spec
        const { annotations: _dropped, ...meta } = current?.metadata ?? {};
        const wanted = action.desired.metadata ?? {};
        await ctx.virtual.update(
          typed({
            ...action.desired,
            metadata: { ...meta, labels: wanted.labels ?? {}, ...(wanted.annotations ? { annotations: wanted.annotations } : {}) },
          }),
        );
        return {};
      }
      case 'delete':
        await ignoreNotFound(
          ctx.virtual.delete(Kinds.RuntimeClass, { name }, current?.metadata?.uid ? { preconditions: { uid: current.metadata.uid } } : {}),
        );
        ctx.log.info({ runtimeClass: name }, 'removed imported runtime class');
        return {};
    }
  };
  const controller = new Controller({ name: 'runtimeclasses', reconciler: { reconcile }, log: ctx.log, workers: 1 });
  const byName = (c: RuntimeClass): void => {
    if (c.metadata?.name) controller.enqueue({ name: c.metadata.name });
  };
  for (const informer of [o.virtualClasses, o.hostClasses])
    informer.addHandlers({ onAdd: byName, onUpdate: (_old, c) => byName(c), onDelete: byName });
  return controller;
}

/** Where the pod syncer reads classes from: the import controller's caches when it runs, else the API. */
export interface RuntimeClassSources {
  readonly virtual: KubeClient;
  readonly host: KubeClient;
  readonly hostClasses?: Informer<RuntimeClass>;
  readonly virtualClasses?: Informer<RuntimeClass>;
}

/**
 * The host RuntimeClass for a tenant pod's class (undefined: none, the host's default runtime). A host
 * that does not let us read its classes keeps the name as it is, and the host's admission decides.
 */
export async function resolveHostRuntimeClass(src: RuntimeClassSources, virtualName: string): Promise<string | undefined> {
  const virtualClass = src.virtualClasses
    ? src.virtualClasses.get(virtualName)
    : await ignoreNotFound(src.virtual.get<RuntimeClass>(Kinds.RuntimeClass, { name: virtualName }));
  let hostClasses: readonly RuntimeClass[];
  try {
    hostClasses = src.hostClasses ? src.hostClasses.list() : (await src.host.list<RuntimeClass>(Kinds.RuntimeClass)).items;
  } catch (err) {
    if (isForbidden(err)) return virtualName;
    throw err;
  }
  return hostRuntimeClassFor(virtualName, virtualClass, hostClasses);
}
