/** `vcluster host up | status | down` (and the hidden `serve`): the embedded host cluster. */
import { Command } from 'commander';
import { join } from 'node:path';
import { requireBinaries } from '../../binaries/locate.js';
import { NODE_BINARIES, NODE_IMAGE_BINARIES, type BinaryName } from '../../binaries/versions.js';
import { runNodeAgent } from '../../embedded-host/node/agent.js';
import { MAX_REAL_NODES } from '../../embedded-host/node/layout.js';
import { hostPaths } from '../../embedded-host/paths.js';
import { hostDown, hostStatus, hostUp, type HostCommandContext } from '../../embedded-host/up-down.js';
import { MAX_HOST_NODES } from '../../embedded-host/nodes.js';
import { HOST_CONTEXT } from '../../embedded-host/paths.js';
import { serveHost } from '../../embedded-host/serve.js';
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
    images: { repoRoot: ctx.env.repoRoot, cacheDir: join(ctx.env.cacheRoot, 'image-build') },
  });

  cmd
    .command('up')
    .description(`Start the embedded host (harmless when it already runs) and add the kubeconfig context "${HOST_CONTEXT}"`)
    .option('--nodes <n>', `number of simulated nodes (1-${MAX_HOST_NODES})`, intOption('--nodes', 1, MAX_HOST_NODES), 3)
    .option(
      '--real-nodes <n>',
      `number of real nodes (0-${MAX_REAL_NODES}): kubelet + containerd + runc + kube-proxy, each in a network and mount namespace of its own with no route off the machine; 0 = simulated nodes only`,
      intOption('--real-nodes', 0, MAX_REAL_NODES),
      1,
    )
    .option('--data-dir <dir>', 'where the host keeps its state', defaultDataDir)
    .action(async (opts: { nodes: number; realNodes: number; dataDir: string }) => {
      const started = Date.now();
      const names: readonly BinaryName[] = opts.realNodes > 0 ? [...HOST_BINARIES, ...NODE_BINARIES, ...NODE_IMAGE_BINARIES] : HOST_BINARIES;
      const state = await hostUp(await hostCtx(opts.dataDir, names), opts.nodes, opts.realNodes);
      println(
        ctx.stdout,
        `embedded host ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${state.nodes} simulated node(s), ${state.realNodes} real node(s), API https://127.0.0.1:${state.ports.apiServer}`,
      );
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
          ['STATUS', 'PID', 'NODES', 'REAL NODES', 'API', 'CONTEXT', 'DATA'],
          [[
            s.phase,
            s.supervisorPid ? String(s.supervisorPid) : '-',
            s.nodes === undefined ? '-' : s.running ? `${s.readyNodes ?? 0}/${s.nodes} ready` : String(s.nodes),
            s.realNodes === undefined ? '-' : s.running ? `${s.readyRealNodes ?? 0}/${s.realNodes} ready` : String(s.realNodes),
            s.ports ? `https://127.0.0.1:${s.ports.apiServer}` : '-',
            s.context,
            s.dataDir,
          ]],
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
      await serveHost({ dataDir: opts.dataDir, binaries, log: ctx.log, signal: abort.signal, cliArgv: [...ctx.env.cliArgv, ...binaries.childArgs] });
    });

  cmd
    .command('node-agent', { hidden: true })
    .description('Run one real node in the foreground, inside its own namespaces (started by `host serve`)')
    .requiredOption('--data-dir <dir>', 'the embedded host data dir')
    .requiredOption('--node <i>', 'the real node index (1-based)', intOption('--node', 1, MAX_REAL_NODES))
    .requiredOption('--root-pid <pid>', 'a process in the root network namespace', intOption('--root-pid', 1, 2 ** 22))
    .action(async (opts: { dataDir: string; node: number; rootPid: number }) => {
      const binaries = await requireBinaries(binarySource(ctx), NODE_BINARIES);
      const abort = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
      await runNodeAgent({
        hostDataDir: opts.dataDir,
        index: opts.node,
        rootPid: opts.rootPid,
        imagesDir: hostPaths(opts.dataDir).imagesDir,
        binaries,
        log: ctx.log,
        signal: abort.signal,
      });
    });
  return cmd;
}
