/** ServiceAccounts (opt-in), virtual → host. Pure. */
import type { ServiceAccount } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName } from '../../syncer/translate/names.js';
import { namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

/** The host SA: no secrets, no image pull secrets, no token automount. */
export function toHostServiceAccount(virtual: ServiceAccount, options: TranslateOptions): ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.ServiceAccount),
    automountServiceAccountToken: false,
  };
}

/** The SA host pods run as: the translated SA with toHost.serviceAccounts, else `vc-workload-<vc>`. */
export function hostPodServiceAccountName(
  options: TranslateOptions,
  virtualSa: string | undefined,
  virtualNamespace: string,
  serviceAccountsToHost: boolean,
): string {
  if (serviceAccountsToHost) return hostName(options.names, virtualSa || 'default', virtualNamespace);
  return `vc-workload-${options.names.vclusterName}`;
}
