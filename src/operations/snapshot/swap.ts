/**
 * Putting a snapshot into a STOPPED data dir: the database (checked, its mappings rewritten when the
 * vcluster's name or host namespace differs) and the PKI are staged first, then swapped in by renames;
 * what they replaced waits in <data>/restore-previous until the caller commits or rolls back.
 */
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataDir } from '../../controlplane/datadir.js';
import type { SnapshotContents } from './archive.js';
import { corrupt } from './archive.js';
import { checkKineDatabase } from './database.js';
import { rewriteMappings } from './remap.js';

export interface SwapTarget {
  readonly name: string;
  readonly namespace: string;
}

export interface Swapped {
  /** Live mappings rewritten for another name or namespace. */
  readonly remappedMappings: number;
  readonly revision: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/** The files a restore replaces, relative to the data dir. */
const REPLACED = ['state.db', 'state.db-wal', 'state.db-shm', 'pki'] as const;

/** Checks the snapshot's database in a scratch folder of the data dir; nothing of the vcluster changes. */
export async function stageSnapshot(dir: DataDir, contents: SnapshotContents, target: SwapTarget): Promise<{ staging: string; remapped: number; revision: number }> {
  const staging = join(dir.root, 'restore-staging');
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'pki'), { recursive: true, mode: 0o700 });
  try {
    const db = join(staging, 'state.db');
    await writeFile(db, contents.database, { mode: 0o600 });
    let revision: number;
    try {
      revision = checkKineDatabase(db, 'the snapshot database').revision;
    } catch (err) {
      throw corrupt('its database does not pass the checks', err);
    }
    const remapped = rewriteMappings(
      db,
      { vclusterName: contents.manifest.name, hostNamespace: contents.manifest.namespace },
      { vclusterName: target.name, hostNamespace: target.namespace },
    );
    for (const [name, data] of contents.pki) await writeFile(join(staging, 'pki', name), data, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
    return { staging, remapped, revision };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Swaps a staged snapshot into the stopped data dir. */
export async function swapIn(dir: DataDir, contents: SnapshotContents, target: SwapTarget): Promise<Swapped> {
  const { staging, remapped, revision } = await stageSnapshot(dir, contents, target);
  const previous = join(dir.root, 'restore-previous');
  await rm(previous, { recursive: true, force: true });
  await mkdir(previous, { recursive: true, mode: 0o700 });
  const moved: string[] = [];
  const rollback = async (): Promise<void> => {
    for (const f of REPLACED) await rm(join(dir.root, f), { recursive: true, force: true });
    for (const f of moved) await rename(join(previous, f), join(dir.root, f));
    await rm(previous, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  };
  try {
    for (const f of REPLACED) {
      if (await exists(join(dir.root, f))) {
        await rename(join(dir.root, f), join(previous, f));
        moved.push(f);
      }
    }
    await rename(join(staging, 'state.db'), dir.database);
    await rename(join(staging, 'pki'), dir.pkiDir);
    await rm(staging, { recursive: true, force: true });
  } catch (err) {
    await rollback();
    throw err;
  }
  return {
    remappedMappings: remapped,
    revision,
    commit: () => rm(previous, { recursive: true, force: true }),
    rollback,
  };
}
