/**
 * The host's service CIDR, learned the way vCluster does when the config does not name it: ask the
 * apiserver to validate a Service with an impossible ClusterIP (server-side dry run, nothing is
 * created) and read the valid range from its error.
 */
import { VClusterError } from '../lib/errors.js';
import type { KubeClient } from '../k8s/client.js';

/** The CIDR in an apiserver's "The range of valid IPs is 10.96.0.0/12" message. Pure. */
export function parseServiceCidr(message: string): string | undefined {
  return /range of valid IPs is ([0-9a-fA-F.:]+\/\d+)/.exec(message)?.[1];
}

export async function detectServiceCidr(client: KubeClient, namespace = 'default'): Promise<string> {
  const probe = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'vcluster-cidr-probe', namespace },
    spec: { clusterIP: '0.0.0.1', ports: [{ port: 443 }] },
  };
  try {
    await client.create(probe, { dryRun: true });
  } catch (err) {
    const cidr = parseServiceCidr(err instanceof Error ? err.message : String(err));
    if (cidr) return cidr;
    throw new VClusterError('detect the host service CIDR', { cause: err, hint: 'set networking.serviceCIDR in vcluster.yaml' });
  }
  throw new VClusterError('detect the host service CIDR: the probe Service was accepted', { hint: 'set networking.serviceCIDR in vcluster.yaml' });
}
