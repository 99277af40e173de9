/**
 * The pinned upstream versions, read from the wrapper module deps/kubernetes/go.mod (the single source
 * of truth), and the cache key derived from them. Pure.
 */
import { VClusterError, ErrorCode } from '../lib/errors.js';

export const BINARY_NAMES = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'kwok',
  'etcd',
  'etcdctl',
] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];

export interface PinnedVersions {
  readonly kubernetes: string;
  readonly kwok: string;
  readonly etcd: string;
}

const MODULES: Record<keyof PinnedVersions, string> = {
  kubernetes: 'k8s.io/kubernetes',
  kwok: 'sigs.k8s.io/kwok',
  etcd: 'go.etcd.io/etcd/server/v3',
};

/** Reads the required versions of the three upstream modules from go.mod text. */
export function parsePinnedVersions(goMod: string, file = 'go.mod'): PinnedVersions {
  const find = (module: string): string => {
    const re = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, '\\$&')}\\s+(v[0-9][^\\s]*)`, 'm');
    const m = re.exec(goMod);
    if (!m?.[1]) {
      throw new VClusterError(`${file}: no requirement for ${module}`, { code: ErrorCode.PRECONDITION });
    }
    return m[1];
  };
  return { kubernetes: find(MODULES.kubernetes), kwok: find(MODULES.kwok), etcd: find(MODULES.etcd) };
}

/** The version-keyed cache folder name, e.g. "k8s-v1.36.3-kwok-v0.8.0-etcd-v3.6.16". */
export function cacheKey(v: PinnedVersions): string {
  return `k8s-${v.kubernetes}-kwok-${v.kwok}-etcd-${v.etcd}`;
}

/** The version each binary should report. */
export function expectedVersion(name: BinaryName, v: PinnedVersions): string {
  switch (name) {
    case 'kwok':
      return v.kwok;
    case 'etcd':
    case 'etcdctl':
      return v.etcd;
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
    default:
      return ['--version'];
  }
}

/** Extracts "vX.Y.Z" from a binary's version output ("Kubernetes v1.36.3", "etcd Version: 3.6.16", ...). */
export function parseVersionOutput(output: string): string | undefined {
  const m = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output);
  return m?.[1] ? `v${m[1]}` : undefined;
}
