/** ConfigMaps to the host while a synced pod references them (or all, when configured). */
import type { ConfigMap } from '../../k8s/types.js';
import type { MappingIndex } from '../../syncer/mappings/mapping-index.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { referencedSyncer } from '../shared/referenced-syncer.js';
import { syncConfigMapData, toHostConfigMap } from './translate.js';

export function createConfigMapSyncer(options: {
  all: boolean;
  references: MappingIndex | undefined;
}): Syncer<ConfigMap> {
  return referencedSyncer<ConfigMap>({
    name: 'configmaps',
    gvk: GVK.ConfigMap,
    ...options,
    toHost: toHostConfigMap,
    syncData: syncConfigMapData,
  });
}
