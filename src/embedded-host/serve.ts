/**
 * `vcluster host serve`: the foreground supervisor of the embedded host. It prepares the PKI and
 * kubeconfigs, starts etcd → kube-apiserver → kube-controller-manager → kube-scheduler → kwok, makes
 * the simulated nodes, then (with real nodes) the apiserver relay and one node agent per real node,
 * records phase 'ready' in state.json, and stops everything in reverse order on SIGTERM/SIGINT or when
 * a component dies (phase 'failed' with the error). After the stop, whatever is left in the real
 * nodes' cgroups is killed and the cgroups removed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { BinarySet } from '../binaries/locate.js';
import { renderKubeconfig } from '../controlplane/kubeconfig.js';
import { ensurePki, type Pki } from '../controlplane/pki/store.js';
import { Supervisor } from '../controlplane/supervisor/supervisor.js';
import { formatError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { renderKwokStages } from './kwok-stages.js';
import { kwokDebuggingContents, kwokDebuggingFiles, renderKwokDebugging } from './kwok-debugging.js';
import { openKubeClient, type ClosableKubeClient } from '../k8s/client.js';
import { reconcileNodes, waitNodesReady } from './node-sync.js';
import { HOST_CONTEXT, HOST_PKI_SPEC, hostPaths, type HostPaths } from './paths.js';
import { hostComponents } from './plan.js';
import { readHostState, writeHostState, type HostState } from './state.js';
import { startApiRelay, type ApiRelay } from './api-relay.js';
import { hostCgroup, realNodeLayout } from './node/layout.js';
import { parseCgroupV1Mounts, removeCgroupTree } from './node/cgroups.js';
import { nodeAgentSpec } from './node/components.js';
import { ensureKubeletClientCert, prepareNode } from './node/prepare.js';
import { findNodeSystem } from './node/preflight.js';
import { waitDefaultServiceAccount, waitRealNodesReady } from './node-sync.js';

export interface ServeOptions {
  readonly dataDir: string;
  readonly binaries: BinarySet;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** argv that runs this CLI (node agents are started with it). */
  readonly cliArgv: readonly string[];
}

/** Kills whatever is left in the real nodes' cgroups and removes them; returns how many processes were killed. */
export async function sweepRealNodes(dataDir: string): Promise<number> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  if (parseCgroupV1Mounts(mounts).length === 0) return 0; // no real node can have run here
  return removeCgroupTree(`/${hostCgroup(dataDir)}`);
}

async function writeKubeconfigs(paths: HostPaths, pki: Pki, apiPort: number): Promise<void> {
  const server = `https://127.0.0.1:${apiPort}`;
  const users = [
    [paths.adminKubeconfig, pki.leaves.admin],
    [paths.controllerManagerKubeconfig, pki.leaves['controller-manager']],
    [paths.schedulerKubeconfig, pki.leaves.scheduler],
  ] as const;
  for (const [file, leaf] of users) {
    const text = renderKubeconfig({
      server,
      caPem: pki.ca.cert,
      clientCertPem: leaf.cert,
      clientKeyPem: leaf.key,
      clusterName: HOST_CONTEXT,
      userName: HOST_CONTEXT,
      contextName: HOST_CONTEXT,
    });
    await writeFile(file, text, { mode: 0o600 });
  }
}

