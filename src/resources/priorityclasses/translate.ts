/**
 * PriorityClasses, virtual → host (sync.toHost.priorityClasses; vcluster-behavior.md §1.2, §2.8): the
 * cluster-scoped host class `vcluster-<name>-x-<host ns>-x-<vc>` (labelled managed-by=<host ns>-x-<vc>),
 * `value` capped at 1e9 (higher values are reserved for the system classes), never the host's global
 * default; description and preemptionPolicy copied. The built-in `system-*` classes are the host's own
 * and never synced; pods naming a class get the translated name (pods/translate.ts). Pure.
 */
import type { PriorityClass } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostMetadata } from '../../syncer/translate/metadata.js';
import { hostNameCluster } from '../../syncer/translate/names.js';
import { compact, type TranslateOptions } from '../shared/options.js';

/** The highest value a user-defined PriorityClass may have. */
export const MAX_USER_PRIORITY = 1_000_000_000;

/** Names the API server reserves for its own classes (system-node-critical, system-cluster-critical). */
export function isSystemPriorityClass(name: string): boolean {
  return name.startsWith('system-');
}

/** The host copy of a virtual PriorityClass. */
export function toHostPriorityClass(virtual: PriorityClass, options: TranslateOptions): PriorityClass {
  const name = hostNameCluster(options.names, virtual.metadata?.name ?? '');
  return compact({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: hostMetadata(options.names, { ...(virtual.metadata ?? {}), namespace: '' }, { gvk: GVK.PriorityClass, host: { name, namespace: '' } }),
    value: Math.min(virtual.value, MAX_USER_PRIORITY),
    globalDefault: false,
    description: virtual.description,
    preemptionPolicy: virtual.preemptionPolicy,
  });
}
