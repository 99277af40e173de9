/**
 * A virtual cluster's data dir, laid out as vCluster's /data: state.db (+ -wal, -shm), kine.sock, pki/,
 * pids/, logs/, plus our own state.json (ports, phase), config.yaml (the effective vcluster.yaml) and
 * admission-config.yaml (the virtual apiserver's PodSecurity defaults, rewritten at every start).
 * Pure.
 */
import { join } from 'node:path';

export interface DataDir {
  readonly root: string;
  readonly database: string;
  readonly kineSocket: string;
  readonly pkiDir: string;
  readonly pidsDir: string;
  readonly logsDir: string;
  readonly certDir: string;
  readonly adminKubeconfig: string;
  readonly controllerManagerKubeconfig: string;
  readonly configFile: string;
  readonly admissionConfigFile: string;
  readonly hostKubeconfig: string;
  readonly stateFile: string;
  readonly supervisorPidFile: string;
  readonly supervisorLog: string;
}

export function dataDir(root: string): DataDir {
  return {
    root,
    database: join(root, 'state.db'),
    kineSocket: join(root, 'kine.sock'),
    pkiDir: join(root, 'pki'),
    pidsDir: join(root, 'pids'),
    logsDir: join(root, 'logs'),
    certDir: join(root, 'pki', 'serving'),
    adminKubeconfig: join(root, 'pki', 'admin.conf'),
    controllerManagerKubeconfig: join(root, 'pki', 'controller-manager.conf'),
    configFile: join(root, 'config.yaml'),
    admissionConfigFile: join(root, 'admission-config.yaml'),
    hostKubeconfig: join(root, 'host.kubeconfig'),
    stateFile: join(root, 'state.json'),
    supervisorPidFile: join(root, 'pids', 'supervisor.pid'),
    supervisorLog: join(root, 'logs', 'supervisor.log'),
  };
}

/** The first usable IP of a service CIDR (the `kubernetes` Service's ClusterIP), e.g. 10.96.0.1. */
export function firstServiceIp(cidr: string): string {
  const [base] = cidr.split('/');
  const parts = (base ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 CIDR: ${cidr}`);
  }
  const n = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const ip = n + 1;
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}
