/** ServiceAccounts to the host (opt-in: sync.toHost.serviceAccounts); synced pods then run as their copies. */
import type { ServiceAccount } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { referencedSyncer } from '../shared/referenced-syncer.js';
import { toHostServiceAccount } from './translate.js';

export function createServiceAccountSyncer(): Syncer<ServiceAccount> {
  return referencedSyncer<ServiceAccount>({
    name: 'serviceaccounts',
    gvk: GVK.ServiceAccount,
    all: true,
    references: undefined,
    toHost: toHostServiceAccount,
    syncData: ({ virtual, host }) => ({ virtual, host }),
  });
}
