/**
 * Run by `vcluster start` once the virtual API serves: writes Secret vc-<name> (the admin kubeconfig,
 * keys config / certificate-authority / client-certificate / client-key) into the host namespace.
 */
import { renderKubeconfig } from '../controlplane/kubeconfig.js';
import type { ReadyControlPlane } from '../controlplane/start.js';
import { openKubeClient } from '../k8s/client.js';
import { applyToHost } from './host-access.js';
import { kubeconfigSecret } from './host-objects.js';

export function adminKubeconfigText(ready: Pick<ReadyControlPlane, 'pki' | 'state'>, contextName: string): string {
  return renderKubeconfig({
    server: `https://127.0.0.1:${ready.state.ports.apiServer}`,
    caPem: ready.pki.ca.cert,
    clientCertPem: ready.pki.leaves.admin.cert,
    clientKeyPem: ready.pki.leaves.admin.key,
    clusterName: contextName,
    userName: contextName,
    contextName,
  });
}

export async function publishKubeconfig(ready: ReadyControlPlane): Promise<void> {
  const { name, namespace } = ready.state;
  const secret = kubeconfigSecret(name, namespace, {
    kubeconfig: adminKubeconfigText(ready, `vcluster_${name}`),
    caPem: ready.pki.ca.cert,
    clientCertPem: ready.pki.leaves.admin.cert,
    clientKeyPem: ready.pki.leaves.admin.key,
  });
  const host = await openKubeClient({ kubeconfigPath: ready.dir.hostKubeconfig });
  try {
    await applyToHost(host, [secret]);
  } finally {
    host.close();
  }
  ready.log.info({ secret: `vc-${name}` }, 'published kubeconfig secret');
}
