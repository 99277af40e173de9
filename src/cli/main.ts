/**
 * The `vcluster` command line: builds the program, and is the ONE place that turns errors into
 * messages and exit codes (see exitCodeFor in src/lib/errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { ErrorCode, UsageError, exitCodeFor, formatError, hintOf } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { binariesCommand } from './commands/binaries.js';
import { hostCommand } from './commands/host.js';
import { kineCommand } from './commands/kine.js';
import { lifecycleCommands } from './commands/lifecycle.js';
import { startCommand } from './commands/start.js';
import { binarySource, type CliContext } from './context.js';
import { requireBinaries } from '../binaries/locate.js';
import type { AfterReady } from '../controlplane/start.js';
import { publishKubeconfig } from '../lifecycle/publish-kubeconfig.js';
import { startSyncer } from '../syncer/engine/start-syncer.js';
import { readEnvironment } from './environment.js';

export function buildProgram(ctx: CliContext, globals: Globals): Command {
  const program = new Command('vcluster')
    .description('Virtual Kubernetes clusters: a real control plane on one SQLite file, synced into one host namespace')
    .version('0.1.0', '--version', 'print the vcluster-ts version')
    .option('--context <name>', 'the host cluster kubeconfig context (default: the current context)')
    .option('--binaries-dir <dir>', 'use the upstream binaries in this directory instead of the built cache (env VCLUSTER_BINARIES_DIR)')
    .option('--debug', 'log at debug level')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .exitOverride()
    .hook('preAction', (cmd) => {
      const o = cmd.optsWithGlobals<{ binariesDir?: string; context?: string; debug?: boolean }>();
      if (o.binariesDir) globals.binariesDir = o.binariesDir;
      if (o.context) globals.context = o.context;
      if (o.debug) ctx.log.level = 'debug';
    });
  for (const sub of [...lifecycleCommands(ctx), binariesCommand(ctx), hostCommand(ctx), startCommand(ctx, afterReady(ctx)), kineCommand({ log: ctx.log })]) {
    program.addCommand(sub);
  }
  const inherit = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.copyInheritedSettings(cmd);
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

interface Globals {
  binariesDir?: string;
  context?: string;
  exitCode?: number;
}

/** What `vcluster start` runs once its virtual API serves: the kubeconfig Secret on the host, then the syncer. */
function afterReady(ctx: CliContext): AfterReady {
  return async (ready) => {
    const binaries = await requireBinaries(binarySource(ctx), ['kubectl']);
    await publishKubeconfig(ready, binaries.path('kubectl'));
    return startSyncer(ready, binaries.versions.kubernetes);
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const env = readEnvironment();
  const log = createLogger({ level: env.logLevel });
  const globals: Globals = {};
  const ctx: CliContext = {
    env,
    log,
    stdout: process.stdout,
    stderr: process.stderr,
    binariesDir: () => globals.binariesDir ?? env.binariesDir,
    hostContext: () => globals.context,
    setExitCode: (code) => (globals.exitCode = code),
  };
  const program = buildProgram(ctx, globals);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return globals.exitCode ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; commander already printed the message.
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return 0;
      // An option parser threw one of our errors: commander wraps nothing, it rethrows as is.
      return exitCodeFor(new UsageError(err.message));
    }
    const hint = hintOf(err);
    process.stderr.write(`error: ${formatError(err)}\n${hint ? `hint: ${hint}\n` : ''}`);
    if (exitCodeFor(err) === 1 && !(err instanceof Error && 'code' in err && err.code !== ErrorCode.INTERNAL)) {
      log.debug({ err }, 'unexpected error');
    }
    return exitCodeFor(err);
  }
}

process.exitCode = await main(process.argv.slice(2));
