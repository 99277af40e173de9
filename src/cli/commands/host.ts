/** `vcluster host up | status | down` (and the hidden `serve`): the embedded host cluster. */
import { Command } from 'commander';
import { join } from 'node:path';
import { requireBinaries } from '../../binaries/locate.js';
import type { BinaryName } from '../../binaries/versions.js';
import { hostDown, hostStatus, hostUp, type HostCommandContext } from '../../host/lifecycle.js';
import { MAX_HOST_NODES } from '../../host/nodes.js';
import { HOST_CONTEXT } from '../../host/paths.js';
import { serveHost } from '../../host/serve.js';
import { binarySource, println, type CliContext } from '../context.js';
import { intOption, outputOption, type OutputFormat } from '../options.js';
import { renderTable } from '../table.js';

const HOST_BINARIES: readonly BinaryName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'];

export function hostCommand(ctx: CliContext): Command {
  const cmd = new Command('host').description(
    'The embedded host cluster: a real kube-apiserver, etcd, kube-controller-manager, kube-scheduler and kwok with simulated nodes, on loopback',
  );
  const defaultDataDir = join(ctx.env.vclusterHome, 'host');
  const hostCtx = async (dataDir: string, binaries: readonly BinaryName[] = HOST_BINARIES): Promise<HostCommandContext> => ({
    dataDir,
    binaries: await requireBinaries(binarySource(ctx), binaries),
    userKubeconfig: ctx.env.kubeconfig,
    cliArgv: ctx.env.cliArgv,
    progress: (l) => println(ctx.stderr, l),
    vclusterHome: ctx.env.vclusterHome,
  });

  cmd
    .command('up')
    .description(`Start the embedded host (harmless when it already runs) and add the kubeconfig context "${HOST_CONTEXT}"`)
    .option('--nodes <n>', `number of simulated nodes (1-${MAX_HOST_NODES})`, intOption('--nodes', 1, MAX_HOST_NODES), 3)
    .option('--data-dir <dir>', 'where the host keeps its state', defaultDataDir)
    .action(async (opts: { nodes: number; dataDir: string }) => {
      const started = Date.now();
      const state = await hostUp(await hostCtx(opts.dataDir), opts.nodes);
      println(ctx.stdout, `embedded host ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${state.nodes} node(s), API https://127.0.0.1:${state.ports.apiServer}`);
      println(ctx.stdout, `use it with: kubectl --context ${HOST_CONTEXT} get nodes`);
    });

  cmd
    .command('status')
    .description('Show whether the embedded host runs, its ports and nodes')
    .option('--data-dir <dir>', 'where the host keeps its state', defaultDataDir)
    .option('-o, --output <format>', 'table or json', outputOption, 'table' as OutputFormat)
    .action(async (opts: { dataDir: string; output: OutputFormat }) => {
      const s = await hostStatus(await hostCtx(opts.dataDir, ['kubectl']));
      if (opts.output === 'json') return println(ctx.stdout, JSON.stringify(s, null, 2));
      println(
        ctx.stdout,
        renderTable(
          ['STATUS', 'PID', 'NODES', 'API', 'CONTEXT', 'DATA'],
          [[s.phase, s.supervisorPid ? String(s.supervisorPid) : '-', s.nodes === undefined ? '-' : s.running ? `${s.readyNodes ?? 0}/${s.nodes} ready` : String(s.nodes), s.ports ? `https://127.0.0.1:${s.ports.apiServer}` : '-', s.context, s.dataDir]],
        ),
      );
      if (s.error) println(ctx.stdout, `last error: ${s.error}`);
    });

  cmd
    .command('down')
    .description('Stop every process of the embedded host; keeps its data unless --purge')
    .option('--purge', 'also delete the data dir and the kubeconfig context', false)
    .option('--data-dir <dir>', 'where the host keeps its state', defaultDataDir)
    .action(async (opts: { purge: boolean; dataDir: string }) => {
      const r = await hostDown(await hostCtx(opts.dataDir, ['kubectl']), opts.purge);
      println(ctx.stdout, `${r.stopped ? 'embedded host stopped' : 'embedded host was not running'}${r.purged ? '; data and context removed' : ''}`);
    });

  cmd
    .command('serve', { hidden: true })
    .description('Run the embedded host in the foreground (started by `host up`)')
    .requiredOption('--data-dir <dir>', 'where the host keeps its state')
    .action(async (opts: { dataDir: string }) => {
      const binaries = await requireBinaries(binarySource(ctx), HOST_BINARIES);
      const abort = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
      await serveHost({ dataDir: opts.dataDir, binaries, log: ctx.log, signal: abort.signal });
    });
  return cmd;
}
