import { kubeconfigServingArgs, mergeArgs, type ComponentSpec } from './spec.js';

/**
 * 'virtual': vCluster's list — no kubelets, so node IPAM/lifecycle, PV binding/expansion, attach/detach,
 * cloud node lifecycle and TTL are off. 'host': the simulated host keeps node lifecycle (kwok heartbeats).
 */
export type ControllerManagerMode = 'virtual' | 'host';

export const VIRTUAL_CONTROLLERS =
  '*,-nodeipam,-nodelifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-cloud-node-lifecycle,-ttl';
export const HOST_CONTROLLERS = '*,-nodeipam,-cloud-node-lifecycle,-ttl';

export interface ControllerManagerConfig {
  readonly binary: string;
  readonly mode: ControllerManagerMode;
  /** Path of the controller-manager kubeconfig. */
  readonly kubeconfig: string;
  readonly securePort: number;
  readonly serviceCidr: string;
  readonly pki: {
    readonly clientCa: string;
    readonly serverCa: string;
    readonly serverCaKey: string;
    readonly frontProxyCa: string;
    readonly saKey: string;
  };
  readonly certDir: string;
  readonly extraArgs?: readonly string[];
}

export function buildControllerManager(c: ControllerManagerConfig): ComponentSpec {
  const defaults = [
    ...kubeconfigServingArgs(c.kubeconfig, c.securePort, c.certDir),
    `--service-cluster-ip-range=${c.serviceCidr}`,
    `--client-ca-file=${c.pki.clientCa}`,
    `--requestheader-client-ca-file=${c.pki.frontProxyCa}`,
    `--root-ca-file=${c.pki.serverCa}`,
    `--service-account-private-key-file=${c.pki.saKey}`,
    `--cluster-signing-cert-file=${c.pki.serverCa}`,
    `--cluster-signing-key-file=${c.pki.serverCaKey}`,
    '--cluster-name=kubernetes',
    '--use-service-account-credentials=true',
    '--leader-elect=false',
    // client-go's defaults (20 QPS, burst 30) throttle the ~35 controllers' start-up (each gets its own
    // ServiceAccount and token before any informer runs): ~4 s before default/default exists. The API
    // server serves only this controller manager and the syncer; extraArgs can set other values.
    '--kube-api-qps=100',
    '--kube-api-burst=200',
    ...(c.mode === 'virtual'
      ? [
          `--controllers=${VIRTUAL_CONTROLLERS}`,
          '--node-monitor-grace-period=180s',
          '--node-monitor-period=30s',
          '--pvclaimbinder-sync-period=60s',
          '--horizontal-pod-autoscaler-sync-period=60s',
        ]
      : [`--controllers=${HOST_CONTROLLERS}`, '--node-monitor-grace-period=40s', '--node-monitor-period=5s']),
  ];
  return {
    name: 'kube-controller-manager',
    command: c.binary,
    args: mergeArgs(defaults, c.extraArgs),
    readiness: { kind: 'http', url: `https://127.0.0.1:${c.securePort}/healthz`, insecure: true },
  };
}