export async function serveHost(opts: ServeOptions): Promise<void> {
  const paths = hostPaths(opts.dataDir);
  const log = opts.log.child({ host: paths.dataDir });
  const initial = await readHostState(paths.stateFile);
  if (!initial) throw new Error(`${paths.stateFile} is missing; start the host with \`vcluster host up\``);
  let state: HostState = { ...initial, phase: 'starting', supervisorPid: process.pid, startedAt: new Date().toISOString() };
  delete state.error;
  delete state.readyAt;
  const setState = async (patch: Partial<HostState>): Promise<void> => {
    // Re-read: `host up --nodes` may have changed the file while we run.
    const current = await readHostState(paths.stateFile).catch(() => undefined);
    state = { ...state, ...(current ? { nodes: current.nodes } : {}), ...patch };
    await writeHostState(paths.stateFile, state);
  };
  await setState({});
  for (const dir of [paths.etcdDir, paths.pidsDir, paths.logsDir, paths.certDir]) await mkdir(dir, { recursive: true });

  const supervisor = new Supervisor({ pidsDir: paths.pidsDir, logsDir: paths.logsDir, log, marker: paths.dataDir });
  const layouts = Array.from({ length: state.realNodes }, (_, i) => realNodeLayout(paths.dataDir, i + 1));
  let relay: ApiRelay | undefined;
  let hostClient: ClosableKubeClient | undefined;
  const stopEverything = async (): Promise<void> => {
    await supervisor.stopAll();
    await relay?.close();
    hostClient?.close();
    if (layouts.length > 0) {
      const killed = await sweepRealNodes(paths.dataDir);
      if (killed > 0) log.warn({ killed }, 'killed processes left in the real nodes\' cgroups');
    }
  };
  try {
    const pki = await ensurePki(paths.pkiDir, HOST_PKI_SPEC);
    await writeKubeconfigs(paths, pki, state.ports.apiServer);
    // what simulated pods answer to logs, attach, exec and port-forward (kwok-debugging.ts)
    const debugging = kwokDebuggingFiles(paths.dataDir);
    await mkdir(debugging.execDir, { recursive: true, mode: 0o755 });
    for (const [file, text] of Object.entries(kwokDebuggingContents(debugging, new Date()))) await writeFile(file, text, { mode: 0o644 });
    const runExecAsNobody = process.getuid?.() === 0;
    await writeFile(paths.stagesFile, `${renderKwokStages()}---\n${renderKwokDebugging(debugging, { runExecAsNobody })}`);
    const kubeletClient = await ensureKubeletClientCert(paths.pkiDir);
    const apiAddress = layouts[0]?.apiAddress;
    const access = { clientCert: kubeletClient.cert, clientKey: kubeletClient.key, ...(apiAddress ? { advertiseAddress: apiAddress } : {}) };
    await supervisor.startAll(hostComponents(opts.binaries, paths, state.ports, access), opts.signal);
    const client = await openKubeClient({ kubeconfigPath: paths.adminKubeconfig });
    hostClient = client;
    await reconcileNodes(client, state.nodes, opts.binaries.versions.kubernetes, state.ports.kwok);
    await waitNodesReady(client, 120);
    // ready means usable: a pod created right after `host up` needs the default ServiceAccount
    await waitDefaultServiceAccount(client, 60);
    if (apiAddress) {
      const system = await findNodeSystem();
      relay = startApiRelay({ address: apiAddress, port: state.ports.apiServer, targetPort: state.ports.apiServer, log });
      for (const layout of layouts) {
        await prepareNode({ layout, hostPkiDir: paths.pkiDir, apiPort: state.ports.apiServer, binaries: system });
      }
      const agents = layouts.map((layout) =>
        nodeAgentSpec({ layout, unshare: system.tools.unshare!, cliArgv: opts.cliArgv, hostDataDir: paths.dataDir, rootPid: process.pid }),
      );
      await supervisor.startAll(agents, opts.signal);
      await relay.listening;
      await waitRealNodesReady(client, layouts.map((l) => l.name), 120);
    }
    client.close();
    hostClient = undefined;
    await setState({ phase: 'ready', readyAt: new Date().toISOString() });
    log.info({ nodes: state.nodes, realNodes: state.realNodes, apiServerPort: state.ports.apiServer }, 'host ready');
  } catch (err) {
    await stopEverything();
    await setState({ phase: opts.signal.aborted ? 'stopped' : 'failed', error: formatError(err) });
    if (opts.signal.aborted) return;
    throw err;
  }

  const outcome = await Promise.race([
    supervisor.failed,
    new Promise<'stop'>((resolve) => opts.signal.addEventListener('abort', () => resolve('stop'), { once: true })),
  ]);
  await setState({ phase: 'stopping' });
  await stopEverything();
  if (outcome === 'stop') {
    await setState({ phase: 'stopped' });
    log.info({}, 'host stopped');
    return;
  }
  await setState({ phase: 'failed', error: formatError(outcome) });
  throw outcome;
}
