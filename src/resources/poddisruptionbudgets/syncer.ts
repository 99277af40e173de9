/** PodDisruptionBudgets to the host (opt-in: sync.toHost.podDisruptionBudgets). */
import type { PodDisruptionBudget } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { specSyncer } from '../shared/spec-syncer.js';
import { toHostPodDisruptionBudget } from './translate.js';

export function createPodDisruptionBudgetSyncer(): Syncer<PodDisruptionBudget> {
  return specSyncer<PodDisruptionBudget>({
    name: 'poddisruptionbudgets',
    gvk: GVK.PodDisruptionBudget,
    namespaced: true,
    toHost: toHostPodDisruptionBudget,
  });
}
