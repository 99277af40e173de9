/**
 * The operator's commands: snapshot, restore, logs, debug mappings, describe, history, completion.
 * Each parses its options and calls one service in src/operations. `--data-dir` (hidden) makes logs,
 * debug mappings and history read a data dir directly: the kubernetes driver runs them that way inside
 * pod NAME-0; the hidden `operations` command holds the pod side of snapshot and restore.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../../lib/errors.js';
import { readStdin } from '../../operations/read-stdin.js';
import { completionScript, parseShell, type CommandSpec, type OptionSpec } from '../../operations/completion/completion.js';
import { describeVCluster, renderDescription } from '../../operations/describe/describe.js';
import { dataDirHistory, vclusterHistory, type HistorySubject } from '../../operations/history/run.js';
import { parseObjectArg } from '../../operations/history/keys.js';
import { renderHistory } from '../../operations/history/render.js';
import { dataDirLogs, vclusterLogs, type LogsOptions } from '../../operations/logs/logs.js';
import { LOG_COMPONENTS, parseLogComponent, type LogComponent } from '../../operations/logs/components.js';
import { dataDirMappings, vclusterMappings } from '../../operations/mappings/run.js';
import { MAPPING_COLUMNS, mappingsTable } from '../../operations/mappings/view.js';
import { snapshotDataDir, snapshotVCluster } from '../../operations/snapshot/snapshot.js';
import { restoreVCluster } from '../../operations/snapshot/restore.js';
import { stagePendingRestore } from '../../operations/snapshot/restore-pod.js';
import { dataDir } from '../../controlplane/datadir.js';
import { lifecycleContext, println, type CliContext } from '../context.js';
import { intOption, outputOption, type OutputFormat } from '../options.js';
import { renderTable } from '../table.js';

const NAMESPACE_HELP = 'host namespace of the vcluster (default: the context namespace, or vcluster-NAME when that is empty or "default")';
const dataDirOption = (): Option => new Option('--data-dir <dir>', 'read this data dir directly (used inside pod NAME-0)').hideHelp();

/** Aborts on SIGINT/SIGTERM (for -f). */
function interruptSignal(): AbortSignal {
  const abort = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
  return abort.signal;
}

