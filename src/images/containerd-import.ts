/**
 * Loads image archives into a running containerd with its own client, `ctr` (containerd v2):
 * `ctr --address SOCKET --namespace k8s.io images import FILE`. Unpacking into the default
 * snapshotter is ctr's default (no `--no-unpack`), so the kubelet can start containers at once; the
 * image is named by the archive's `io.containerd.image.name` annotation (the full reference).
 */
import { ProcessError } from '../lib/errors.js';
import { run } from '../lib/process.js';

/** The containerd namespace the CRI plugin (and so the kubelet) uses. */
export const CRI_NAMESPACE = 'k8s.io';

export interface ImportImagesOptions {
  /** Path of the ctr binary. */
  readonly ctr: string;
  /** containerd's gRPC socket, e.g. /run/containerd/containerd.sock. */
  readonly address: string;
  /** OCI or Docker archives, imported one after the other. */
  readonly files: readonly string[];
  /** @default 'k8s.io' */
  readonly namespace?: string;
  /** Per file. @default 120_000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The ctr argv importing one archive (global flags come before the subcommand). Pure. */
export function ctrImportArgs(address: string, namespace: string, file: string): string[] {
  return ['--address', address, '--namespace', namespace, 'images', 'import', file];
}

/** Imports each file; throws a ProcessError naming the file, with ctr's stderr as the cause. */
export async function importImages(opts: ImportImagesOptions): Promise<void> {
  const namespace = opts.namespace ?? CRI_NAMESPACE;
  for (const file of opts.files) {
    try {
      await run(opts.ctr, ctrImportArgs(opts.address, namespace, file), {
        timeoutMs: opts.timeoutMs ?? 120_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      throw new ProcessError(`import ${file} into containerd at ${opts.address} (namespace ${namespace})`, {
        cause: err,
      });
    }
  }
}
