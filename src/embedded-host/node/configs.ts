/**
 * The configuration files of a real node's daemons (containerd, kubelet, kube-proxy, the CNI network),
 * rendered from its layout. Pure; the node agent writes them.
 *
 * Facts they encode (each found by failing first on this machine kind):
 * - no CAP_SYS_RESOURCE: containerd must not give the pause container a negative oom_score_adj;
 * - cgroup v1 and a PID 1 that is not systemd: kubelet needs failCgroupV1=false and the cgroupfs driver;
 * - every path containerd, runc, the shims and kubelet would write by default is moved under the node dir.
 */
import { stringify } from 'yaml';
import { KUBELET_PORT, PAUSE_IMAGE, REAL_NODE_TAINT, type RealNodeLayout } from './layout.js';

export interface NodeBinaries {
  readonly runc: string;
  readonly cniBinDir: string;
}

const q = (s: string): string => JSON.stringify(s);

export function containerdConfig(l: RealNodeLayout, bins: NodeBinaries): string {
  const disabled = [
    'io.containerd.nri.v1.nri',
    'io.containerd.internal.v1.opt',
    'io.containerd.image-verifier.v1.bindir',
    'io.containerd.snapshotter.v1.devmapper',
    'io.containerd.snapshotter.v1.zfs',
    'io.containerd.snapshotter.v1.blockfile',
    'io.containerd.snapshotter.v1.erofs',
    'io.containerd.differ.v1.erofs',
    'io.containerd.tracing.processor.v1.otlp',
    'io.containerd.internal.v1.tracing',
  ];
  const cri = "plugins.'io.containerd.cri.v1.runtime'";
  return [
    'version = 3',
    `root = ${q(l.dirs.containerdRoot)}`,
    `state = ${q(l.dirs.containerdState)}`,
    `disabled_plugins = [${disabled.map(q).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${q(l.files.containerdSocket)}`,
    '[ttrpc]',
    `  address = ${q(`${l.files.containerdSocket}.ttrpc`)}`,
    '[debug]',
    "  address = ''",
    "  level = 'info'",
    '',
    "[plugins.'io.containerd.shim.v1.manager']",
    `  socket_dir = ${q(l.nsDirs.shimSockets)}`,
    "[plugins.'io.containerd.cri.v1.images']",
    "  snapshotter = 'overlayfs'",
    "[plugins.'io.containerd.cri.v1.images'.pinned_images]",
    `  sandbox = ${q(PAUSE_IMAGE)}`,
    `[${cri}]`,
    '  netns_mounts_under_state_dir = true',
    '  # no CAP_SYS_RESOURCE here: a negative oom_score_adj (the pause container asks -998) fails in runc',
    '  restrict_oom_score_adj = true',
    `  cdi_spec_dirs = [${q(l.dirs.cdi)}]`,
    `[${cri}.containerd]`,
    "  default_runtime_name = 'runc'",
    `[${cri}.containerd.runtimes.runc]`,
    "  runtime_type = 'io.containerd.runc.v2'",
    `[${cri}.containerd.runtimes.runc.options]`,
    `  BinaryName = ${q(bins.runc)}`,
    `  Root = ${q(l.nsDirs.runcRoot)}`,
    '  SystemdCgroup = false',
    `[${cri}.cni]`,
    `  bin_dirs = [${q(bins.cniBinDir)}]`,
    `  conf_dir = ${q(l.dirs.cniConf)}`,
    '  max_conf_num = 1',
    "[plugins.'io.containerd.grpc.v1.cri']",
    `  stream_server_address = ${q('127.0.0.1')}`,
    "  stream_server_port = '0'",
    '',
  ].join('\n');
}

export function kubeletConfig(l: RealNodeLayout, clientCaFile: string): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: l.podsCgroup,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${l.files.containerdSocket}`,
    imageServiceEndpoint: `unix://${l.files.containerdSocket}`,
    address: l.nodeIp,
    port: KUBELET_PORT,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    // The host kube-apiserver calls the kubelet with its own client certificate: no anonymous access.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: clientCaFile } },
    authorization: { mode: 'Webhook' },
    clusterDomain: 'cluster.local',
    resolvConf: l.files.podResolvConf,
    podLogsDir: l.dirs.podLogs,
    // kubelet would otherwise want to change global kernel settings; the agent shadows them instead.
    protectKernelDefaults: false,
    serializeImagePulls: true,
    registerNode: true,
    // pods without a choice prefer the simulated nodes (their images need no registry); a pod picks
    // this node with nodeSelector vcluster-ts.io/node-type=real (no toleration needed)
    registerWithTaints: [{ key: REAL_NODE_TAINT, value: 'true', effect: 'PreferNoSchedule' }],
    // a small machine: keep the kubelet from evicting pods on a busy disk
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    nodeStatusReportFrequency: '10s',
  });
}

export function kubeProxyConfig(l: RealNodeLayout): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: l.files.kubeProxyKubeconfig },
    hostnameOverride: l.name,
    mode: 'iptables',
    clusterCIDR: l.podCidr,
    bindAddress: l.nodeIp,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    nodePortAddresses: [`${l.nodeIp}/32`],
    // 0: leave the conntrack sysctls alone (some are global to the machine)
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  });
}

export function cniConflist(l: RealNodeLayout): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'vcluster-ts-pods',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: { type: 'host-local', dataDir: l.dirs.cniIpam, ranges: [[{ subnet: l.podCidr }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

/** Pods never ask the machine's resolver: until the cluster has DNS, their resolver is loopback. */
export function podResolvConf(): string {
  return 'nameserver 127.0.0.1\n';
}
