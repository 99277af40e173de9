/** NetworkPolicies to the host (opt-in: sync.toHost.networkPolicies), selectors scoped to the tenant's pods. */
import type { NetworkPolicy } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { specSyncer } from '../shared/spec-syncer.js';
import { toHostNetworkPolicy } from './translate.js';

export function createNetworkPolicySyncer(): Syncer<NetworkPolicy> {
  return specSyncer<NetworkPolicy>({ name: 'networkpolicies', gvk: GVK.NetworkPolicy, namespaced: true, toHost: toHostNetworkPolicy });
}
