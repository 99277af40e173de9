/**
 * Names of a virtual cluster and everything derived from them: validation, the host namespace, the
 * kubeconfig context `vcluster_<name>_<namespace>_<hostContext>`, and the labels of its host objects.
 * Pure.
 */
import { UsageError } from '../lib/errors.js';

/** Room for the `-x-<ns>-x-<name>` and `vc-config-<name>` style names built from it. */
export const MAX_NAME_LENGTH = 52;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateVClusterName(name: string): string {
  if (name.length === 0) throw new UsageError('a vcluster name is required');
  if (name.length > MAX_NAME_LENGTH || !DNS_LABEL.test(name)) {
    throw new UsageError(
      `invalid vcluster name "${name}": must be at most ${MAX_NAME_LENGTH} characters of lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

export function validateNamespace(namespace: string): string {
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new UsageError(`invalid namespace "${namespace}": must be a DNS label (at most 63 lower-case letters, digits and '-')`);
  }
  return namespace;
}

/** vCluster's rule: `-n`, else the context's namespace; empty or `default` → `vcluster-<name>`. */
export function resolveNamespace(name: string, flag: string | undefined, contextNamespace: string | undefined): string {
  const ns = flag ?? contextNamespace ?? '';
  return validateNamespace(ns === '' || ns === 'default' ? `vcluster-${name}` : ns);
}

/** The kubeconfig context of a vcluster: `vcluster_<name>_<namespace>_<hostContext>` (src/k8s/kubeconfig.ts). */
export { vclusterContextName as contextName, parseVclusterContextName as parseContextName } from '../k8s/kubeconfig.js';

/** Labels of the host objects that make up a vcluster (Service, Secrets, ConfigMap). */
export function releaseLabels(name: string): Record<string, string> {
  return { app: 'vcluster', release: name };
}

/** Label marking host objects the syncer created for a vcluster. */
export const MANAGED_BY_LABEL = 'vcluster.loft.sh/managed-by';
/** Annotation on a namespace `vcluster create` made (so `delete` removes it). */
export const CREATED_NAMESPACE_ANNOTATION = 'vcluster.loft.sh/created';
/** Annotations `pause` sets on the vcluster's host Service (vCluster sets them on its StatefulSet). */
export const PAUSED_ANNOTATION = 'loft.sh/paused';
export const PAUSED_DATE_ANNOTATION = 'loft.sh/paused-date';
