/**
 * The components of a virtual cluster's control plane, in start order: kine (embedded SQLite or an external PostgreSQL database) →
 * kube-apiserver → kube-controller-manager; and the spec of its PKI. Pure.
 */
import type { BinarySet } from '../binaries/locate.js';
import { backingStoreOf, policiesOf, type Config } from '../config/index.js';
import { renderAdmissionConfig } from './components/admission-config.js';
import { buildApiServer } from './components/apiserver.js';
import { buildControllerManager } from './components/controller-manager.js';
import { buildKine } from './components/kine.js';
import { RESTART_ON_FAILURE, type ComponentSpec } from './components/spec.js';
import { firstServiceIp, type DataDir } from './datadir.js';
import { apiServerPkiPaths, controllerManagerPkiPaths, kubeletClientPkiPaths, type PkiSpec } from './pki/layout.js';

export interface ControlPlanePorts {
  readonly apiServer: number;
  readonly controllerManager: number;
}

export interface PlanInput {
  readonly binaries: Pick<BinarySet, 'path'>;
  readonly cliArgv: readonly string[];
  readonly dir: DataDir;
  readonly config: Config;
  readonly ports: ControlPlanePorts;
  readonly serviceCidr: string;
  /** --bind-address of the virtual kube-apiserver. @default 127.0.0.1 */
  readonly bindAddress?: string;
}

export function controlPlaneComponents(p: PlanInput): ComponentSpec[] {
  const store = backingStoreOf(p.config);
  const specs: ComponentSpec[] = [];
  let etcdServers: string;
  const etcdTls: string[] = [];
  switch (store.type) {
    case 'embedded-database':
      specs.push(buildKine({ cliArgv: p.cliArgv, database: p.dir.database, socket: p.dir.kineSocket, durability: store.durability }));
      etcdServers = `unix://${p.dir.kineSocket}`;
      break;
    case 'external-etcd':
      etcdServers = store.endpoint;
      if (store.tls.caFile) etcdTls.push(`--etcd-cafile=${store.tls.caFile}`);
      if (store.tls.certFile) etcdTls.push(`--etcd-certfile=${store.tls.certFile}`);
      if (store.tls.keyFile) etcdTls.push(`--etcd-keyfile=${store.tls.keyFile}`);
      break;
    case 'external-database':
      // the same kine on the same socket, its log in the external PostgreSQL database
      specs.push(buildKine({ cliArgv: p.cliArgv, database: p.dir.database, endpoint: store.dataSource, socket: p.dir.kineSocket }));
      etcdServers = `unix://${p.dir.kineSocket}`;
      break;
  }
  const k8s = p.config.controlPlane.distro.k8s;
  specs.push(
    buildApiServer({
      binary: p.binaries.path('kube-apiserver'),
      etcdServers,
      securePort: p.ports.apiServer,
      serviceCidr: p.serviceCidr,
      clusterDomain: p.config.networking.advanced.clusterDomain,
      certDir: p.dir.certDir,
      authorizationMode: 'Node,RBAC',
      // written by start.ts from policies.podSecurityStandard (admissionConfigOf)
      admissionConfigFile: p.dir.admissionConfigFile,
      pki: apiServerPkiPaths(p.dir.pkiDir),
      extraArgs: [
        ...(p.bindAddress ? [`--bind-address=${p.bindAddress}`] : []),
        ...etcdTls,
        // virtual nodes advertise the syncer's kubelet proxy by IP (never a name to look up in DNS),
        // which accepts only this client certificate; it serves on loopback beside the apiserver
        '--kubelet-preferred-address-types=InternalIP',
        `--kubelet-client-certificate=${kubeletClientPkiPaths(p.dir.pkiDir).cert}`,
        `--kubelet-client-key=${kubeletClientPkiPaths(p.dir.pkiDir).key}`,
        ...k8s.apiServer.extraArgs,
      ],
    }),
    buildControllerManager({
      binary: p.binaries.path('kube-controller-manager'),
      mode: 'virtual',
      kubeconfig: p.dir.controllerManagerKubeconfig,
      securePort: p.ports.controllerManager,
      serviceCidr: p.serviceCidr,
      certDir: p.dir.certDir,
      pki: controllerManagerPkiPaths(p.dir.pkiDir),
      extraArgs: k8s.controllerManager.extraArgs,
    }),
  );
  // a dead kine, kube-apiserver or kube-controller-manager is started again (kube-apiserver and the
  // syncer reconnect by themselves), so the vcluster heals instead of failing
  return specs.map((spec) => ({ ...spec, restart: RESTART_ON_FAILURE }));
}

/** The file the virtual kube-apiserver reads its admission config from, and its text. */
export function admissionConfigOf(dir: DataDir, config: Config): { readonly path: string; readonly text: string } {
  return { path: dir.admissionConfigFile, text: renderAdmissionConfig(policiesOf(config).podSecurityStandard) };
}

/**
 * The PKI of a virtual cluster: `vcluster create` issues it (so the long-running `vcluster start`
 * only reads it back, without loading the issuing code), and start re-checks it.
 */
export function virtualClusterPkiSpec(name: string, serviceCidr: string, config: Config): PkiSpec {
  return {
    name,
    clusterDomain: config.networking.advanced.clusterDomain,
    serviceIp: firstServiceIp(serviceCidr),
    extraSans: config.controlPlane.proxy.extraSANs,
  };
}
