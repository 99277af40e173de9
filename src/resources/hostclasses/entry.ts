/** Registry entries of the class imports (sync.fromHost.<classes>): host classes copied into the virtual cluster, read-only there. */
import { fromHostEnabled, type Config } from '../../config/index.js';
import type { IngressClass, PriorityClass, StorageClass } from '../../k8s/types.js';
import type { SyncerEntry } from '../../syncer/engine/registry.js';
import type { KubeObject } from '../../syncer/types.js';
import { hostClassesController } from './syncer.js';
import { INGRESS_CLASSES, PRIORITY_CLASSES, STORAGE_CLASSES, type HostClassKind } from './translate.js';

function importEntry<T extends KubeObject>(kind: HostClassKind<T>, enabled: (config: Config) => boolean): SyncerEntry {
  return {
    name: `${kind.name} (from host)`,
    enabled,
    create: (deps) => {
      const type = { apiVersion: kind.apiVersion, kind: kind.kind };
      return {
        controller: hostClassesController<T>(deps.contextFor(kind.name), kind, {
          virtualClasses: deps.virtualInformers.informerFor<T>(type),
          hostClasses: deps.hostInformers.informerFor<T>(type),
        }),
      };
    },
  };
}

export const STORAGE_CLASSES_ENTRY = importEntry<StorageClass>(STORAGE_CLASSES, (config) => fromHostEnabled(config, 'storageClasses'));
export const INGRESS_CLASSES_ENTRY = importEntry<IngressClass>(INGRESS_CLASSES, (config) => config.sync.fromHost.ingressClasses.enabled);
export const PRIORITY_CLASSES_ENTRY = importEntry<PriorityClass>(PRIORITY_CLASSES, (config) => config.sync.fromHost.priorityClasses.enabled);
