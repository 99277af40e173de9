/**
 * `vcluster create NAME --restore FILE`: a new vcluster from a snapshot. The snapshot is checked first;
 * the vcluster is created with the snapshot's config.yaml as the first values file (so the service CIDR
 * and sync switches match; -f and --set still apply on top), then the snapshot is restored into it.
 * If the restore fails, the new vcluster is deleted again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatError } from '../../lib/errors.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { createVCluster, type CreateOptions, type CreateResult } from '../../vclusters/create.js';
import { deleteVCluster } from '../../vclusters/delete.js';
import { readSnapshotFile, restoreVCluster, type RestoreResult } from './restore.js';

export async function createFromSnapshot(ctx: LifecycleContext, opts: CreateOptions & { readonly restore: string }): Promise<CreateResult & { restored: RestoreResult }> {
  const started = Date.now();
  const contents = await readSnapshotFile(opts.restore);
  ctx.progress(`snapshot of vcluster ${contents.manifest.namespace}/${contents.manifest.name} at revision ${contents.manifest.revision} (${contents.manifest.createdAt})`);
  const tmp = await mkdtemp(join(tmpdir(), 'vcluster-restore-'));
  try {
    const config = join(tmp, 'snapshot-config.yaml');
    await writeFile(config, contents.config, { mode: 0o600 });
    const created = await createVCluster(ctx, { ...opts, values: [config, ...opts.values] });
    try {
      const restored = await restoreVCluster(ctx, { name: created.name, namespace: created.namespace, file: opts.restore });
      return { ...created, restored, seconds: (Date.now() - started) / 1000 };
    } catch (err) {
      ctx.progress(`restore failed, deleting the new vcluster ${created.name}: ${formatError(err).split('\n')[0] ?? ''}`);
      await deleteVCluster(ctx, { name: created.name, namespace: created.namespace, keepData: false, ignoreNotFound: true }).catch(() => undefined);
      throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
