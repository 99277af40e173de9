/**
 * `vcluster host serve`: the foreground supervisor of the embedded host. It prepares the PKI and
 * kubeconfigs, starts etcd → kube-apiserver → kube-controller-manager → kube-scheduler → kwok, makes
 * the simulated nodes, records phase 'ready' in state.json, and stops everything in reverse order on
 * SIGTERM/SIGINT or when a component dies (phase 'failed' with the error).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { BinarySet } from '../binaries/locate.js';
import { renderKubeconfig } from '../controlplane/kubeconfig.js';
import { ensurePki, type Pki } from '../controlplane/pki/store.js';
import { Supervisor } from '../controlplane/supervisor/supervisor.js';
import { formatError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { renderKwokStages } from './kwok-stages.js';
import { kubectlFor } from '../k8s/kubectl.js';
import { reconcileNodes, waitNodesReady } from './node-sync.js';
import { HOST_CONTEXT, HOST_PKI_SPEC, hostPaths, type HostPaths } from './paths.js';
import { hostComponents } from './plan.js';
import { readHostState, writeHostState, type HostState } from './state.js';

export interface ServeOptions {
  readonly dataDir: string;
  readonly binaries: BinarySet;
  readonly log: Logger;
  readonly signal: AbortSignal;
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
  try {
    const pki = await ensurePki(paths.pkiDir, HOST_PKI_SPEC);
    await writeKubeconfigs(paths, pki, state.ports.apiServer);
    await writeFile(paths.stagesFile, renderKwokStages());
    await supervisor.startAll(hostComponents(opts.binaries, paths, state.ports), opts.signal);
    const kubectl = kubectlFor(opts.binaries.path('kubectl'), paths.adminKubeconfig);
    await reconcileNodes(kubectl, state.nodes, opts.binaries.versions.kubernetes);
    await waitNodesReady(kubectl, 120);
    await setState({ phase: 'ready', readyAt: new Date().toISOString() });
    log.info({ nodes: state.nodes, apiServerPort: state.ports.apiServer }, 'host ready');
  } catch (err) {
    await supervisor.stopAll();
    await setState({ phase: opts.signal.aborted ? 'stopped' : 'failed', error: formatError(err) });
    if (opts.signal.aborted) return;
    throw err;
  }

  const outcome = await Promise.race([
    supervisor.failed,
    new Promise<'stop'>((resolve) => opts.signal.addEventListener('abort', () => resolve('stop'), { once: true })),
  ]);
  await setState({ phase: 'stopping' });
  await supervisor.stopAll();
  if (outcome === 'stop') {
    await setState({ phase: 'stopped' });
    log.info({}, 'host stopped');
    return;
  }
  await setState({ phase: 'failed', error: formatError(outcome) });
  throw outcome;
}
