/**
 * The processes of a real node as pure specs: the node agent the host supervisor starts (in a new
 * network and mount namespace), and the daemons the agent starts inside them. Pure.
 */
import type { ComponentSpec } from '../../controlplane/components/spec.js';
import type { BinarySet } from '../../binaries/locate.js';
import type { RealNodeLayout } from './layout.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';

export interface AgentSpecOptions {
  readonly layout: RealNodeLayout;
  readonly unshare: string;
  /** argv that runs this CLI: [node, .../bin/vcluster.js] plus global flags. */
  readonly cliArgv: readonly string[];
  readonly hostDataDir: string;
  /** A process in the root network namespace (the host supervisor): the veth's other end goes there. */
  readonly rootPid: number;
  readonly readyTimeoutMs?: number;
}

/** `unshare --net --mount --propagation slave -- vcluster host node-agent ...`: the node's namespaces die with their last process. */
export function nodeAgentSpec(o: AgentSpecOptions): ComponentSpec {
  const [node, ...rest] = o.cliArgv;
  if (node === undefined) throw new VClusterError('node agent: no command to run the CLI with', { code: ErrorCode.INTERNAL });
  return {
    name: `node-${o.layout.index}`,
    command: o.unshare,
    args: [
      '--net',
      '--mount',
      '--propagation',
      'slave',
      '--',
      node,
      ...rest,
      'host',
      'node-agent',
      '--data-dir',
      o.hostDataDir,
      '--node',
      String(o.layout.index),
      '--root-pid',
      String(o.rootPid),
    ],
    readiness: { kind: 'file', path: o.layout.files.readyFile },
    readyTimeoutMs: o.readyTimeoutMs ?? 180_000,
    stopGraceMs: 30_000,
  };
}

export function nodeDaemonSpecs(l: RealNodeLayout, bins: Pick<BinarySet, 'path'>): { containerd: ComponentSpec; kubelet: ComponentSpec; kubeProxy: ComponentSpec } {
  return {
    containerd: {
      name: 'containerd',
      command: bins.path('containerd'),
      args: ['--config', l.files.containerdConfig],
      // the shims containerd starts find their binary on PATH
      env: { PATH: `${bins.path('containerd-shim-runc-v2').replace(/\/[^/]+$/, '')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
      readiness: { kind: 'unix-socket', path: l.files.containerdSocket },
      stopGraceMs: 10_000,
    },
    kubelet: {
      name: 'kubelet',
      command: bins.path('kubelet'),
      args: [
        `--config=${l.files.kubeletConfig}`,
        `--kubeconfig=${l.files.kubeletKubeconfig}`,
        `--root-dir=${l.dirs.kubeletRoot}`,
        `--cert-dir=${l.dirs.kubeletRoot}/pki`,
        `--hostname-override=${l.name}`,
        `--node-ip=${l.nodeIp}`,
        `--node-labels=vcluster-ts.io/node-type=real`,
        '--v=1',
      ],
      readiness: { kind: 'http', url: 'http://127.0.0.1:10248/healthz' },
      readyTimeoutMs: 120_000,
    },
    kubeProxy: {
      name: 'kube-proxy',
      command: bins.path('kube-proxy'),
      args: [`--config=${l.files.kubeProxyConfig}`, '--v=1'],
      readiness: { kind: 'http', url: 'http://127.0.0.1:10256/healthz' },
      readyTimeoutMs: 120_000,
    },
  };
}

