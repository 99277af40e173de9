/**
 * The vcluster lifecycle: create, list, connect, disconnect, delete, pause, resume. Each command parses
 * its options and calls one service in src/lifecycle.
 */
import { Command } from 'commander';
import { connectVCluster, disconnectVCluster } from '../../vclusters/connect.js';
import { createVCluster } from '../../vclusters/create.js';
import { createFromSnapshot } from '../../operations/snapshot/create-restore.js';
import { keepForwarding } from '../../drivers/kubernetes/port-forward.js';
import { UsageError } from '../../lib/errors.js';
import { deleteVCluster } from '../../vclusters/delete.js';
import { age, listVClusters } from '../../vclusters/list.js';
import { pauseVCluster, resumeVCluster } from '../../vclusters/pause.js';
import { lifecycleContext, println, type CliContext } from '../context.js';
import { intOption, outputOption, type OutputFormat } from '../options.js';
import { renderTable } from '../table.js';
import { CONTROL_PLANE_BINARIES } from '../../binaries/control-plane.js';

const NAMESPACE_HELP = 'host namespace (default: the context namespace, or vcluster-NAME when that is empty or "default")';
const collect = (value: string, previous: string[]): string[] => [...previous, value];

function driverOption(value: string): 'local' | 'kubernetes' {
  if (value === 'local' || value === 'kubernetes') return value;
  throw new UsageError(`invalid --driver "${value}": must be local or kubernetes`);
}

