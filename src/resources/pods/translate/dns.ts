/**
 * DNS wiring of host pods (vcluster-behavior.md §2.8 Pods): the virtual cluster's DNS service as
 * nameserver with the virtual namespace's search path, and host aliases for `kubernetes`.
 */
import type { HostAlias, PodDNSConfig, PodSpec } from '../../../syncer/translate/kube-types.js';

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

/** `dnsPolicy: None` + the virtual DNS config merged (deduplicated) with any existing one. */
export function virtualDnsConfig(
  existing: PodDNSConfig | undefined,
  dnsIP: string,
  namespace: string,
  clusterDomain: string,
): PodDNSConfig {
  const ours: Required<Pick<PodDNSConfig, 'nameservers' | 'searches' | 'options'>> = {
    nameservers: [dnsIP],
    searches: [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain],
    options: [{ name: 'ndots', value: '5' }],
  };
  return {
    nameservers: unique([...ours.nameservers, ...(existing?.nameservers ?? [])], (s) => s),
    searches: unique([...ours.searches, ...(existing?.searches ?? [])], (s) => s),
    options: unique([...(existing?.options ?? []), ...ours.options], (o) => o.name ?? ''),
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

/** The host pod's hostname when the virtual pod sets none: name cut to 63, "." → "-", no trailing "-". */
export function defaultHostname(podName: string): string {
  return podName.slice(0, 63).replaceAll('.', '-').replace(/-+$/, '');
}
