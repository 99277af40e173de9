/**
 * NetworkPolicies, virtual → host (vcluster-behavior.md §2.8 NetworkPolicies). Every tenant pod lives in
 * the one host namespace, so every selector becomes a pod selector there that matches exactly the
 * host twins of the pods it matches in the virtual cluster:
 * - podSelector (the policy's own and a peer's without namespaceSelector): keys translated as pod labels
 *   are, plus `vcluster.loft.sh/namespace=<the policy's namespace>` and `managed-by=<vc>`;
 * - a peer's namespaceSelector: dropped (the host policy's peers stay in its namespace) and folded into
 *   the peer's podSelector: `kubernetes.io/metadata.name` (the namespace's name) becomes the
 *   `vcluster.loft.sh/namespace` label, any other key the ns-label key host pods carry for their virtual
 *   namespace's labels; plus `managed-by=<vc>`;
 * - ipBlock peers, ports and policyTypes kept.
 * Pure.
 */
import type { NetworkPolicy, NetworkPolicyPeer } from '../../k8s/types.js';
import { NAMESPACE_LABEL } from '../../syncer/translate/constants.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { namespaceLabelKey } from '../../syncer/translate/labels.js';
import type { NameContext } from '../../syncer/translate/names.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { hostLabelSelector, scopeSelector, type LabelSelector } from '../../syncer/translate/selectors.js';
import { compact, namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

/** The label every namespace carries with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A namespace selector as a selector on host pod labels (before scoping). */
function namespaceSelectorOnPods(names: NameContext, selector: LabelSelector): LabelSelector {
  const key = (k: string): string => (k === NAMESPACE_NAME_LABEL ? NAMESPACE_LABEL : namespaceLabelKey(names, k));
  const out: LabelSelector = {};
  if (selector.matchLabels !== undefined)
    out.matchLabels = Object.fromEntries(Object.entries(selector.matchLabels).map(([k, v]) => [key(k), v]));
  if (selector.matchExpressions !== undefined)
    out.matchExpressions = selector.matchExpressions.map((e) => ({ ...e, key: key(e.key), ...(e.values ? { values: [...e.values] } : {}) }));
  return out;
}

function merge(a: LabelSelector, b: LabelSelector): LabelSelector {
  const matchLabels = { ...(a.matchLabels ?? {}), ...(b.matchLabels ?? {}) };
  const matchExpressions = [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])];
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** The host pod selector for a selector of pods in `virtualNamespace`. */
export function hostPodSelector(names: NameContext, selector: LabelSelector | undefined, virtualNamespace: string): LabelSelector {
  return scopeSelector(names, hostLabelSelector(names, selector ?? {}), virtualNamespace);
}

/** One peer of an ingress or egress rule, as the host policy names it. */
export function hostPeer(names: NameContext, peer: NetworkPolicyPeer, virtualNamespace: string): NetworkPolicyPeer {
  if (peer.ipBlock !== undefined) return deepCopy(peer);
  if (peer.namespaceSelector === undefined || peer.namespaceSelector === null)
    return { podSelector: hostPodSelector(names, peer.podSelector, virtualNamespace) };
  const pods = hostLabelSelector(names, peer.podSelector ?? {});
  const namespaces = namespaceSelectorOnPods(names, peer.namespaceSelector);
  return { podSelector: scopeSelector(names, merge(pods, namespaces)) };
}

/** The host copy of a virtual NetworkPolicy: `<name>-x-<ns>-x-<vc>`, selectors scoped to the tenant's pods. */
export function toHostNetworkPolicy(virtual: NetworkPolicy, options: TranslateOptions): NetworkPolicy {
  const ns = virtual.metadata?.namespace ?? '';
  const names = options.names;
  const spec = deepCopy(virtual.spec ?? { podSelector: {} });
  spec.podSelector = hostPodSelector(names, spec.podSelector, ns);
  for (const rule of spec.ingress ?? []) if (rule.from) rule.from = rule.from.map((p) => hostPeer(names, p, ns));
  for (const rule of spec.egress ?? []) if (rule.to) rule.to = rule.to.map((p) => hostPeer(names, p, ns));
  return compact({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.NetworkPolicy),
    spec,
  });
}
