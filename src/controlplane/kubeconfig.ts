/**
 * Renders a kubeconfig for one cluster and one client-certificate user. Pure; callers write the file.
 */
import { addContext, certificateContext, emptyKubeconfig, stringifyKubeconfig } from '../k8s/kubeconfig.js';

export interface KubeconfigSpec {
  readonly server: string;
  readonly caPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** Names of the cluster, user and context entries. @default 'default' for each */
  readonly clusterName?: string;
  readonly userName?: string;
  readonly contextName?: string;
  /** The namespace of the context. */
  readonly namespace?: string;
  /** Verify the server certificate against this name (the URL's host is not among its SANs). */
  readonly tlsServerName?: string;
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const entry = certificateContext(spec.contextName ?? 'default', {
    server: spec.server,
    caPem: spec.caPem,
    certPem: spec.clientCertPem,
    keyPem: spec.clientKeyPem,
    ...(spec.namespace ? { namespace: spec.namespace } : {}),
    ...(spec.tlsServerName ? { tlsServerName: spec.tlsServerName } : {}),
  });
  const kc = addContext(emptyKubeconfig(), { ...entry, clusterName: spec.clusterName ?? 'default', userName: spec.userName ?? 'default' }, { makeCurrent: true });
  return stringifyKubeconfig(kc);
}
