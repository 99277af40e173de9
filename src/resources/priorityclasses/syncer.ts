/** PriorityClasses to the host (opt-in: sync.toHost.priorityClasses), under cluster-scoped translated names. */
import type { PriorityClass } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { specSyncer } from '../shared/spec-syncer.js';
import { isSystemPriorityClass, toHostPriorityClass } from './translate.js';

export function createPriorityClassSyncer(): Syncer<PriorityClass> {
  return specSyncer<PriorityClass>({
    name: 'priorityclasses',
    gvk: GVK.PriorityClass,
    namespaced: false,
    toHost: toHostPriorityClass,
    skip: (virtual) => isSystemPriorityClass(virtual.metadata?.name ?? ''),
  });
}
