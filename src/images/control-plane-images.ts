/**
 * The two images the kubernetes driver runs a virtual cluster's control plane from (as vCluster's
 * chart does): `vcluster-ts` — Node.js, the compiled project and its production node_modules, sqlite3,
 * and busybox's sh/ls/cp/tar/ps — and `kubernetes`, holding the pinned kube-apiserver and
 * kube-controller-manager in /kubernetes for an init container to copy into a shared volume
 * (`cp -r /kubernetes/. /binaries/`). Dynamic binaries come with the shared libraries `ldd` names.
 * The entry lists are pure; reading files and running ldd/npm are the I/O around them.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { run } from '../lib/process.js';
import { tarEntriesFromDir, type TarEntry } from './tar.js';

/** Absolute library paths in `ldd` output ("libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)"). */
export function parseLddPaths(output: string): string[] {
  const out = new Set<string>();
  for (const line of output.split('\n')) {
    if (/not found/.test(line)) {
      throw new VClusterError(`a shared library is missing: ${line.trim()}`, { code: ErrorCode.PRECONDITION });
    }
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m?.[1]) out.add(m[1]);
  }
  return [...out].sort();
}

/** Directory entries for every ancestor of `paths` (archive names, no leading slash), parents first. */
export function parentDirs(paths: readonly string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    let d = dirname(p.replace(/^\/+/, ''));
    while (d !== '.' && d !== '') {
      dirs.add(d);
      d = dirname(d);
    }
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1)).map((name) => ({ type: 'dir', name }));
}

/** Package folders of `npm ls --omit=dev --parseable --all` output, relative to the project root. */
export function productionPackageDirs(parseable: string, projectRoot: string): string[] {
  const root = projectRoot.replace(/\/+$/, '');
  return [
    ...new Set(
      parseable
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith(`${root}/node_modules/`))
        .map((l) => l.slice(root.length + 1)),
    ),
  ].sort();
}

/** The files of a dynamically linked program and its libraries, at their own paths (links followed). */
async function programWithLibraries(program: string): Promise<TarEntry[]> {
  const { stdout } = await run('ldd', [program]);
  const files = [program, ...parseLddPaths(stdout)];
  const entries: TarEntry[] = [];
  for (const f of files) entries.push({ type: 'file', name: f.replace(/^\/+/, ''), mode: 0o755, data: await readFile(await realpath(f)) });
  return entries;
}

/** Merges entry lists: the first entry of a name wins; directories come before what they hold. */
export function mergeEntries(...lists: readonly (readonly TarEntry[])[]): TarEntry[] {
  const seen = new Set<string>();
  const all: TarEntry[] = [];
  for (const list of lists) {
    for (const e of list) {
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      all.push(e);
    }
  }
  const dirs = all.filter((e) => e.type === 'dir').sort((a, b) => a.name.split('/').length - b.name.split('/').length);
  return [...dirs, ...all.filter((e) => e.type !== 'dir')];
}

/** Node.js and sqlite3 with their libraries: the runtime layer of the vcluster-ts image. */
export async function runtimeEntries(programs: readonly string[] = ['/usr/bin/node', '/usr/bin/sqlite3']): Promise<TarEntry[]> {
  const files: TarEntry[] = [];
  for (const p of programs) {
    try {
      files.push(...(await programWithLibraries(p)));
    } catch (err) {
      throw new VClusterError(`collect ${p} and its libraries for the vcluster-ts image`, {
        cause: err,
        code: ErrorCode.PRECONDITION,
        hint: p.endsWith('sqlite3') ? 'apt-get install sqlite3' : undefined,
      });
    }
  }
  return mergeEntries(parentDirs(files.map((f) => f.name)), files);
}

/** The project under /vcluster: package.json, the compiled .build/, the pinned go.mod files, production node_modules. */
export async function appEntries(repoRoot: string): Promise<TarEntry[]> {
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--parseable', '--all'], { env: { npm_config_loglevel: 'silent' } }).catch(
    (err: unknown) => {
      throw new VClusterError('list the production npm packages (npm ls --omit=dev)', { cause: err, code: ErrorCode.PRECONDITION });
    },
  );
  const packages = productionPackageDirs(stdout, repoRoot);
  const entries: TarEntry[] = [{ type: 'dir', name: 'vcluster' }];
  entries.push({ type: 'file', name: 'vcluster/package.json', data: await readFile(join(repoRoot, 'package.json')) });
  entries.push({ type: 'file', name: 'vcluster/bin/vcluster.js', mode: 0o755, data: await readFile(join(repoRoot, 'bin', 'vcluster.js')) });
  // every wrapper module's go.mod: `vcluster binaries` reads the pinned versions from them
  for (const mod of (await readdir(join(repoRoot, 'deps'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const data = await readFile(join(repoRoot, 'deps', mod, 'go.mod')).catch(() => undefined);
    if (data) entries.push({ type: 'file', name: `vcluster/deps/${mod}/go.mod`, data });
  }
  try {
    entries.push(...(await tarEntriesFromDir(join(repoRoot, '.build'), 'vcluster/.build')));
  } catch (err) {
    throw new VClusterError(`read ${join(repoRoot, '.build')}`, { cause: err, code: ErrorCode.PRECONDITION, hint: 'run `bash scripts/build.sh` first' });
  }
  for (const pkg of packages) entries.push(...(await tarEntriesFromDir(join(repoRoot, pkg), `vcluster/${pkg}`)));
  return mergeEntries(parentDirs(entries.map((e) => e.name)), entries);
}

/** /kubernetes/<name> for each binary: the layer of the kubernetes image. */
export async function kubernetesEntries(binaries: Readonly<Record<string, string>>): Promise<TarEntry[]> {
  const entries: TarEntry[] = [{ type: 'dir', name: 'kubernetes' }];
  for (const [name, path] of Object.entries(binaries)) {
    entries.push({ type: 'file', name: `kubernetes/${name}`, mode: 0o755, data: await readFile(path) });
  }
  return entries;
}
