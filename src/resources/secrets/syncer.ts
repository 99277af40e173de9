/** Secrets to the host while a synced pod references them (or all, when configured). */
import type { Secret } from '../../k8s/types.js';
import type { MappingIndex } from '../../syncer/mappings/mapping-index.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { referencedSyncer } from '../shared/referenced-syncer.js';
import { SERVICE_ACCOUNT_TOKEN_TYPE, syncSecretData, toHostSecret } from './translate.js';

export function createSecretSyncer(options: {
  all: boolean;
  references: MappingIndex | undefined;
}): Syncer<Secret> {
  return referencedSyncer<Secret>({
    name: 'secrets',
    gvk: GVK.Secret,
    ...options,
    toHost: toHostSecret,
    syncData: syncSecretData,
    // Legacy token Secrets belong to the virtual cluster's own token controller.
    skip: (s) => s.type === SERVICE_ACCOUNT_TOKEN_TYPE,
  });
}
