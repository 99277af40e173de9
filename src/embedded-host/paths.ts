/** The embedded host's data dir layout. Pure. */
import { join } from 'node:path';
import type { PkiSpec } from '../controlplane/pki/layout.js';

export interface HostPaths {
  readonly dataDir: string;
  readonly pkiDir: string;
  readonly etcdDir: string;
  readonly pidsDir: string;
  readonly logsDir: string;
  readonly certDir: string;
  /** Admin kubeconfig (also what kwok, kcm and the scheduler use). */
  readonly adminKubeconfig: string;
  readonly controllerManagerKubeconfig: string;
  readonly schedulerKubeconfig: string;
  readonly stagesFile: string;
  readonly stateFile: string;
  readonly supervisorPidFile: string;
  readonly supervisorLog: string;
  /** Locally built image archives the real nodes load at start. */
  readonly imagesDir: string;
}

export function hostPaths(dataDir: string): HostPaths {
  return {
    dataDir,
    pkiDir: join(dataDir, 'pki'),
    etcdDir: join(dataDir, 'etcd'),
    pidsDir: join(dataDir, 'pids'),
    logsDir: join(dataDir, 'logs'),
    certDir: join(dataDir, 'certs'),
    adminKubeconfig: join(dataDir, 'pki', 'admin.conf'),
    controllerManagerKubeconfig: join(dataDir, 'pki', 'controller-manager.conf'),
    schedulerKubeconfig: join(dataDir, 'pki', 'scheduler.conf'),
    stagesFile: join(dataDir, 'kwok-stages.yaml'),
    stateFile: join(dataDir, 'state.json'),
    supervisorPidFile: join(dataDir, 'pids', 'supervisor.pid'),
    supervisorLog: join(dataDir, 'logs', 'supervisor.log'),
    imagesDir: join(dataDir, 'images'),
  };
}

/** The kubeconfig context (and cluster and user entry) name of the embedded host. */
export const HOST_CONTEXT = 'vcluster-host';
export const HOST_SERVICE_CIDR = '10.96.0.0/12';
export const HOST_SERVICE_IP = '10.96.0.1';

/** The host's PKI: `host up` issues it, so the long-running `host serve` only reads it back. */
export const HOST_PKI_SPEC: PkiSpec = {
  name: 'host',
  clusterDomain: 'cluster.local',
  serviceIp: HOST_SERVICE_IP,
};