export function lifecycleCommands(ctx: CliContext): Command[] {
  const create = new Command('create')
    .description(
      'Create a virtual cluster in a host namespace and start its control plane — as pod NAME-0 of StatefulSet NAME in the host (--driver kubernetes, the default when the host has a real node of the embedded host) or as processes on this machine (--driver local, the default otherwise) — then connect to it',
    )
    .argument('<name>', 'vcluster name (a DNS label of at most 52 characters)')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('-f, --values <file>', 'vcluster.yaml to apply (repeatable, later files win)', collect, [])
    .option('--set <key=value>', 'set one vcluster.yaml value, Helm style (repeatable)', collect, [])
    .option('--connect [bool]', 'connect after create (--connect=false to skip)', (v) => v !== 'false', true)
    .option(
      '--driver <driver>',
      'local: the control plane runs as processes on this machine; kubernetes: as pod NAME-0 in the host (on the embedded host its images are built and loaded into the real node). Default: kubernetes when the host has a Ready real node of the embedded host, else local',
      driverOption,
    )
    .option('--restore <file>', "start from a snapshot written by `vcluster snapshot` (its objects, mappings, PKI; its config.yaml is applied before -f and --set)")
    .action(async (name: string, opts: { namespace?: string; values: string[]; set: string[]; connect: boolean; driver?: 'local' | 'kubernetes'; restore?: string }) => {
      const lc = await lifecycleContext(ctx, opts.driver === 'kubernetes' ? [...CONTROL_PLANE_BINARIES, 'ctr'] : CONTROL_PLANE_BINARIES);
      const createOpts = { name, namespace: opts.namespace, values: opts.values, set: opts.set, ...(opts.driver ? { driver: opts.driver } : {}) };
      const r = opts.restore ? await createFromSnapshot(lc, { ...createOpts, restore: opts.restore }) : await createVCluster(lc, createOpts);
      println(ctx.stdout, `vcluster ${r.name} is running in namespace ${r.namespace} (created in ${r.seconds.toFixed(1)} s, API ${r.apiServer})`);
      if (opts.connect) {
        const context = await connectVCluster(lc, r.name, r.namespace, { kind: 'context' });
        println(ctx.stdout, `switched to context "${String(context)}"; \`vcluster disconnect\` switches back to "${r.hostContext}"`);
      } else {
        println(ctx.stdout, `connect with: vcluster connect ${r.name} -n ${r.namespace}`);
      }
    });

  const list = new Command('list')
    .description('List the virtual clusters of the host context')
    .option('-o, --output <format>', 'table or json', outputOption, 'table' as OutputFormat)
    .action(async (opts: { output: OutputFormat }) => {
      const items = await listVClusters(await lifecycleContext(ctx));
      if (opts.output === 'json') return println(ctx.stdout, JSON.stringify(items, null, 2));
      if (items.length === 0) return println(ctx.stderr, 'no virtual clusters found; create one with `vcluster create NAME`');
      println(ctx.stdout, renderTable(['NAME', 'NAMESPACE', 'STATUS', 'CONNECTED', 'AGE'], items.map((v) => [v.name, v.namespace, v.status, v.connected ? 'True' : '', age(v.created)])));
    });

  const connect = new Command('connect')
    .description('Add a kubeconfig context for a virtual cluster and make it current; or print its kubeconfig; or run one command against it (vcluster connect NAME -- kubectl get ns)')
    .argument('<name>', 'vcluster name')
    .argument('[command...]', 'a command to run with KUBECONFIG pointing at the vcluster')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('--print', 'print the kubeconfig instead of changing yours', false)
    .action(async (name: string, command: string[], opts: { namespace?: string; print: boolean }) => {
      const lc = await lifecycleContext(ctx);
      if (command.length > 0) {
        ctx.setExitCode(Number(await connectVCluster(lc, name, opts.namespace, { kind: 'command', argv: command })));
      } else if (opts.print) {
        ctx.stdout.write(String(await connectVCluster(lc, name, opts.namespace, { kind: 'print' })));
      } else {
        const context = await connectVCluster(lc, name, opts.namespace, { kind: 'context' });
        println(ctx.stdout, `switched to context "${String(context)}"`);
      }
    });

  const disconnect = new Command('disconnect').description('Switch from a vcluster context back to its host context').action(async () => {
    const hostContext = await disconnectVCluster(await lifecycleContext(ctx));
    println(ctx.stdout, `switched back to context "${hostContext}"`);
  });

  const del = new Command('delete')
    .description('Stop a virtual cluster and remove everything it made on the host (synced objects too), its data and its kubeconfig context')
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .option('--keep-data', 'keep the local data dir (state.db, pki/ ...)', false)
    .option('--ignore-not-found', 'succeed when the vcluster does not exist', false)
    .action(async (name: string, opts: { namespace?: string; keepData: boolean; ignoreNotFound: boolean }) => {
      const r = await deleteVCluster(await lifecycleContext(ctx), { name, namespace: opts.namespace, keepData: opts.keepData, ignoreNotFound: opts.ignoreNotFound });
      println(ctx.stdout, r.deleted ? `vcluster ${name} deleted` : `vcluster ${name} not found (ignored)`);
    });

  const pause = new Command('pause')
    .description('Stop a virtual cluster and its workloads on the host, keeping all its data')
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .action(async (name: string, opts: { namespace?: string }) => {
      await pauseVCluster(await lifecycleContext(ctx), name, opts.namespace);
      println(ctx.stdout, `vcluster ${name} paused`);
    });

  const resume = new Command('resume')
    .description('Start a paused (or stopped) virtual cluster again')
    .argument('<name>', 'vcluster name')
    .option('-n, --namespace <namespace>', NAMESPACE_HELP)
    .action(async (name: string, opts: { namespace?: string }) => {
      const s = await resumeVCluster(await lifecycleContext(ctx, CONTROL_PLANE_BINARIES), name, opts.namespace);
      println(ctx.stdout, `vcluster ${name} is running (API https://127.0.0.1:${s.ports.apiServer})`);
    });

  const connectProxy = new Command('connect-proxy')
    .description('Keep a port-forward to pod NAME-0:8443 on a loopback port, starting it again when it ends (started by connect for the kubernetes driver)')
    .argument('<name>', 'vcluster name')
    .requiredOption('-n, --namespace <namespace>', 'the vcluster namespace')
    .requiredOption('--port <port>', 'the loopback port', intOption('--port', 1, 65535))
    .requiredOption('--kubeconfig <file>', 'the host kubeconfig')
    .requiredOption('--host-context <context>', 'the host context')
    .requiredOption('--record-dir <dir>', "the vcluster's local record (identifies this proxy)")
    .action(async (name: string, opts: { namespace: string; port: number; kubeconfig: string; hostContext: string }) => {
      const lc = await lifecycleContext(ctx, ['kubectl']);
      const abort = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
      await keepForwarding({ kubectl: lc.binaries.path('kubectl'), kubeconfig: opts.kubeconfig, context: opts.hostContext, namespace: opts.namespace, name }, opts.port, abort.signal, (l) => println(ctx.stderr, l));
    });

  return [create, list, connect, disconnect, del, pause, resume, connectProxy];
}