export function operationsCommands(ctx: CliContext, allCommands: () => Promise<Command[]>): Command[] {
  const snapshot = new Command('snapshot')
    .description('Write a consistent online snapshot of a vcluster — its state.db (SQLite backup API, while it runs), PKI and config — as one .tar.gz archive')
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('--output <file>', 'the archive to write (default: ./NAME-<UTC time>.snapshot.tar.gz)')
    .action(async (name: string, opts: { namespace?: string; output?: string }) => {
      const r = await snapshotVCluster(await lifecycleContext(ctx), { name, namespace: opts.namespace, output: opts.output });
      println(ctx.stdout, `snapshot of vcluster ${r.manifest.name} at revision ${r.manifest.revision} written to ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB, ${r.seconds.toFixed(1)} s)`);
    });

  const restore = new Command('restore')
    .description(
      'Bring an existing vcluster back to a snapshot: its objects, mappings and PKI (it keeps its own config). The file is checked completely first; a missing or corrupt file changes nothing (exit 3 missing, 2 corrupt). The control plane restarts; the syncer then reconciles the host objects. To restore into a new vcluster: `vcluster create NAME --restore FILE`',
    )
    .argument('<name>', 'vcluster name')
    .argument('<file>', 'a snapshot written by `vcluster snapshot`')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .action(async (name: string, file: string, opts: { namespace?: string }) => {
      const r = await restoreVCluster(await lifecycleContext(ctx, ['kubectl', 'kube-apiserver', 'kube-controller-manager']), { name, namespace: opts.namespace, file });
      println(ctx.stdout, `vcluster ${r.name} restored to revision ${r.revision}${r.started ? ' and running' : ' (paused: resume it to start)'} (${r.seconds.toFixed(1)} s)`);
    });

  const logs = new Command('logs')
    .description(`Print a control-plane component's log (${LOG_COMPONENTS.join(', ')}); -f follows it`)
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('-f, --follow', 'keep printing what is appended (Ctrl-C stops)', false)
    .option('--component <component>', `one of ${LOG_COMPONENTS.join(', ')}`, parseLogComponent, 'syncer' as LogComponent)
    .option('--tail <lines>', 'print only the last N lines first (-1: all)', intOption('--tail', -1, 10_000_000), -1)
    .addOption(dataDirOption())
    .action(async (name: string, opts: { namespace?: string; follow: boolean; component: LogComponent; tail: number; dataDir?: string }) => {
      const o: LogsOptions = { component: opts.component, follow: opts.follow, tail: opts.tail };
      const signal = interruptSignal();
      if (opts.dataDir) return dataDirLogs(opts.dataDir, o, ctx.stdout, signal);
      await vclusterLogs(await lifecycleContext(ctx), name, opts.namespace, o, ctx.stdout, signal);
    });

  const debugMappings = new Command('mappings')
    .description("List the syncer's mappings store (virtual ↔ host names and the references a pod makes), as kept in the vcluster's state.db")
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('-o, --output <format>', 'table or json', outputOption, 'table' as OutputFormat)
    .addOption(dataDirOption())
    .action(async (name: string, opts: { namespace?: string; output: OutputFormat; dataDir?: string }) => {
      const rows = opts.dataDir ? dataDirMappings(dataDir(opts.dataDir).database) : await vclusterMappings(await lifecycleContext(ctx), name, opts.namespace);
      if (opts.output === 'json') return println(ctx.stdout, JSON.stringify(rows, null, 2));
      if (rows.length === 0) return println(ctx.stderr, 'no mappings stored');
      println(ctx.stdout, renderTable(MAPPING_COLUMNS, mappingsTable(rows)));
    });
  const debug = new Command('debug').description('Look inside a vcluster').addCommand(debugMappings);

  const describe = new Command('describe')
    .description('Show a vcluster: driver, versions, ports, data dir, sync switches and health')
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('-o, --output <format>', 'table (text) or json', outputOption, 'table' as OutputFormat)
    .action(async (name: string, opts: { namespace?: string; output: OutputFormat }) => {
      const d = await describeVCluster(await lifecycleContext(ctx), name, opts.namespace);
      println(ctx.stdout, opts.output === 'json' ? JSON.stringify(d, null, 2) : renderDescription(d));
    });

  const history = new Command('history')
    .description(
      'List the revisions kine still holds for one object of the vcluster (create/update/delete, revision, time, size) and a diff between consecutive versions. OBJECT is KIND/NAME (in namespace --object-namespace, default "default") or KIND/NAMESPACE/NAME; KIND is a kind, resource or short name, optionally .group (deployments.apps). -n is the vcluster\'s host namespace, as in every command. Built-in kinds are stored as protobuf and are decoded by the running vcluster\'s apiserver. Revisions older than the last compaction (every 5 minutes) are gone',
    )
    .argument('<name>', 'vcluster name')
    .argument('[object]', 'KIND/NAME or KIND/NAMESPACE/NAME, e.g. configmap/web, cm/team-a/web')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('--object-namespace <namespace>', 'the namespace inside the vcluster for KIND/NAME', 'default')
    .option('--key <key>', 'a raw kine key instead of OBJECT (e.g. /vcluster/mappings/v1/pod/default/web)')
    .option('-o, --output <format>', 'table (text) or json', outputOption, 'table' as OutputFormat)
    .addOption(dataDirOption())
    .action(async (name: string, object: string | undefined, opts: { namespace?: string; objectNamespace: string; key?: string; output: OutputFormat; dataDir?: string }) => {
      if ((object === undefined) === (opts.key === undefined)) throw new UsageError('give either OBJECT (KIND/NAME) or --key KEY');
      const subject: HistorySubject = opts.key !== undefined ? { key: opts.key } : { target: parseObjectArg(object!, opts.objectNamespace) };
      const h = opts.dataDir ? await dataDirHistory(opts.dataDir, subject, true) : await vclusterHistory(await lifecycleContext(ctx), name, opts.namespace, subject);
      println(ctx.stdout, opts.output === 'json' ? JSON.stringify(h, null, 2) : renderHistory(h));
    });

  const completion = new Command('completion')
    .description('Print a shell completion script: `source <(vcluster completion bash)`, or for zsh `source <(vcluster completion zsh)`')
    .argument('<shell>', 'bash or zsh', parseShell)
    .action(async (shell: 'bash' | 'zsh') => {
      const root = new Command('vcluster').option('--context <name>').option('--binaries-dir <dir>').option('--debug');
      for (const c of await allCommands()) root.addCommand(c);
      ctx.stdout.write(completionScript(specOf(root), shell));
    });

  const snapshotData = new Command('snapshot-data')
    .description('write a snapshot archive of a data dir to stdout')
    .requiredOption('--data-dir <dir>', 'the data dir')
    .action(async (opts: { dataDir: string }) => {
      ctx.stdout.write((await snapshotDataDir(dataDir(opts.dataDir))).archive);
    });
  const stageRestore = new Command('stage-restore')
    .description('check a snapshot archive read from stdin and leave it for the next `vcluster start`')
    .requiredOption('--data-dir <dir>', 'the data dir')
    .action(async (opts: { dataDir: string }) => {
      await stagePendingRestore(opts.dataDir, await readStdin());
      println(ctx.stdout, 'staged');
    });
  const operations = new Command('operations').description('the pod side of snapshot and restore (kubernetes driver)').addCommand(snapshotData).addCommand(stageRestore);

  return [snapshot, restore, logs, debug, describe, history, completion, operations];
}

/** Value choices offered by completion, by long option name. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  '--component': LOG_COMPONENTS,
  '--driver': ['local', 'kubernetes'],
};

function specOf(cmd: Command): CommandSpec {
  const help = cmd.createHelp();
  const options: OptionSpec[] = help.visibleOptions(cmd).map((o) => {
    const flags = [o.short, o.long].filter((f): f is string => typeof f === 'string');
    const choices = o.long === '--output' && o.description.startsWith('table') ? ['table', 'json'] : o.long ? CHOICES[o.long] : undefined;
    return choices ? { flags, choices } : { flags };
  });
  const commands = help.visibleCommands(cmd).filter((c) => c.name() !== 'help' && c.name() !== 'operations' && c.name() !== 'connect-proxy');
  return { name: cmd.name(), options, commands: commands.map(specOf) };
}
