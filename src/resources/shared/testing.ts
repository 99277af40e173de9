/** Shared values for the resource translate tests. */
import type { TranslateOptions } from './options.js';

export const names = { vclusterName: 'my-vcluster', hostNamespace: 'test-namespace' } as const;
export const owner = { apiVersion: 'v1', kind: 'Service', name: 'my-vcluster', uid: 'svc-uid' } as const;
export const options: TranslateOptions = { names, owner };

/** The identity annotations of a namespaced host object of `kind`. */
export function identity(
  kind: string,
  name: string,
  namespace: string,
  uid?: string,
  group = '',
): Record<string, string> {
  const hostName = `${name}-x-${namespace}-x-my-vcluster`;
  return {
    'vcluster.loft.sh/object-name': name,
    'vcluster.loft.sh/object-namespace': namespace,
    'vcluster.loft.sh/object-uid': uid ?? '',
    'vcluster.loft.sh/object-kind': `${group}/v1, Kind=${kind}`,
    'vcluster.loft.sh/object-host-name': hostName,
    'vcluster.loft.sh/object-host-namespace': 'test-namespace',
  };
}

export function markers(namespace: string): Record<string, string> {
  return { 'vcluster.loft.sh/managed-by': 'my-vcluster', 'vcluster.loft.sh/namespace': namespace };
}

export const ownerRefs = [
  { apiVersion: 'v1', kind: 'Service', name: 'my-vcluster', uid: 'svc-uid', controller: false },
];
