/** What every command gets: the environment, a logger, output streams, and global flags. */
import type { Environment } from './environment.js';
import type { Logger } from '../lib/logger.js';
import type { BinarySource } from '../binaries/locate.js';
import { join } from 'node:path';
import { requireBinaries } from '../binaries/locate.js';
import type { BinaryName } from '../binaries/versions.js';
import type { LifecycleContext } from '../vclusters/context.js';

export interface CliContext {
  readonly env: Environment;
  readonly log: Logger;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** --binaries-dir, or VCLUSTER_BINARIES_DIR. */
  binariesDir(): string | undefined;
  /** --context: the host kubeconfig context. */
  hostContext(): string | undefined;
  /** Lets a command (connect -- CMD) hand its child's exit code to main. */
  setExitCode(code: number): void;
}

export function binarySource(ctx: CliContext): BinarySource {
  return { explicitDir: ctx.binariesDir(), cacheRoot: ctx.env.cacheRoot, depsRoot: join(ctx.env.repoRoot, 'deps') };
}

export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** The context of the vcluster lifecycle services, with the binaries they need present. */
export async function lifecycleContext(ctx: CliContext, binaries: readonly BinaryName[] = ['kubectl']): Promise<LifecycleContext> {
  return {
    home: ctx.env.vclusterHome,
    binaries: await requireBinaries(binarySource(ctx), binaries),
    cliArgv: ctx.env.cliArgv,
    userKubeconfig: ctx.env.kubeconfig,
    contextFlag: ctx.hostContext(),
    progress: (line) => println(ctx.stderr, line),
    images: { repoRoot: ctx.env.repoRoot, cacheRoot: ctx.env.cacheRoot },
  };
}
