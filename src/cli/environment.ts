/**
 * Everything the CLI takes from the process environment, read once at start and passed down.
 *   VCLUSTER_HOME          data of the embedded host and local vclusters (default ~/.vcluster-ts)
 *   VCLUSTER_CACHE_DIR     cache root for built binaries (default $XDG_CACHE_HOME/vcluster-ts or ~/.cache/vcluster-ts)
 *   VCLUSTER_BINARIES_DIR  a directory of existing upstream binaries (same as --binaries-dir)
 *   KUBECONFIG             the user's kubeconfig (first entry is written; default ~/.kube/config)
 *   VCLUSTER_LOG_LEVEL     log level of the structured logger (default info; --debug sets debug)
 */
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Environment {
  readonly vclusterHome: string;
  readonly cacheRoot: string;
  readonly binariesDir: string | undefined;
  readonly kubeconfig: string;
  readonly logLevel: string;
  /** The repository root (holds deps/kubernetes). */
  readonly repoRoot: string;
  /** argv prefix that runs this CLI again: [node, bin/vcluster.js]. */
  readonly cliArgv: readonly string[];
  /** VCLUSTER_NAME: the vcluster a `vcluster start` in a pod without a seed bootstraps (the Helm chart sets it). */
  readonly vclusterName: string | undefined;
}

/** The nearest folder above `from` holding package.json (src/ and its compiled copy in .build/ alike). */
function findRepoRoot(from: string): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const home = env.HOME ?? homedir();
  const repoRoot = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));
  const firstKubeconfig = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.length > 0);
  return {
    vclusterHome: env.VCLUSTER_HOME ?? join(home, '.vcluster-ts'),
    cacheRoot: env.VCLUSTER_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'vcluster-ts'),
    binariesDir: env.VCLUSTER_BINARIES_DIR || undefined,
    kubeconfig: firstKubeconfig ?? join(home, '.kube', 'config'),
    logLevel: env.VCLUSTER_LOG_LEVEL ?? 'info',
    repoRoot,
    cliArgv: [process.execPath, join(repoRoot, 'bin', 'vcluster.js')],
    vclusterName: env.VCLUSTER_NAME || undefined,
  };
}
