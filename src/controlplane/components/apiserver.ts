import { mergeArgs, type ComponentSpec } from './spec.js';

export interface ApiServerConfig {
  readonly binary: string;
  /** e.g. unix:///data/kine.sock or http://127.0.0.1:2379 */
  readonly etcdServers: string;
  readonly securePort: number;
  readonly serviceCidr: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Absolute paths of the PKI files. */
  readonly pki: {
    readonly clientCa: string;
    readonly servingCert: string;
    readonly servingKey: string;
    readonly frontProxyCa: string;
    readonly frontProxyClientCert: string;
    readonly frontProxyClientKey: string;
    readonly saPub: string;
    readonly saKey: string;
  };
  /** Where the apiserver may write (it never writes /var/run/kubernetes then). */
  readonly certDir: string;
  /** --authorization-mode. @default 'RBAC' (the host) — a vcluster uses 'Node,RBAC' */
  readonly authorizationMode?: string;
  /** An AdmissionConfiguration file (a vcluster's PodSecurity defaults); none for the embedded host. */
  readonly admissionConfigFile?: string;
  readonly extraArgs?: readonly string[];
}

/** kube-apiserver as vCluster's k8s distro runs it, on loopback. */
export function buildApiServer(c: ApiServerConfig): ComponentSpec {
  const domain = c.clusterDomain ?? 'cluster.local';
  const defaults = [
    `--etcd-servers=${c.etcdServers}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${c.securePort}`,
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--service-cluster-ip-range=${c.serviceCidr}`,
    '--allow-privileged=true',
    `--authorization-mode=${c.authorizationMode ?? 'RBAC'}`,
    '--enable-bootstrap-token-auth=true',
    `--client-ca-file=${c.pki.clientCa}`,
    `--tls-cert-file=${c.pki.servingCert}`,
    `--tls-private-key-file=${c.pki.servingKey}`,
    `--proxy-client-cert-file=${c.pki.frontProxyClientCert}`,
    `--proxy-client-key-file=${c.pki.frontProxyClientKey}`,
    '--requestheader-allowed-names=front-proxy-client',
    `--requestheader-client-ca-file=${c.pki.frontProxyCa}`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    `--service-account-issuer=https://kubernetes.default.svc.${domain}`,
    `--service-account-key-file=${c.pki.saPub}`,
    `--service-account-signing-key-file=${c.pki.saKey}`,
    `--cert-dir=${c.certDir}`,
    '--profiling=false',
    ...(c.admissionConfigFile ? [`--admission-control-config-file=${c.admissionConfigFile}`] : []),
  ];
  return {
    name: 'kube-apiserver',
    command: c.binary,
    args: mergeArgs(defaults, c.extraArgs),
    readiness: { kind: 'http', url: `https://127.0.0.1:${c.securePort}/readyz`, caFile: c.pki.clientCa },
    readyTimeoutMs: 180_000,
  };
}
