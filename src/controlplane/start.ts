/**
 * `vcluster start`: the control-plane supervisor of one virtual cluster (the seed's "syncer" process).
 * Generates the PKI once, writes the component kubeconfigs and the admission config, starts kine →
 * kube-apiserver → kube-controller-manager each after the previous is ready, waits for the default
 * service account, runs the `afterReady` work (host objects, the syncer), and stops everything in
 * reverse order on SIGTERM or when a component dies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { BinarySet } from '../binaries/locate.js';
import { loadConfig, type Config } from '../config/index.js';
import { formatError, VClusterError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { openKubeClient } from '../k8s/client.js';
import { Kinds } from '../k8s/types.js';
import { renderKubeconfig } from './kubeconfig.js';
import { dataDir, type DataDir } from './datadir.js';
import { ensurePki, type Pki } from './pki/store.js';
import { admissionConfigOf, controlPlaneComponents, virtualClusterPkiSpec } from './plan.js';
import { readVClusterState, updateVClusterState, type VClusterState } from './state.js';
import { Supervisor } from './supervisor/supervisor.js';

/** What runs once the virtual API serves: returns a function that stops it. */
export type AfterReady = (ready: ReadyControlPlane) => Promise<() => Promise<void>>;

export interface ReadyControlPlane {
  readonly state: VClusterState;
  readonly config: Config;
  readonly dir: DataDir;
  readonly pki: Pki;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** A failure of the afterReady work that should stop the control plane. */
  readonly fail: (err: Error) => void;
}

export interface StartOptions {
  readonly root: string;
  readonly binaries: BinarySet;
  readonly cliArgv: readonly string[];
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly afterReady?: AfterReady;
}

async function writeComponentKubeconfigs(dir: DataDir, pki: Pki, apiPort: number, name: string): Promise<void> {
  const server = `https://127.0.0.1:${apiPort}`;
  for (const [file, leaf] of [
    [dir.adminKubeconfig, pki.leaves.admin],
    [dir.controllerManagerKubeconfig, pki.leaves['controller-manager']],
  ] as const) {
    const text = renderKubeconfig({ server, caPem: pki.ca.cert, clientCertPem: leaf.cert, clientKeyPem: leaf.key, clusterName: name, userName: name, contextName: name });
    await writeFile(file, text, { mode: 0o600 });
  }
}

/** Polls the virtual API (in-process client) until the default ServiceAccount exists. */
async function waitDefaultServiceAccount(kubeconfig: string, signal: AbortSignal): Promise<void> {
  const client = await openKubeClient({ kubeconfigPath: kubeconfig, getRetries: 0 });
  try {
    const deadline = Date.now() + 120_000;
    while (!signal.aborted) {
      const found = await client.get(Kinds.ServiceAccount, { namespace: 'default', name: 'default' }).then(
        () => true,
        () => false,
      );
      if (found) return;
      if (Date.now() > deadline) throw new VClusterError('the default service account did not appear within 120 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.close();
  }
}

export async function startControlPlane(opts: StartOptions): Promise<void> {
  const dir = dataDir(opts.root);
  const initial = await readVClusterState(dir.stateFile);
  if (!initial) throw new VClusterError(`${dir.stateFile} is missing; create the vcluster with \`vcluster create\``);
  const log = opts.log.child({ vcluster: initial.name, namespace: initial.namespace });
  const config = await loadConfig({ files: [dir.configFile] });
  let state = await updateVClusterState(dir.stateFile, { phase: 'starting', supervisorPid: process.pid, startedAt: new Date().toISOString(), error: undefined, readyAt: undefined });
  for (const d of [dir.pidsDir, dir.logsDir, dir.certDir]) await mkdir(d, { recursive: true });

  const supervisor = new Supervisor({ pidsDir: dir.pidsDir, logsDir: dir.logsDir, log, marker: dir.root });
  let stopAfterReady: (() => Promise<void>) | undefined;
  let failAfterReady: (err: Error) => void = () => undefined;
  const afterReadyFailed = new Promise<Error>((resolve) => (failAfterReady = resolve));
  try {
    const pki = await ensurePki(dir.pkiDir, virtualClusterPkiSpec(state.name, state.serviceCidr, config));
    await writeComponentKubeconfigs(dir, pki, state.ports.apiServer, state.name);
    const admission = admissionConfigOf(dir, config);
    await writeFile(admission.path, admission.text, { mode: 0o600 });
    const specs = controlPlaneComponents({ binaries: opts.binaries, cliArgv: opts.cliArgv, dir, config, ports: state.ports, serviceCidr: state.serviceCidr, ...(state.bindAddress ? { bindAddress: state.bindAddress } : {}) });
    await supervisor.startAll(specs, opts.signal);
    // The syncer and the kubeconfig Secret need only a serving API: they start while
    // kube-controller-manager's service-account controller creates default/default.
    const saWait = new AbortController();
    const defaultSa = waitDefaultServiceAccount(dir.adminKubeconfig, AbortSignal.any([opts.signal, saWait.signal]));
    defaultSa.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
    try {
      if (opts.afterReady) stopAfterReady = await opts.afterReady({ state, config, dir, pki, log, signal: opts.signal, fail: failAfterReady });
    } catch (err) {
      saWait.abort();
      throw err;
    }
    await defaultSa;
    state = await updateVClusterState(dir.stateFile, { phase: 'ready', readyAt: new Date().toISOString() });
    log.info({ apiServerPort: state.ports.apiServer }, 'virtual cluster ready');
  } catch (err) {
    await stopAfterReady?.().catch(() => undefined);
    await supervisor.stopAll();
    await updateVClusterState(dir.stateFile, { phase: opts.signal.aborted ? 'stopped' : 'failed', error: formatError(err) });
    if (opts.signal.aborted) return;
    throw err;
  }

  const outcome = await Promise.race([
    supervisor.failed,
    afterReadyFailed,
    new Promise<'stop'>((resolve) => opts.signal.addEventListener('abort', () => resolve('stop'), { once: true })),
  ]);
  await updateVClusterState(dir.stateFile, { phase: 'stopping' });
  await stopAfterReady?.().catch((err: unknown) => log.error({ err: formatError(err) }, 'stopping the syncer failed'));
  await supervisor.stopAll();
  if (outcome === 'stop') {
    await updateVClusterState(dir.stateFile, { phase: 'stopped' });
    log.info({}, 'virtual cluster stopped');
    return;
  }
  await updateVClusterState(dir.stateFile, { phase: 'failed', error: formatError(outcome) });
  throw outcome;
}
