/**
 * Builds missing upstream binaries into the cache by running each group's deps/<group>/build.sh (go
 * build with the pinned wrapper module), streaming its progress lines to the caller.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ErrorCode, ProcessError, VClusterError } from '../lib/errors.js';
import { binarySet, missingBinaries, type BinarySet, type BinarySource } from './locate.js';
import { BINARY_GROUPS, BINARY_NAMES, groupOf, type BinaryGroup, type BinaryName } from './versions.js';

export interface EnsureOptions {
  readonly names?: readonly BinaryName[];
  /** Receives one line per progress step ("building kubectl", "built kubectl in 83s"). */
  readonly onProgress: (line: string) => void;
  /** The `go` command to use. @default 'go' from PATH */
  readonly goCommand?: string;
  readonly signal?: AbortSignal;
}

export interface EnsureResult {
  readonly set: BinarySet;
  readonly built: readonly BinaryName[];
}

export async function ensureBinaries(source: BinarySource, options: EnsureOptions): Promise<EnsureResult> {
  const set = await binarySet(source);
  const names = options.names ?? BINARY_NAMES;
  const missing = await missingBinaries(set, names);
  if (missing.length === 0) return { set, built: [] };
  if (set.origin === 'explicit') {
    throw new VClusterError(`missing binaries in ${set.dir}: ${missing.join(', ')}`, {
      code: ErrorCode.PRECONDITION,
      hint: 'a --binaries-dir directory is used as it is and never built into; drop the flag to build the cache',
    });
  }
  await assertGoToolchain(options.goCommand ?? 'go');
  for (const group of Object.keys(BINARY_GROUPS) as BinaryGroup[]) {
    const names = missing.filter((n) => groupOf(n) === group);
    if (names.length === 0) continue;
    const dir = set.groupDir(group);
    options.onProgress(`building ${names.join(', ')} into ${dir} (a cold build takes several minutes)`);
    await runBuild(join(source.depsRoot, group, 'build.sh'), dir, names, options);
  }
  const still = await missingBinaries(set, missing);
  if (still.length > 0) {
    throw new ProcessError(`build finished but binaries are still missing: ${still.join(', ')}`);
  }
  return { set, built: missing };
}

async function assertGoToolchain(go: string): Promise<void> {
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(go, ['version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
  if (!ok) {
    throw new VClusterError(`the Go toolchain (${go}) was not found`, {
      code: ErrorCode.PRECONDITION,
      hint: 'install Go >= 1.26 to build the pinned upstream binaries, or pass --binaries-dir with prebuilt ones',
    });
  }
}

function runBuild(script: string, outDir: string, names: readonly BinaryName[], options: EnsureOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, outDir, ...names], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(options.goCommand ? { PATH: `${options.goCommand}/..:${process.env.PATH ?? ''}` } : {}) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const tail: string[] = [];
    const collect = (line: string, progress: boolean): void => {
      if (progress) options.onProgress(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    };
    createInterface({ input: child.stdout }).on('line', (l) => collect(l, true));
    createInterface({ input: child.stderr }).on('line', (l) => collect(l, false));
    child.on('error', (err) => reject(new ProcessError('run build script', { cause: err })));
    child.on('exit', (code, sig) => {
      if (code === 0) resolve();
      else
        reject(
          new ProcessError(`building binaries failed (${sig ?? `exit ${code}`}); last output:\n${tail.join('\n')}`),
        );
    });
  });
}
