/**
 * Scheduling fields on the host pod: pod (anti-)affinity and topology-spread selectors translated
 * and scoped to the tenant so they only ever match the tenant's own pods; enforced tolerations.
 */
import type {
  Affinity,
  PodAffinityTerm,
  Toleration,
  TopologySpreadConstraint,
} from '../../../k8s/types.js';
import { hostLabelKey } from '../../../syncer/translate/labels.js';
import type { NameContext } from '../../../syncer/translate/names.js';
import { deepCopy } from '../../../syncer/translate/object.js';
import {
  hostLabelSelector,
  hostNamespaceSelector,
  scopeSelector,
  scopeSelectorToNamespaces,
  type LabelSelector,
} from '../../../syncer/translate/selectors.js';

function mergeSelectors(a: LabelSelector, b: LabelSelector): LabelSelector {
  const out: LabelSelector = {};
  const matchLabels = { ...(a.matchLabels ?? {}), ...(b.matchLabels ?? {}) };
  if (Object.keys(matchLabels).length > 0) out.matchLabels = matchLabels;
  const matchExpressions = [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])];
  if (matchExpressions.length > 0) out.matchExpressions = matchExpressions;
  return out;
}

/** A pod affinity term restricted to the tenant's pods in the host namespace. */
export function hostAffinityTerm(
  names: NameContext,
  term: PodAffinityTerm,
  podNamespace: string,
): PodAffinityTerm {
  const out = deepCopy(term);
  delete out.namespaces;
  delete out.namespaceSelector;
  if (out.matchLabelKeys) out.matchLabelKeys = out.matchLabelKeys.map((k) => hostLabelKey(names, k) ?? k);
  if (out.mismatchLabelKeys)
    out.mismatchLabelKeys = out.mismatchLabelKeys.map((k) => hostLabelKey(names, k) ?? k);
  if (term.labelSelector === undefined) return out; // a null selector matches nothing: nothing to scope
  const selector = hostLabelSelector(names, term.labelSelector);
  const nsSelector = term.namespaceSelector;
  const nsSelectorEmpty =
    nsSelector !== undefined &&
    nsSelector !== null &&
    (nsSelector.matchLabels === undefined || Object.keys(nsSelector.matchLabels).length === 0) &&
    (nsSelector.matchExpressions ?? []).length === 0;
  if (term.namespaces !== undefined && term.namespaces.length > 0) {
    // An empty namespaceSelector matches every namespace, which makes the list moot; a non-empty
    // one cannot be combined with the list in one selector (OR vs AND) and is ignored, as vCluster does.
    out.labelSelector = nsSelectorEmpty
      ? scopeSelector(names, selector)
      : scopeSelectorToNamespaces(names, selector, term.namespaces);
  } else if (term.namespaceSelector !== undefined && term.namespaceSelector !== null) {
    out.labelSelector = scopeSelector(
      names,
      mergeSelectors(selector, hostNamespaceSelector(names, term.namespaceSelector)),
    );
  } else {
    out.labelSelector = scopeSelector(names, selector, podNamespace);
  }
  return out;
}

export function hostAffinity(
  names: NameContext,
  affinity: Affinity | undefined,
  podNamespace: string,
): Affinity | undefined {
  if (affinity === undefined) return undefined;
  const out = deepCopy(affinity);
  for (const key of ['podAffinity', 'podAntiAffinity'] as const) {
    const section = out[key];
    if (section === undefined) continue;
    if (section.requiredDuringSchedulingIgnoredDuringExecution) {
      section.requiredDuringSchedulingIgnoredDuringExecution =
        section.requiredDuringSchedulingIgnoredDuringExecution.map((t) =>
          hostAffinityTerm(names, t, podNamespace),
        );
    }
    if (section.preferredDuringSchedulingIgnoredDuringExecution) {
      section.preferredDuringSchedulingIgnoredDuringExecution =
        section.preferredDuringSchedulingIgnoredDuringExecution.map((w) => ({
          ...w,
          podAffinityTerm: hostAffinityTerm(names, w.podAffinityTerm, podNamespace),
        }));
    }
  }
  return out;
}

export function hostTopologySpread(
  names: NameContext,
  constraints: readonly TopologySpreadConstraint[],
  podNamespace: string,
): TopologySpreadConstraint[] {
  return constraints.map((c) => {
    const out = deepCopy(c);
    if (c.labelSelector !== undefined)
      out.labelSelector = scopeSelector(names, hostLabelSelector(names, c.labelSelector), podNamespace);
    if (out.matchLabelKeys) out.matchLabelKeys = out.matchLabelKeys.map((k) => hostLabelKey(names, k) ?? k);
    return out;
  });
}

/**
 * Parses an enforced toleration written like a kubectl taint: `*`, `key`, `key=value`,
 * `key:Effect`, `key=value:Effect`. Returns undefined for an empty string.
 */
export function parseToleration(text: string): Toleration | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed === '*') return { operator: 'Exists' };
  const colon = trimmed.lastIndexOf(':');
  const keyValue = colon >= 0 ? trimmed.slice(0, colon) : trimmed;
  const effect = colon >= 0 ? trimmed.slice(colon + 1) : undefined;
  const eq = keyValue.indexOf('=');
  const out: Toleration =
    eq >= 0
      ? { key: keyValue.slice(0, eq), operator: 'Equal', value: keyValue.slice(eq + 1) }
      : { key: keyValue, operator: 'Exists' };
  if (effect) out.effect = effect;
  return out;
}

function tolerationKey(t: Toleration): string {
  return JSON.stringify([
    t.key ?? '',
    t.operator ?? '',
    t.value ?? '',
    t.effect ?? '',
    t.tolerationSeconds ?? null,
  ]);
}

/** Tolerations without duplicates, first occurrence kept. */
export function mergeTolerations(...lists: readonly (readonly Toleration[] | undefined)[]): Toleration[] {
  const seen = new Set<string>();
  const out: Toleration[] = [];
  for (const list of lists) {
    for (const t of list ?? []) {
      const k = tolerationKey(t);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(deepCopy(t));
    }
  }
  return out;
}
