/**
 * The control-plane images on the embedded host: built from this checkout (src/images) and loaded into
 * every real node, skipped when the nodes already hold the same digests (recorded per host).
 */
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../../lib/json-file.js';
import { z } from 'zod';
import { buildImage } from '../../images/catalog.js';
import { importIntoRealNodes } from '../../host/node/images.js';
import type { LifecycleContext } from '../../lifecycle/context.js';

const LoadedSchema = z.record(z.string(), z.string());

export async function ensureControlPlaneImages(ctx: LifecycleContext, where: { readonly repoRoot: string; readonly cacheRoot: string }): Promise<void> {
  const hostDataDir = join(ctx.home, 'host');
  const marker = join(hostDataDir, 'nodes', 'loaded-images.json');
  const loaded = (await readJsonFile(marker, LoadedSchema, 'the loaded-images record').catch(() => undefined)) ?? {};
  const files: string[] = [];
  const next: Record<string, string> = { ...loaded };
  for (const name of ['vcluster-ts', 'kubernetes'] as const) {
    const built = await buildImage(name, {
      outDir: join(where.cacheRoot, 'images'),
      cacheDir: join(where.cacheRoot, 'image-build'),
      repoRoot: where.repoRoot,
      kubernetesBinaries: { 'kube-apiserver': ctx.binaries.path('kube-apiserver'), 'kube-controller-manager': ctx.binaries.path('kube-controller-manager'), kubectl: ctx.binaries.path('kubectl') },
    });
    if (loaded[built.ref] !== built.digest) files.push(built.file);
    next[built.ref] = built.digest;
    ctx.progress(`image ${built.ref} built (${Math.round(built.bytes / 1048576)} MiB)`);
  }
  if (files.length === 0) return;
  await importIntoRealNodes({ hostDataDir, ctr: ctx.binaries.path('ctr'), files, progress: ctx.progress });
  await writeJsonFile(marker, next);
}
