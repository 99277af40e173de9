/**
 * Where the upstream binaries are: an explicit directory (flag or VCLUSTER_BINARIES_DIR) wins, then the
 * version-keyed cache (<cacheRoot>/binaries/<key>/). `ensure` builds what the cache lacks.
 */
import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { BINARY_NAMES, cacheKey, parsePinnedVersions, type BinaryName, type PinnedVersions } from './versions.js';

export interface BinarySource {
  /** A directory of existing binaries given by the user; when set, nothing is built. */
  readonly explicitDir?: string | undefined;
  /** Root of the cache, e.g. ~/.cache/vcluster-ts. */
  readonly cacheRoot: string;
  /** The repository's deps/kubernetes folder (go.mod, go.sum, build.sh). */
  readonly depsDir: string;
}

export interface BinarySet {
  readonly dir: string;
  readonly origin: 'explicit' | 'cache';
  readonly versions: PinnedVersions;
  path(name: BinaryName): string;
}

export async function readPinnedVersions(depsDir: string): Promise<PinnedVersions> {
  const file = join(depsDir, 'go.mod');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new VClusterError(`read ${file}`, { cause: err, code: ErrorCode.PRECONDITION });
  }
  return parsePinnedVersions(text, file);
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary set to use, without checking that its files exist. */
export async function binarySet(source: BinarySource): Promise<BinarySet> {
  const versions = await readPinnedVersions(source.depsDir);
  const dir = source.explicitDir ?? join(source.cacheRoot, 'binaries', cacheKey(versions));
  return {
    dir,
    origin: source.explicitDir ? 'explicit' : 'cache',
    versions,
    path: (name) => join(dir, name),
  };
}

/** The names of the binaries missing from a set. */
export async function missingBinaries(set: BinarySet, names: readonly BinaryName[] = BINARY_NAMES): Promise<BinaryName[]> {
  const missing: BinaryName[] = [];
  for (const name of names) if (!(await isExecutable(set.path(name)))) missing.push(name);
  return missing;
}

/**
 * The binary set with every named binary present; throws a PRECONDITION error naming what is missing
 * and how to get it. Used by commands that run binaries (host up, start, create).
 */
export async function requireBinaries(source: BinarySource, names: readonly BinaryName[]): Promise<BinarySet> {
  const set = await binarySet(source);
  if (set.origin === 'explicit' && !(await exists(set.dir))) {
    throw new VClusterError(`binary directory ${set.dir} does not exist`, {
      code: ErrorCode.NOT_FOUND,
      hint: 'pass --binaries-dir (or VCLUSTER_BINARIES_DIR) naming a directory that holds the binaries',
    });
  }
  const missing = await missingBinaries(set, names);
  if (missing.length > 0) {
    throw new VClusterError(`missing binaries in ${set.dir}: ${missing.join(', ')}`, {
      code: ErrorCode.PRECONDITION,
      hint:
        set.origin === 'explicit'
          ? 'put the missing binaries into that directory, or drop --binaries-dir to use the built cache'
          : 'run `vcluster binaries ensure` to build them from the pinned Go modules',
    });
  }
  return set;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
