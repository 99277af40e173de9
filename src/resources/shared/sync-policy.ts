/** When a ConfigMap or Secret goes to the host (vcluster-behavior.md §2.8 ConfigMaps / Secrets). */
import type { ObjectMeta } from '../../k8s/types.js';
import { FORCE_SYNC_ANNOTATION } from '../../syncer/translate/constants.js';

export interface ReferencePolicy {
  /** sync.toHost.<kind>.all */
  readonly all: boolean;
  /** Number of synced objects (pods, ingresses) referencing this object, from the mappings store. */
  readonly referencedBy: number;
}

/** Synced while referenced, or when `all` is set, or when annotated force-sync: "true". */
export function shouldSyncReferenced(meta: ObjectMeta | undefined, policy: ReferencePolicy): boolean {
  if (policy.all || policy.referencedBy > 0) return true;
  return meta?.annotations?.[FORCE_SYNC_ANNOTATION] === 'true';
}
