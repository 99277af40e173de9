/**
 * Where the upstream binaries are: an explicit directory (flag or VCLUSTER_BINARIES_DIR) holding all of
 * them wins; else each group's version-keyed cache folder (<cacheRoot>/binaries/<key>/, one per wrapper
 * module in deps/). `ensure` builds what the cache lacks.
 */
import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import {
  BINARY_NAMES,
  groupCacheKey,
  groupOf,
  parseContainerdVersion,
  parseCorednsVersion,
  parsePinnedVersions,
  type BinaryGroup,
  type BinaryName,
  type PinnedVersions,
} from './versions.js';
import { pathExists } from '../lib/path-exists.js';

export interface BinarySource {
  /** A directory of existing binaries given by the user; when set, nothing is built. */
  readonly explicitDir?: string | undefined;
  /** Root of the cache, e.g. ~/.cache/vcluster-ts. */
  readonly cacheRoot: string;
  /** The repository's deps folder: one wrapper module per group (deps/kubernetes, deps/containerd). */
  readonly depsRoot: string;
}

export interface BinarySet {
  /** The Kubernetes group's folder (the explicit directory, when one was given). */
  readonly dir: string;
  readonly origin: 'explicit' | 'cache';
  readonly versions: PinnedVersions;
  path(name: BinaryName): string;
  /** The folder a group's binaries live in. */
  groupDir(group: BinaryGroup): string;
  /** Arguments that make a child `vcluster` process use the same binaries (empty for the cache). */
  readonly childArgs: readonly string[];
}

async function readGoMod(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new VClusterError(`read ${file}`, { cause: err, code: ErrorCode.PRECONDITION });
  }
}

export async function readPinnedVersions(depsRoot: string): Promise<PinnedVersions> {
  const k8sFile = join(depsRoot, 'kubernetes', 'go.mod');
  const ctrdFile = join(depsRoot, 'containerd', 'go.mod');
  const corednsFile = join(depsRoot, 'coredns', 'go.mod');
  return {
    ...parsePinnedVersions(await readGoMod(k8sFile), k8sFile),
    containerd: parseContainerdVersion(await readGoMod(ctrdFile), ctrdFile),
    coredns: parseCorednsVersion(await readGoMod(corednsFile), corednsFile),
  };
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
  const versions = await readPinnedVersions(source.depsRoot);
  const explicit = source.explicitDir;
  const groupDir = (group: BinaryGroup): string => explicit ?? join(source.cacheRoot, 'binaries', groupCacheKey(group, versions));
  return {
    dir: groupDir('kubernetes'),
    origin: explicit ? 'explicit' : 'cache',
    versions,
    path: (name) => join(groupDir(groupOf(name)), name),
    groupDir,
    childArgs: explicit ? ['--binaries-dir', explicit] : [],
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
  if (set.origin === 'explicit' && !(await pathExists(set.dir))) {
    throw new VClusterError(`binary directory ${set.dir} does not exist`, {
      code: ErrorCode.NOT_FOUND,
      hint: 'pass --binaries-dir (or VCLUSTER_BINARIES_DIR) naming a directory that holds the binaries',
    });
  }
  const missing = await missingBinaries(set, names);
  if (missing.length > 0) {
    const where = [...new Set(missing.map((n) => set.groupDir(groupOf(n))))].join(', ');
    throw new VClusterError(`missing binaries in ${where}: ${missing.join(', ')}`, {
      code: ErrorCode.PRECONDITION,
      hint:
        set.origin === 'explicit'
          ? 'put the missing binaries into that directory, or drop --binaries-dir to use the built cache'
          : 'run `vcluster binaries ensure` to build them from the pinned Go modules',
    });
  }
  return set;
}

