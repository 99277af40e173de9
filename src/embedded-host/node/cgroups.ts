/**
 * The cgroup v1 trees a real node lives in: one folder per host below each hierarchy's root (named in
 * layout.ts), holding the node agent, its daemons, the containerd shims and every pod. Whatever runs
 * there is ours by construction, so stopping a node kills what is left in its tree and removes it.
 */
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrnoException, ErrorCode, VClusterError } from '../../lib/errors.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** /proc/self/mounts escapes space, tab, newline and backslash as octal (\\040 …). */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points of the cgroup v1 hierarchies (/proc/self/mounts entries of type "cgroup"). */
export function parseCgroupV1Mounts(mounts: string): string[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f[2] === 'cgroup' && f[1] !== undefined)
    .map((f) => unescapeMount(f[1]!));
}

/** Mount points of every cgroup hierarchy, v1 and v2 (kubelet also makes its folders in a hybrid v2 mount). */
export function parseAllCgroupMounts(mounts: string): string[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => (f[2] === 'cgroup' || f[2] === 'cgroup2') && f[1] !== undefined)
    .map((f) => unescapeMount(f[1]!));
}

async function allHierarchies(): Promise<string[]> {
  return parseAllCgroupMounts(await readFile('/proc/self/mounts', 'utf8'));
}

export async function cgroupV1Hierarchies(): Promise<string[]> {
  const found = parseCgroupV1Mounts(await readFile('/proc/self/mounts', 'utf8'));
  if (found.length === 0) {
    throw new VClusterError('no cgroup v1 hierarchy is mounted (a real node here uses cgroup v1 with the cgroupfs driver)', {
      code: ErrorCode.PRECONDITION,
      hint: 'run with --real-nodes 0 for simulated nodes only',
    });
  }
  return found;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && (err.code === 'ENOENT' || err.code === 'ESRCH')) return undefined;
    throw err;
  }
}

/** Creates `rel` (e.g. /vcluster-ts-ab12cd34/node-1/daemons) in every hierarchy; cpuset levels inherit cpus and mems. */
export async function ensureCgroup(rel: string): Promise<void> {
  for (const root of await cgroupV1Hierarchies()) {
    const parts = rel.split('/').filter(Boolean);
    let dir = root;
    for (const part of parts) {
      const parent = dir;
      dir = join(dir, part);
      await mkdir(dir, { recursive: true });
      for (const f of ['cpuset.cpus', 'cpuset.mems']) {
        const mine = await readOptional(join(dir, f));
        if (mine !== undefined && mine.trim() === '') {
          await writeFile(join(dir, f), (await readOptional(join(parent, f))) ?? '');
        }
      }
    }
  }
}

/** Moves a process into `rel` in every hierarchy. */
export async function joinCgroup(rel: string, pid: number): Promise<void> {
  for (const root of await cgroupV1Hierarchies()) await writeFile(join(root, rel, 'cgroup.procs'), `${pid}\n`);
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return [];
    throw err;
  }
}

/** Every cgroup directory of the tree, deepest first. */
async function treeDeepestFirst(top: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const sub of await subdirs(dir)) await walk(sub);
    out.push(dir);
  };
  if ((await subdirs(join(top, '..'))).includes(top)) await walk(top);
  return out;
}

/** The pids in the tree `rel` (any hierarchy), excluding `except`. */
export async function pidsInTree(rel: string, except: readonly number[] = []): Promise<number[]> {
  const pids = new Set<number>();
  for (const root of await allHierarchies()) {
    for (const dir of await treeDeepestFirst(join(root, rel))) {
      for (const line of ((await readOptional(join(dir, 'cgroup.procs'))) ?? '').split('\n')) {
        const pid = Number(line);
        if (Number.isInteger(pid) && pid > 0 && !except.includes(pid)) pids.add(pid);
      }
    }
  }
  return [...pids];
}

/**
 * Kills every process in the tree `rel` (but `except`) and, unless one of `except` lives in it, removes
 * the tree. Returns how many processes were killed; throws naming the tree if it cannot be emptied.
 */
export async function removeCgroupTree(rel: string, except: readonly number[] = [], timeoutMs = 15_000): Promise<number> {
  const killed = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await pidsInTree(rel, except);
    if (pids.length === 0) break;
    if (Date.now() > deadline) {
      throw new VClusterError(`processes ${pids.join(', ')} in cgroup ${rel} did not die`, { code: ErrorCode.PROCESS });
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
  if (except.length > 0) return killed.size;
  for (const root of await allHierarchies()) {
    for (const dir of await treeDeepestFirst(join(root, rel))) {
      for (let i = 0; ; i++) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          if (isErrnoException(err) && err.code === 'ENOENT') break;
          // a just-killed process may still be leaving its cgroup
          if (i >= 50) throw new VClusterError(`remove cgroup ${dir}`, { cause: err, code: ErrorCode.PROCESS });
          await sleep(100);
        }
      }
    }
  }
  return killed.size;
}

/** The cgroup folders of `rel` that exist (for checks and tests). */
export async function existingCgroups(rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const root of await allHierarchies()) out.push(...(await treeDeepestFirst(join(root, rel))));
  return out;
}
