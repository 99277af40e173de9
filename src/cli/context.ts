/** What every command gets: the environment, a logger, output streams, and global flags. */
import type { Environment } from './environment.js';
import type { Logger } from '../lib/logger.js';
import type { BinarySource } from '../binaries/locate.js';
import { join } from 'node:path';

export interface CliContext {
  readonly env: Environment;
  readonly log: Logger;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** --binaries-dir, or VCLUSTER_BINARIES_DIR. */
  binariesDir(): string | undefined;
}

export function binarySource(ctx: CliContext): BinarySource {
  return { explicitDir: ctx.binariesDir(), cacheRoot: ctx.env.cacheRoot, depsDir: join(ctx.env.repoRoot, 'deps', 'kubernetes') };
}

export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
