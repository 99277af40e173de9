/**
 * PodDisruptionBudgets, virtual → host (vcluster-behavior.md §2.8): minAvailable / maxUnavailable /
 * unhealthyPodEvictionPolicy copied, the selector translated as pod labels are and scoped with
 * `vcluster.loft.sh/namespace=<ns>` and `managed-by=<vc>`, so the host budget counts exactly the host
 * twins of the pods the virtual budget counts (vCluster translates the keys only, which lets a budget
 * count the tenant's pods of every virtual namespace). The status stays the virtual disruption
 * controller's. Pure.
 */
import type { PodDisruptionBudget } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { hostLabelSelector, scopeSelector } from '../../syncer/translate/selectors.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

/** The host copy of a virtual PodDisruptionBudget: `<name>-x-<ns>-x-<vc>`, selector scoped. */
export function toHostPodDisruptionBudget(virtual: PodDisruptionBudget, options: TranslateOptions): PodDisruptionBudget {
  const spec = deepCopy(virtual.spec ?? {});
  // a budget without a selector selects no pod: it stays so
  if (spec.selector) spec.selector = scopeSelector(options.names, hostLabelSelector(options.names, spec.selector), virtual.metadata?.namespace ?? '');
  return compact({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.PodDisruptionBudget),
    spec,
  });
}
