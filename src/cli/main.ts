/**
 * The `vcluster` command line: builds the program, and is the ONE place that turns errors into
 * messages and exit codes (see exitCodeFor in src/lib/errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { ErrorCode, UsageError, exitCodeFor, formatError, hintOf } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import type { CliContext } from './context.js';
import { readEnvironment } from './environment.js';

/**
 * Each command's module is loaded only when that command runs (or for help), so long-running
 * processes — `vcluster kine`, `vcluster start` — carry only what they use.
 */
type CommandLoader = (ctx: CliContext) => Promise<Command[]>;
const lifecycle: CommandLoader = async (ctx) => (await import('./commands/vclusters.js')).lifecycleCommands(ctx);
const operations: CommandLoader = async (ctx) => (await import('./commands/operations.js')).operationsCommands(ctx, () => allCommands(ctx));
const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  create: lifecycle,
  list: lifecycle,
  connect: lifecycle,
  disconnect: lifecycle,
  delete: lifecycle,
  pause: lifecycle,
  resume: lifecycle,
  'connect-proxy': lifecycle,
  binaries: async (ctx) => [(await import('./commands/binaries.js')).binariesCommand(ctx)],
  host: async (ctx) => [(await import('./commands/host.js')).hostCommand(ctx)],
  image: async (ctx) => [(await import('./commands/image.js')).imageCommand(ctx)],
  start: async (ctx) => [(await import('./commands/start.js')).startCommand(ctx)],
  kine: async (ctx) => [(await import('./commands/kine.js')).kineCommand({ log: ctx.log })],
  snapshot: operations,
  restore: operations,
  logs: operations,
  debug: operations,
  describe: operations,
  history: operations,
  completion: operations,
  operations: operations,
};
/** Every command (for `completion`, which needs the whole tree whichever command was named). */
async function allCommands(ctx: CliContext): Promise<Command[]> {
  const out: Command[] = [];
  for (const load of new Set(Object.values(COMMANDS))) out.push(...(await load(ctx)));
  return out;
}
/** Commands other commands start; not for users, so not in --help. */
const HIDDEN_COMMANDS = new Set(['connect-proxy', 'operations']);
/** Global options that take a value (skipped when looking for the command name). */
const GLOBAL_VALUE_OPTIONS = new Set(['--context', '--binaries-dir']);

/** The command named on the command line, if it is one we know. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (GLOBAL_VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return Object.hasOwn(COMMANDS, a) ? a : undefined;
  }
  return undefined;
}

export async function buildProgram(ctx: CliContext, globals: Globals, argv: readonly string[] = []): Promise<Command> {
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
  const named = commandNameOf(argv);
  const loaders = named ? [COMMANDS[named]!] : [...new Set(Object.values(COMMANDS))];
  for (const load of loaders) for (const sub of await load(ctx)) program.addCommand(sub, { hidden: HIDDEN_COMMANDS.has(sub.name()) });
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
  const program = await buildProgram(ctx, globals, argv);
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
