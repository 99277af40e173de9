/**
 * Registry entry of the RuntimeClass import (sync.fromHost.runtimeClasses), and where the pod syncer
 * reads classes from: the import controller's caches when it runs, else the API.
 */
import type { Config } from '../../config/index.js';
import { Kinds, type RuntimeClass } from '../../k8s/types.js';
import type { SyncerDeps, SyncerEntry } from '../../syncer/engine/registry.js';
import { runtimeClassesController, type RuntimeClassSources } from './syncer.js';

const importEnabled = (config: Config): boolean => config.sync.fromHost.runtimeClasses.enabled;

/** Both factories share one informer per kind: the pod syncer and the import controller read the same caches. */
export function runtimeClassSources(deps: SyncerDeps): RuntimeClassSources {
  const { virtual, host } = deps.ctx;
  return importEnabled(deps.config)
    ? {
        virtual,
        host,
        virtualClasses: deps.virtualInformers.informerFor<RuntimeClass>(Kinds.RuntimeClass),
        hostClasses: deps.hostInformers.informerFor<RuntimeClass>(Kinds.RuntimeClass),
      }
    : { virtual, host };
}

export const RUNTIME_CLASSES_ENTRY: SyncerEntry = {
  name: 'runtimeclasses',
  enabled: importEnabled,
  create: (deps) => ({
    controller: runtimeClassesController(deps.contextFor('runtimeclasses'), {
      virtualClasses: deps.virtualInformers.informerFor<RuntimeClass>(Kinds.RuntimeClass),
      hostClasses: deps.hostInformers.informerFor<RuntimeClass>(Kinds.RuntimeClass),
    }),
  }),
};
