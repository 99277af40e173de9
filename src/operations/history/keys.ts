/**
 * From what a user types (`configmap/web`, `cm/team-a/web`, `deployments.apps/web`) to the kine keys
 * the kube-apiserver stores that object under, and the API path that reads it back. Pure.
 */
import { UsageError } from '../../lib/errors.js';

export interface ObjectTarget {
  /** Plural, lower-case resource, e.g. configmaps. */
  readonly resource: string;
  /** API group; '' for the core group. */
  readonly group: string;
  /** Virtual namespace; used only when the resource is namespaced. */
  readonly namespace: string;
  readonly name: string;
}

/** Aliases and kinds of the built-in resources, and where the apiserver stores the ones stored elsewhere. */
const BUILTIN: Readonly<Record<string, { resource: string; group: string; storedAs?: string }>> = {
  cm: { resource: 'configmaps', group: '' },
  configmap: { resource: 'configmaps', group: '' },
  secret: { resource: 'secrets', group: '' },
  po: { resource: 'pods', group: '' },
  pod: { resource: 'pods', group: '' },
  svc: { resource: 'services', group: '', storedAs: 'services/specs' },
  service: { resource: 'services', group: '', storedAs: 'services/specs' },
  services: { resource: 'services', group: '', storedAs: 'services/specs' },
  ep: { resource: 'endpoints', group: '', storedAs: 'services/endpoints' },
  endpoints: { resource: 'endpoints', group: '', storedAs: 'services/endpoints' },
  ns: { resource: 'namespaces', group: '' },
  namespace: { resource: 'namespaces', group: '' },
  sa: { resource: 'serviceaccounts', group: '' },
  serviceaccount: { resource: 'serviceaccounts', group: '' },
  pvc: { resource: 'persistentvolumeclaims', group: '' },
  persistentvolumeclaim: { resource: 'persistentvolumeclaims', group: '' },
  pv: { resource: 'persistentvolumes', group: '' },
  persistentvolume: { resource: 'persistentvolumes', group: '' },
  no: { resource: 'nodes', group: '', storedAs: 'minions' },
  node: { resource: 'nodes', group: '', storedAs: 'minions' },
  nodes: { resource: 'nodes', group: '', storedAs: 'minions' },
  ev: { resource: 'events', group: '' },
  event: { resource: 'events', group: '' },
  deploy: { resource: 'deployments', group: 'apps' },
  deployment: { resource: 'deployments', group: 'apps' },
  deployments: { resource: 'deployments', group: 'apps' },
  rs: { resource: 'replicasets', group: 'apps' },
  replicaset: { resource: 'replicasets', group: 'apps' },
  replicasets: { resource: 'replicasets', group: 'apps' },
  sts: { resource: 'statefulsets', group: 'apps' },
  statefulset: { resource: 'statefulsets', group: 'apps' },
  statefulsets: { resource: 'statefulsets', group: 'apps' },
  ds: { resource: 'daemonsets', group: 'apps' },
  daemonset: { resource: 'daemonsets', group: 'apps' },
  daemonsets: { resource: 'daemonsets', group: 'apps' },
  job: { resource: 'jobs', group: 'batch' },
  jobs: { resource: 'jobs', group: 'batch' },
  cronjob: { resource: 'cronjobs', group: 'batch' },
  cronjobs: { resource: 'cronjobs', group: 'batch' },
  ing: { resource: 'ingresses', group: 'networking.k8s.io', storedAs: 'ingress' },
  ingress: { resource: 'ingresses', group: 'networking.k8s.io', storedAs: 'ingress' },
  ingresses: { resource: 'ingresses', group: 'networking.k8s.io', storedAs: 'ingress' },
};

function plural(word: string): string {
  if (word.endsWith('s')) return word;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * `<resource>/<name>` or `<resource>/<namespace>/<name>`; `<resource>` is a kind, plural or short name,
 * optionally `.group` (deployments.apps). `defaultNamespace` applies to the two-part form.
 */
export function parseObjectArg(arg: string, defaultNamespace: string): ObjectTarget {
  const parts = arg.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new UsageError(`invalid object "${arg}": want <kind>/<name> or <kind>/<namespace>/<name> (e.g. configmap/web, cm/team-a/web, deployments.apps/web)`);
  }
  const [kindPart, a, b] = parts as [string, string, string | undefined];
  const [namespace, name] = b === undefined ? [defaultNamespace, a] : [a, b];
  for (const [what, v] of [['name', name], ['namespace', namespace]] as const) {
    if (!NAME.test(v)) throw new UsageError(`invalid ${what} "${v}" in "${arg}"`);
  }
  const lower = kindPart.toLowerCase();
  const dot = lower.indexOf('.');
  const base = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  const builtin = BUILTIN[base] ?? BUILTIN[plural(base)];
  if (builtin && (group === undefined || group === builtin.group)) return { resource: builtin.resource, group: builtin.group, namespace, name };
  return { resource: plural(base), group: group ?? '', namespace, name };
}

/** The keys the object may live under: namespaced first, then cluster-scoped. */
export function candidateKeys(t: ObjectTarget): string[] {
  const builtin = Object.values(BUILTIN).find((b) => b.resource === t.resource && b.group === t.group);
  const stems = [...new Set([builtin?.storedAs ?? t.resource, ...(t.group ? [`${t.group}/${t.resource}`] : [])])];
  return [...stems.map((s) => `/registry/${s}/${t.namespace}/${t.name}`), ...stems.map((s) => `/registry/${s}/${t.name}`)];
}

/** Whether a key found by candidateKeys is the namespaced form. */
export function isNamespacedKey(key: string, t: ObjectTarget): boolean {
  return key.endsWith(`/${t.namespace}/${t.name}`);
}

/** The list path that reads the object back at a revision (field selector on its name). */
export function listPath(t: ObjectTarget, version: string, namespaced: boolean): string {
  const base = t.group ? `/apis/${t.group}/${version}` : `/api/${version}`;
  return `${base}${namespaced ? `/namespaces/${encodeURIComponent(t.namespace)}` : ''}/${t.resource}`;
}
