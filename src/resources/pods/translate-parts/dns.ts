/**
 * DNS wiring of host pods (vcluster-behavior.md §2.8 Pods): the virtual cluster's DNS service as
 * nameserver with the virtual namespace's search path, and host aliases for `kubernetes`.
 */
import type { HostAlias, PodDNSConfig, PodSpec } from '../../../k8s/types.js';

/** Whether the pod resolves through cluster DNS (and so needs the virtual DNS config). */
export function usesClusterDns(spec: PodSpec): boolean {
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirstWithHostNet') return true;
  return policy === 'ClusterFirst' && spec.hostNetwork !== true;
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The virtual DNS config: nameserver, the virtual namespace's search path and ndots 5, with any
 * existing nameservers and searches appended (deduplicated). Existing options are replaced, as
 * vCluster does.
 */
export function virtualDnsConfig(
  existing: PodDNSConfig | undefined,
  dnsIP: string,
  namespace: string,
  clusterDomain: string,
): PodDNSConfig {
  const searches =
    clusterDomain === '' ? [] : [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
  return {
    nameservers: unique([dnsIP, ...(existing?.nameservers ?? [])], (s) => s),
    searches: unique([...searches, ...(existing?.searches ?? [])], (s) => s),
    options: [{ name: 'ndots', value: '5' }],
  };
}

/** Host aliases so `kubernetes[.default[.svc[.<domain>]]]` resolve to the vcluster's Service. */
export function kubernetesHostAlias(kubeIP: string, clusterDomain: string): HostAlias {
  return {
    ip: kubeIP,
    hostnames: [
      `kubernetes.default.svc.${clusterDomain}`,
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
    ],
  };
}

/** The host pod's hostname when the virtual pod sets none: name cut to 63, "." → "-", one trailing "-" trimmed. */
export function defaultHostname(podName: string): string {
  const name = podName.slice(0, 63).replaceAll('.', '-');
  return name.endsWith('-') ? name.slice(0, -1) : name;
}
