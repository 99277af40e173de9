/**
 * `vcluster snapshot NAME`: a consistent online copy of the vcluster's state.db (SQLite backup API,
 * while kine keeps serving), its PKI and its config, as one archive (./archive.ts). The local driver
 * reads the data dir; the kubernetes driver runs the same code inside pod NAME-0
 * (`vcluster operations snapshot-data --data-dir /data`, the archive on stdout).
 */
import { mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DataDir } from '../../controlplane/datadir.js';
import { readVClusterState, type VClusterState } from '../../controlplane/state.js';
import { ErrorCode, VClusterError, isErrnoException } from '../../lib/errors.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { locateVCluster, POD_DATA_DIR, runPodCli } from '../locate.js';
import { buildSnapshotArchive, parseSnapshotArchive, type SnapshotManifest } from './archive.js';
import { backupDatabase, checkKineDatabase } from './database.js';

export interface SnapshotResult {
  readonly file: string;
  readonly bytes: number;
  readonly manifest: SnapshotManifest;
  readonly seconds: number;
}

/** `<name>-<UTC time>.snapshot.tar.gz`, e.g. my-vcluster-20260101T120000Z.snapshot.tar.gz. Pure. */
export function defaultSnapshotFile(name: string, now: Date): string {
  return `${name}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.snapshot.tar.gz`;
}

async function pkiFiles(pkiDir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const e of await readdir(pkiDir, { withFileTypes: true })) if (e.isFile()) files.set(e.name, await readFile(join(pkiDir, e.name)));
  return files;
}

/** The archive of a data dir whose control plane may be running. */
export async function snapshotDataDir(dir: DataDir, state?: VClusterState): Promise<{ archive: Buffer; manifest: SnapshotManifest }> {
  const st = state ?? (await readVClusterState(dir.stateFile));
  if (!st) throw new VClusterError(`${dir.stateFile} is missing: not a vcluster data dir`, { code: ErrorCode.NOT_FOUND });
  const tmp = await mkdtemp(join(tmpdir(), 'vcluster-snapshot-'));
  try {
    const copy = join(tmp, 'state.db');
    try {
      await backupDatabase(dir.database, copy);
    } catch (err) {
      throw new VClusterError(`vcluster ${st.name} has no database to snapshot yet (${dir.database})`, { cause: err, code: ErrorCode.PRECONDITION });
    }
    const check = checkKineDatabase(copy, 'the database copy');
    const manifest = {
      name: st.name,
      namespace: st.namespace,
      hostContext: st.hostContext,
      driver: st.driver,
      serviceCidr: st.serviceCidr,
      createdAt: new Date().toISOString(),
      revision: check.revision,
    };
    const archive = buildSnapshotArchive(manifest, await readFile(copy), await readFile(dir.configFile), await pkiFiles(dir.pkiDir));
    return { archive, manifest: parseSnapshotArchive(archive).manifest };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Writes `data` to `file` all at once: a partial file is never left under the final name. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  try {
    await writeFile(partial, data, { mode: 0o600 });
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    if (isErrnoException(err) && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
      throw new VClusterError(`write ${file}`, { cause: err, code: ErrorCode.USAGE });
    }
    throw new VClusterError(`write ${file}`, { cause: err });
  }
}

export async function snapshotVCluster(ctx: LifecycleContext, opts: { name: string; namespace: string | undefined; output: string | undefined }): Promise<SnapshotResult> {
  const started = Date.now();
  const vc = await locateVCluster(ctx, opts.name, opts.namespace);
  const file = resolve(opts.output ?? defaultSnapshotFile(vc.state.name, new Date()));
  let archive: Buffer;
  let manifest: SnapshotManifest;
  if (vc.state.driver === 'kubernetes') {
    ctx.progress(`copying the database of pod ${vc.state.namespace}/${vc.state.name}-0 (SQLite backup API, inside the pod)`);
    archive = await runPodCli(vc, ['operations', 'snapshot-data', '--data-dir', POD_DATA_DIR]);
    manifest = parseSnapshotArchive(archive).manifest;
  } else {
    ({ archive, manifest } = await snapshotDataDir(vc.dir, vc.state));
  }
  await writeFileAtomic(file, archive);
  return { file, bytes: archive.length, manifest, seconds: (Date.now() - started) / 1000 };
}
