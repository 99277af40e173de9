/**
 * Label selector translation (vcluster-behavior.md §1.4): keys pass through hostLabelKey, operators
 * and values are unchanged; namespace selectors become selectors on the ns-label keys; scoping adds
 * the namespace and managed-by markers so a selector only ever matches the tenant's own pods.
 */
import { MARKER_LABEL, NAMESPACE_LABEL, RESERVED_LABEL_KEYS } from './constants.js';
import { hashedLabelKey, namespaceLabelKey } from './labels.js';
import type { NameContext } from './names.js';

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: { [key: string]: string };
  matchExpressions?: LabelSelectorRequirement[];
}

/** Selector keys keep their name unless reserved (a selector may legitimately use any other key). */
function selectorKey(ctx: NameContext, key: string): string {
  return RESERVED_LABEL_KEYS.includes(key) ? hashedLabelKey(ctx, key) : key;
}

function mapSelector(selector: LabelSelector, key: (k: string) => string): LabelSelector {
  const out: LabelSelector = {};
  if (selector.matchLabels !== undefined) {
    out.matchLabels = {};
    for (const [k, v] of Object.entries(selector.matchLabels)) out.matchLabels[key(k)] = v;
  }
  if (selector.matchExpressions !== undefined) {
    out.matchExpressions = selector.matchExpressions.map((e) => ({
      key: key(e.key),
      operator: e.operator,
      ...(e.values === undefined ? {} : { values: [...e.values] }),
    }));
  }
  return out;
}

/** vCluster's HostLabelSelector. */
export function hostLabelSelector(ctx: NameContext, selector: LabelSelector): LabelSelector {
  return mapSelector(selector, (k) => selectorKey(ctx, k));
}

/** vCluster's HostLabelSelectorNamespace: a namespace selector as a pod selector on ns-label keys. */
export function hostNamespaceSelector(ctx: NameContext, selector: LabelSelector): LabelSelector {
  return mapSelector(selector, (k) => namespaceLabelKey(ctx, k));
}

/** Appends managed-by=<vc> and, when given, namespace=<ns> to a (translated) selector. */
export function scopeSelector(
  ctx: NameContext,
  selector: LabelSelector,
  virtualNamespace?: string,
): LabelSelector {
  const matchLabels: { [key: string]: string } = { ...(selector.matchLabels ?? {}) };
  if (virtualNamespace !== undefined) matchLabels[NAMESPACE_LABEL] = virtualNamespace;
  matchLabels[MARKER_LABEL] = ctx.vclusterName;
  return { ...selector, matchLabels };
}

/** Restricts a selector to several virtual namespaces with an `In` expression on the namespace label. */
export function scopeSelectorToNamespaces(
  ctx: NameContext,
  selector: LabelSelector,
  namespaces: readonly string[],
): LabelSelector {
  const scoped = scopeSelector(ctx, selector);
  return {
    ...scoped,
    matchExpressions: [
      ...(scoped.matchExpressions ?? []),
      { key: NAMESPACE_LABEL, operator: 'In', values: [...namespaces] },
    ],
  };
}

/** A selector in the `-l` form of kubectl and the API's labelSelector parameter. */
export function labelSelectorString(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
