/**
 * Renders a kubeconfig for one cluster and one client-certificate user. Pure; callers write the file.
 */
import { stringify } from 'yaml';

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
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const cluster = spec.clusterName ?? 'default';
  const user = spec.userName ?? 'default';
  const context = spec.contextName ?? 'default';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: spec.server, 'certificate-authority-data': b64(spec.caPem) } }],
    users: [
      {
        name: user,
        user: { 'client-certificate-data': b64(spec.clientCertPem), 'client-key-data': b64(spec.clientKeyPem) },
      },
    ],
    contexts: [{ name: context, context: { cluster, user, ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    'current-context': context,
    preferences: {},
  });
}
