/**
 * Where a real node of the embedded host keeps everything, and its addresses. Pure.
 *
 * Node i (1-based) of a host lives in <host data>/nodes/node-<i>/ and in namespaces the project
 * creates: its own network namespace, joined to the root namespace by a veth pair on the /30
 * 10.201.<slot>.<4(i-1)>: the root side (gateway) is .1, the node side .2. <slot> comes from a hash of
 * the host's data dir, so two embedded hosts on one machine do not share addresses. The node is
 * named by its IP (no name that would ever be looked up in DNS).
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { IMAGE_REFS } from '../../images/catalog.js';

export const MAX_REAL_NODES = 8;
/** The label a real node carries (kwok nodes carry type=kwok). */
export const NODE_TYPE_LABEL = 'vcluster-ts.io/node-type';
/** containerd's sandbox image: our own pause, built locally. */
export const PAUSE_IMAGE = IMAGE_REFS.pause;
export const KUBELET_PORT = 10250;
/** A PreferNoSchedule taint: pods that did not choose the real node go to simulated ones first. */
export const REAL_NODE_TAINT = 'vcluster-ts.io/real-node';

export interface RealNodeLayout {
  readonly index: number;
  /** The node's name: its IP. */
  readonly name: string;
  readonly nodeIp: string;
  /** The root-namespace side of the veth pair. */
  readonly gatewayIp: string;
  /** Where pods reach the host kube-apiserver (a relay in the root namespace): node 1's gateway. */
  readonly apiAddress: string;
  readonly prefixLength: 30;
  /** Pods of this node get addresses here (CNI bridge + host-local). */
  readonly podCidr: string;
  /** The root-namespace veth name (at most 15 characters). */
  readonly rootLink: string;
  /** The node-namespace veth name. */
  readonly nodeLink: 'eth0';
  /** cgroup (relative to each v1 hierarchy) holding the node agent, its daemons and the shims. */
  readonly daemonsCgroup: string;
  /** kubelet's cgroupRoot: every pod's cgroup is below it. */
  readonly podsCgroup: string;
  readonly dir: string;
  readonly files: {
    readonly containerdConfig: string;
    readonly containerdSocket: string;
    readonly kubeletConfig: string;
    readonly kubeletKubeconfig: string;
    readonly kubeProxyConfig: string;
    readonly kubeProxyKubeconfig: string;
    readonly cniConflist: string;
    readonly podResolvConf: string;
    readonly readyFile: string;
  };
  readonly dirs: {
    readonly run: string;
    readonly logs: string;
    readonly pids: string;
    readonly pki: string;
    readonly containerdRoot: string;
    readonly containerdState: string;
    readonly kubeletRoot: string;
    readonly podLogs: string;
    readonly cniConf: string;
    readonly cniIpam: string;
    readonly cdi: string;
    readonly sysctlShadow: string;
    /** Upper/work dirs of the overlays over /var/lib, /var/log and /run (private mount namespace). */
    readonly overlays: string;
  };
  /**
   * Folders that exist only inside the node's mount namespace, below its overlay of /run (whose upper
   * dir is in the node dir): containerd allows a shim socket dir of at most 42 characters, which a
   * path in the data dir cannot promise. The agent makes them after mounting the overlay.
   */
  readonly nsDirs: {
    readonly shimSockets: string;
    readonly runcRoot: string;
  };
}

/** The third octet of every address of a host's real nodes; from the host data dir. */
export function hostSlot(hostDataDir: string): number {
  return createHash('sha256').update(resolve(hostDataDir)).digest()[0]!;
}

/** The cgroup (below each hierarchy's root) that holds every real node of a host. */
export function hostCgroup(hostDataDir: string): string {
  return `vcluster-ts-${createHash('sha256').update(resolve(hostDataDir)).digest('hex').slice(0, 8)}`;
}

export function realNodeLayout(hostDataDir: string, index: number): RealNodeLayout {
  const slot = hostSlot(hostDataDir);
  const base = 4 * (index - 1);
  const ip = (last: number): string => `10.201.${slot}.${last}`;
  const dir = join(hostDataDir, 'nodes', `node-${index}`);
  const run = join(dir, 'run');
  const cgroup = `/${hostCgroup(hostDataDir)}/node-${index}`;
  return {
    index,
    name: ip(base + 2),
    nodeIp: ip(base + 2),
    gatewayIp: ip(base + 1),
    apiAddress: ip(1),
    prefixLength: 30,
    podCidr: `10.245.${index}.0/24`,
    rootLink: `vcts${slot.toString(16).padStart(2, '0')}n${index}`,
    nodeLink: 'eth0',
    daemonsCgroup: `${cgroup}/daemons`,
    podsCgroup: `${cgroup}/pods`,
    dir,
    files: {
      containerdConfig: join(dir, 'containerd.toml'),
      containerdSocket: join(run, 'containerd.sock'),
      kubeletConfig: join(dir, 'kubelet-config.yaml'),
      kubeletKubeconfig: join(dir, 'pki', 'kubelet.conf'),
      kubeProxyConfig: join(dir, 'kube-proxy-config.yaml'),
      kubeProxyKubeconfig: join(dir, 'pki', 'kube-proxy.conf'),
      cniConflist: join(dir, 'cni', 'net.d', '10-vcluster-ts.conflist'),
      podResolvConf: join(dir, 'pod-resolv.conf'),
      readyFile: join(run, 'ready'),
    },
    dirs: {
      run,
      logs: join(dir, 'logs'),
      pids: join(dir, 'pids'),
      pki: join(dir, 'pki'),
      containerdRoot: join(dir, 'containerd', 'root'),
      containerdState: join(dir, 'containerd', 'state'),
      kubeletRoot: join(dir, 'kubelet'),
      podLogs: join(dir, 'pod-logs'),
      cniConf: join(dir, 'cni', 'net.d'),
      cniIpam: join(dir, 'cni', 'ipam'),
      cdi: join(dir, 'cdi'),
      sysctlShadow: join(dir, 'sysctl'),
      overlays: join(dir, 'overlay'),
    },
    nsDirs: { shimSockets: '/run/vcluster-ts/s', runcRoot: '/run/vcluster-ts/runc' },
  };
}
