/**
 * The components of the embedded host, in start order: etcd → kube-apiserver → kube-controller-manager
 * → kube-scheduler → kwok. Pure.
 */
import type { BinarySet } from '../binaries/locate.js';
import { buildApiServer } from '../controlplane/components/apiserver.js';
import { buildControllerManager } from '../controlplane/components/controller-manager.js';
import { buildEtcd } from '../controlplane/components/etcd.js';
import { buildKwok } from '../controlplane/components/kwok.js';
import { buildScheduler } from '../controlplane/components/scheduler.js';
import type { ComponentSpec } from '../controlplane/components/spec.js';
import { apiServerPkiPaths, controllerManagerPkiPaths } from '../controlplane/pki/layout.js';
import { HOST_POD_CIDR } from './nodes.js';
import { HOST_SERVICE_CIDR, type HostPaths } from './paths.js';
import type { HostPorts } from './state.js';

/** How the apiserver talks to kubelets, and where it advertises itself when real nodes run. */
export interface KubeletAccess {
  readonly clientCert: string;
  readonly clientKey: string;
  /** Where pods reach the apiserver (the relay on node 1's gateway); undefined without real nodes. */
  readonly advertiseAddress?: string;
}

export function hostComponents(bins: Pick<BinarySet, 'path'>, paths: HostPaths, ports: HostPorts, kubelet: KubeletAccess): ComponentSpec[] {
  return [
    buildEtcd({
      binary: bins.path('etcd'),
      dataDir: paths.etcdDir,
      clientPort: ports.etcdClient,
      peerPort: ports.etcdPeer,
      memberName: 'host',
    }),
    buildApiServer({
      binary: bins.path('kube-apiserver'),
      etcdServers: `http://127.0.0.1:${ports.etcdClient}`,
      securePort: ports.apiServer,
      serviceCidr: HOST_SERVICE_CIDR,
      certDir: paths.certDir,
      authorizationMode: 'Node,RBAC',
      pki: apiServerPkiPaths(paths.pkiDir),
      extraArgs: [
        // node addresses are IPs: the apiserver never looks a node name up in DNS
        '--kubelet-preferred-address-types=InternalIP',
        `--kubelet-client-certificate=${kubelet.clientCert}`,
        `--kubelet-client-key=${kubelet.clientKey}`,
        ...(kubelet.advertiseAddress
          ? [`--advertise-address=${kubelet.advertiseAddress}`, '--endpoint-reconciler-type=lease']
          : []),
      ],
    }),
    buildControllerManager({
      binary: bins.path('kube-controller-manager'),
      mode: 'host',
      kubeconfig: paths.controllerManagerKubeconfig,
      securePort: ports.controllerManager,
      serviceCidr: HOST_SERVICE_CIDR,
      certDir: paths.certDir,
      pki: controllerManagerPkiPaths(paths.pkiDir),
    }),
    buildScheduler({
      binary: bins.path('kube-scheduler'),
      kubeconfig: paths.schedulerKubeconfig,
      securePort: ports.scheduler,
      certDir: paths.certDir,
    }),
    buildKwok({
      binary: bins.path('kwok'),
      kubeconfig: paths.adminKubeconfig,
      stagesFile: paths.stagesFile,
      cidr: HOST_POD_CIDR,
      serverPort: ports.kwok,
      nodeIp: '127.0.0.1',
    }),
  ];
}
