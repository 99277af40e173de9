/**
 * The control-plane images on the embedded host: built from this checkout (src/images) and loaded into
 * every real node, skipped when the nodes already hold the same digests (recorded per host).
 */
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../../lib/json-file.js';
import { z } from 'zod';
import { readdir, stat } from 'node:fs/promises';
import { buildImage, type BuiltImage } from '../../images/catalog.js';
import { importIntoRealNodes } from '../../embedded-host/node/images.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { run } from '../../lib/process.js';
import type { LifecycleContext } from '../../vclusters/context.js';

const LoadedSchema = z.record(z.string(), z.string());
const BuiltSchema = z.object({ ref: z.string(), digest: z.string(), bytes: z.number(), file: z.string() });

/** The newest modification time (ms) of files under `paths` (directories walked). */
async function newestMtime(paths: readonly string[]): Promise<number> {
  let newest = 0;
  const visit = async (p: string): Promise<void> => {
    const st = await stat(p).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) for (const e of await readdir(p)) await visit(join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) await visit(p);
  return newest;
}

/** A built archive whose record is newer than every input is used again (a build takes seconds and 0.5 GB). */
async function buildIfStale(name: 'vcluster-ts' | 'kubernetes', inputs: readonly string[], build: () => Promise<BuiltImage>, outDir: string): Promise<BuiltImage> {
  const record = join(outDir, `${name}.tar.json`);
  const [recorded, recordStat, newest] = await Promise.all([
    readJsonFile(record, BuiltSchema, 'an image build record').catch(() => undefined),
    stat(record).catch(() => undefined),
    newestMtime(inputs),
  ]);
  if (recorded && recordStat && recordStat.mtimeMs > newest && (await stat(recorded.file).catch(() => undefined))) return { name, ...recorded };
  const built = await build();
  await writeJsonFile(record, { ref: built.ref, digest: built.digest, bytes: built.bytes, file: built.file });
  return built;
}

/**
 * The image ships the compiled .build/, not src/: compile first when any source file is newer than the
 * build (as bin/vcluster.js decides), so a pod never runs older code than the CLI that made it.
 */
async function ensureFreshBuild(repoRoot: string, progress: (line: string) => void): Promise<void> {
  const src = join(repoRoot, 'src');
  if (!(await stat(src).catch(() => undefined))) return; // an installed copy ships only the build
  const built = await stat(join(repoRoot, '.build', 'src', 'cli', 'main.js')).catch(() => undefined);
  if (built && built.mtimeMs >= (await newestMtime([src]))) return;
  progress('compiling src/ into .build/ for the control-plane image (scripts/build.sh)');
  try {
    await run('bash', [join(repoRoot, 'scripts', 'build.sh')], { timeoutMs: 300_000 });
  } catch (err) {
    throw new VClusterError('compile the project for the control-plane image', { cause: err, code: ErrorCode.PRECONDITION, hint: 'run `bash scripts/build.sh` and fix what it reports' });
  }
}

export async function ensureControlPlaneImages(ctx: LifecycleContext, where: { readonly repoRoot: string; readonly cacheRoot: string }): Promise<void> {
  await ensureFreshBuild(where.repoRoot, ctx.progress);
  const hostDataDir = join(ctx.home, 'host');
  const marker = join(hostDataDir, 'nodes', 'loaded-images.json');
  const loaded = (await readJsonFile(marker, LoadedSchema, 'the loaded-images record').catch(() => undefined)) ?? {};
  const files: string[] = [];
  const next: Record<string, string> = { ...loaded };
  const outDir = join(where.cacheRoot, 'images');
  const binaries = { 'kube-apiserver': ctx.binaries.path('kube-apiserver'), 'kube-controller-manager': ctx.binaries.path('kube-controller-manager'), kubectl: ctx.binaries.path('kubectl') };
  const inputs = {
    'vcluster-ts': ['.build', 'bin/vcluster.js', 'package.json', 'package-lock.json', 'deps'].map((f) => join(where.repoRoot, f)),
    kubernetes: Object.values(binaries),
  };
  for (const name of ['vcluster-ts', 'kubernetes'] as const) {
    const built = await buildIfStale(
      name,
      inputs[name],
      () => buildImage(name, { outDir, cacheDir: join(where.cacheRoot, 'image-build'), repoRoot: where.repoRoot, kubernetesBinaries: binaries }),
      outDir,
    );
    if (loaded[built.ref] !== built.digest) files.push(built.file);
    next[built.ref] = built.digest;
    ctx.progress(`image ${built.ref} ready (${Math.round(built.bytes / 1048576)} MiB)`);
  }
  if (files.length === 0) return;
  await importIntoRealNodes({ hostDataDir, ctr: ctx.binaries.path('ctr'), files, progress: ctx.progress });
  await writeJsonFile(marker, next);
}
