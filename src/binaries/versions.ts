/**
 * The pinned upstream versions, read from the wrapper modules (the single source of truth):
 * deps/kubernetes/go.mod (Kubernetes, kwok, etcd), deps/containerd/go.mod (containerd) and
 * deps/coredns/go.mod (CoreDNS, for the virtual clusters' DNS image), and the
 * cache keys derived from them. Pure.
 */
import { VClusterError, ErrorCode } from '../lib/errors.js';

/** Each group is built by one wrapper module (deps/<group>/build.sh) into one version-keyed cache folder. */
export const BINARY_GROUPS = {
  kubernetes: [
    'kube-apiserver',
    'kube-controller-manager',
    'kube-scheduler',
    'kubectl',
    'kwok',
    'etcd',
    'etcdctl',
    'kubelet',
    'kube-proxy',
  ],
  containerd: ['containerd', 'containerd-shim-runc-v2', 'ctr'],
  coredns: ['coredns'],
} as const;
export type BinaryGroup = keyof typeof BINARY_GROUPS;
export type BinaryName = (typeof BINARY_GROUPS)[BinaryGroup][number];
export const BINARY_NAMES: readonly BinaryName[] = Object.values(BINARY_GROUPS).flat();

/** The binaries a real node of the embedded host runs (runc and the CNI plugins come from Debian). */
export const NODE_BINARIES: readonly BinaryName[] = ['kubelet', 'kube-proxy', 'containerd', 'containerd-shim-runc-v2', 'ctr'];

/** The binaries `host up` makes the real nodes' images of (the CoreDNS image of the virtual clusters). */
export const NODE_IMAGE_BINARIES: readonly BinaryName[] = ['coredns'];

export function groupOf(name: BinaryName): BinaryGroup {
  const groups = Object.keys(BINARY_GROUPS) as BinaryGroup[];
  return groups.find((g) => (BINARY_GROUPS[g] as readonly string[]).includes(name)) ?? 'kubernetes';
}

export interface PinnedVersions {
  readonly kubernetes: string;
  readonly kwok: string;
  readonly etcd: string;
  readonly containerd: string;
  readonly coredns: string;
}

const MODULES = {
  kubernetes: 'k8s.io/kubernetes',
  kwok: 'sigs.k8s.io/kwok',
  etcd: 'go.etcd.io/etcd/server/v3',
  containerd: 'github.com/containerd/containerd/v2',
  coredns: 'github.com/coredns/coredns',
} as const;

function requiredVersion(goMod: string, module: string, file: string): string {
  const re = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, '\\$&')}\\s+(v[0-9][^\\s]*)`, 'm');
  const m = re.exec(goMod);
  if (!m?.[1]) {
    throw new VClusterError(`${file}: no requirement for ${module}`, { code: ErrorCode.PRECONDITION });
  }
  return m[1];
}

/** Reads the required versions of Kubernetes, kwok and etcd from deps/kubernetes/go.mod text. */
export function parsePinnedVersions(goMod: string, file = 'go.mod'): Omit<PinnedVersions, 'containerd' | 'coredns'> {
  return {
    kubernetes: requiredVersion(goMod, MODULES.kubernetes, file),
    kwok: requiredVersion(goMod, MODULES.kwok, file),
    etcd: requiredVersion(goMod, MODULES.etcd, file),
  };
}

/** Reads the required containerd version from deps/containerd/go.mod text. */
export function parseContainerdVersion(goMod: string, file = 'go.mod'): string {
  return requiredVersion(goMod, MODULES.containerd, file);
}

/** Reads the required CoreDNS version from deps/coredns/go.mod text. */
export function parseCorednsVersion(goMod: string, file = 'go.mod'): string {
  return requiredVersion(goMod, MODULES.coredns, file);
}

/** The version-keyed cache folder name of the Kubernetes group, e.g. "k8s-v1.36.3-kwok-v0.8.0-etcd-v3.6.16". */
export function cacheKey(v: Omit<PinnedVersions, 'containerd' | 'coredns'>): string {
  return `k8s-${v.kubernetes}-kwok-${v.kwok}-etcd-${v.etcd}`;
}

/** The cache folder name of a group. */
export function groupCacheKey(group: BinaryGroup, v: PinnedVersions): string {
  if (group === 'containerd') return `containerd-${v.containerd}`;
  if (group === 'coredns') return `coredns-${v.coredns}`;
  return cacheKey(v);
}

/** The version each binary should report. */
export function expectedVersion(name: BinaryName, v: PinnedVersions): string {
  switch (name) {
    case 'kwok':
      return v.kwok;
    case 'etcd':
    case 'etcdctl':
      return v.etcd;
    case 'containerd':
    case 'containerd-shim-runc-v2':
    case 'ctr':
      return v.containerd;
    case 'coredns':
      return v.coredns;
    default:
      return v.kubernetes;
  }
}

/** The arguments that make a binary print its version. */
export function versionArgs(name: BinaryName): readonly string[] {
  switch (name) {
    case 'kubectl':
      return ['version', '--client'];
    case 'etcdctl':
      return ['version'];
    case 'containerd-shim-runc-v2':
      return ['-v'];
    case 'coredns':
      return ['-version'];
    default:
      return ['--version'];
  }
}

/** Extracts "vX.Y.Z" from a binary's version output ("Kubernetes v1.36.3", "etcd Version: 3.6.16", ...). */
export function parseVersionOutput(output: string): string | undefined {
  const m = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output);
  return m?.[1] ? `v${m[1]}` : undefined;
}
