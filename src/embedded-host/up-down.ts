/**
 * `vcluster host up | down | status`, the CLI side: `up` launches `vcluster host serve` as a detached
 * supervisor process and follows its progress until the host is ready; `down` stops it (and any
 * leftover component by its pid file); `status` reports what runs.
 */
import { pruneEmptyDirs } from '../lib/dirs.js';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BinarySet } from '../binaries/locate.js';
import {
  followUntilReady,
  launchDetached,
  liveSupervisor,
  reapComponents,
  stopDetached,
} from '../controlplane/supervisor/detached.js';
import { ensurePki } from '../controlplane/pki/store.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { freePorts, isPortFree } from '../lib/net.js';
import { openKubeClient, type KubeClient } from '../k8s/client.js';
import { Kinds, type Node } from '../k8s/types.js';
import { isNodeReady, reconcileNodes, waitNodesReady } from './node-sync.js';
import { HOST_CONTEXT, HOST_PKI_SPEC, hostPaths, type HostPaths } from './paths.js';
import { readHostState, writeHostState, type HostPorts, type HostState } from './state.js';
import { addHostContext, removeHostContext, useHostContextIfUnset } from './user-kubeconfig.js';
import { sweepRealNodes } from './serve.js';
import { findNodeSystem } from './node/preflight.js';
import { buildImage, NODE_IMAGES } from '../images/catalog.js';
import { listLocal } from '../vclusters/registry.js';
import { contextName } from '../vclusters/naming.js';
import { removeContext, updateKubeconfigFile } from '../k8s/kubeconfig.js';

export interface HostCommandContext {
  readonly dataDir: string;
  readonly binaries: BinarySet;
  /** The user's kubeconfig file that gets the `vcluster-host` context. */
  readonly userKubeconfig: string;
  /** argv prefix that runs this CLI: [node, .../bin/vcluster.js]. */
  readonly cliArgv: readonly string[];
  readonly progress: (line: string) => void;
  /** VCLUSTER_HOME: the vclusters created on this host live under <home>/vclusters/vcluster-host. */
  readonly vclusterHome: string;
  /** Where the real nodes' images are built from (pause.c) and cached (the compiled pause). */
  readonly images: { readonly repoRoot: string; readonly cacheDir: string };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The live supervisor's pid, or undefined. */
export function runningSupervisor(paths: HostPaths): Promise<number | undefined> {
  return liveSupervisor(paths.supervisorPidFile, paths.dataDir);
}

async function choosePorts(previous: HostPorts | undefined): Promise<HostPorts> {
  if (previous) {
    for (const [component, port] of Object.entries(previous)) {
      // A process stopped a moment ago may still hold its port briefly.
      let free = await isPortFree(port);
      for (let i = 0; !free && i < 20; i++) {
        await sleep(250);
        free = await isPortFree(port);
      }
      if (!free) {
        throw new VClusterError(`port ${port} (${component}) of the embedded host is in use by another process`, {
          code: ErrorCode.PRECONDITION,
          hint: 'stop that process, or run `vcluster host down --purge` so the next `host up` picks new ports',
        });
      }
    }
    return previous;
  }
  const [apiServer, etcdClient, etcdPeer, controllerManager, scheduler, kwok] = await freePorts(6);
  return { apiServer: apiServer!, etcdClient: etcdClient!, etcdPeer: etcdPeer!, controllerManager: controllerManager!, scheduler: scheduler!, kwok: kwok! };
}

/** Builds the images every real node loads at start (pause, the busybox test image, the virtual clusters' CoreDNS). */
async function buildNodeImages(ctx: HostCommandContext, paths: HostPaths): Promise<void> {
  for (const name of NODE_IMAGES) {
    const built = await buildImage(name, {
      outDir: paths.imagesDir,
      cacheDir: ctx.images.cacheDir,
      repoRoot: ctx.images.repoRoot,
      ...(name === 'coredns' ? { corednsBinary: ctx.binaries.path('coredns') } : {}),
    });
    ctx.progress(`image ${built.ref} (${Math.round(built.bytes / 1024)} KiB) ready for the real nodes`);
  }
}

export async function hostUp(ctx: HostCommandContext, nodes: number, realNodes: number): Promise<HostState> {
  const paths = hostPaths(ctx.dataDir);
  const running = await runningSupervisor(paths);
  const previous = await readHostState(paths.stateFile);
  if (running !== undefined && previous) {
    ctx.progress(`embedded host already running (supervisor pid ${running})`);
    if (previous.realNodes !== realNodes) {
      throw new VClusterError(`the running embedded host has ${previous.realNodes} real node(s), not ${realNodes}`, {
        code: ErrorCode.PRECONDITION,
        hint: `run \`vcluster host down\` first, then \`vcluster host up --real-nodes ${realNodes}\``,
      });
    }
    let state = previous.phase === 'ready' ? previous : await followStart(ctx, paths, running, 0);
    if (state.nodes !== nodes) {
      ctx.progress(`changing the number of nodes from ${state.nodes} to ${nodes}`);
      const client = await openKubeClient({ kubeconfigPath: paths.adminKubeconfig });
      try {
        await reconcileNodes(client, nodes, ctx.binaries.versions.kubernetes, state.ports.kwok);
        await waitNodesReady(client, 120);
      } finally {
        client.close();
      }
      state = { ...state, nodes };
      await writeHostState(paths.stateFile, state);
    }
    await addHostContext(ctx.userKubeconfig, paths.pkiDir, state.ports.apiServer);
    return state;
  }
  const reaped = await reapComponents(paths.pidsDir, paths.dataDir);
  if (reaped.length > 0) ctx.progress(`stopped ${reaped.length} leftover process(es) of an earlier run: ${reaped.join(', ')}`);
  const swept = await sweepRealNodes(paths.dataDir);
  if (swept > 0) ctx.progress(`killed ${swept} leftover process(es) of the real nodes of an earlier run`);
  if (realNodes > 0) {
    await findNodeSystem();
    await buildNodeImages(ctx, paths);
  }
  const ports = await choosePorts(previous?.ports);
  await mkdir(paths.dataDir, { recursive: true });
  await writeHostState(paths.stateFile, { ports, nodes, realNodes, phase: 'starting' });
  // Issued here rather than by the long-running `host serve`, which then only reads it.
  await ensurePki(paths.pkiDir, HOST_PKI_SPEC);
  const [node, ...rest] = ctx.cliArgv;
  const child = await launchDetached(
    [node!, ...rest, 'host', 'serve', '--data-dir', paths.dataDir, ...ctx.binaries.childArgs],
    paths.supervisorLog,
    paths.supervisorPidFile,
  );
  ctx.progress(`starting the embedded host (supervisor pid ${child.pid}, logs in ${paths.logsDir})`);
  const state = await followStart(ctx, paths, child.pid, child.logOffset);
  await addHostContext(ctx.userKubeconfig, paths.pkiDir, state.ports.apiServer);
  if (await useHostContextIfUnset(ctx.userKubeconfig)) {
    ctx.progress(`current context set to ${HOST_CONTEXT}`);
  }
  return state;
}

/** Follows the supervisor until the host is ready; throws if it fails or dies. */
async function followStart(ctx: HostCommandContext, paths: HostPaths, pid: number, logOffset: number): Promise<HostState> {
  let latest: HostState | undefined;
  await followUntilReady({
    logFile: paths.supervisorLog,
    logOffset,
    pid,
    marker: paths.dataDir,
    what: 'the embedded host',
    timeoutMs: 300_000,
    progress: ctx.progress,
    readState: async () => {
      latest = await readHostState(paths.stateFile);
      if (latest?.phase === 'ready' && latest.supervisorPid === pid) return { kind: 'ready' };
      if (latest?.phase === 'failed') return { kind: 'failed', error: latest.error ?? 'unknown error' };
      return { kind: 'pending' };
    },
  });
  return latest!;
}

export interface DownResult {
  readonly stopped: boolean;
  readonly purged: boolean;
}

export async function hostDown(ctx: HostCommandContext, purge: boolean): Promise<DownResult> {
  const paths = hostPaths(ctx.dataDir);
  // Virtual clusters on this host cannot work without it: stop their control planes first.
  const vclusters = await listLocal(ctx.vclusterHome, HOST_CONTEXT);
  for (const vc of vclusters) {
    const r = await stopDetached(vc.dir.pidsDir, vc.dir.supervisorPidFile, vc.dir.root);
    if (r.stopped) ctx.progress(`stopped vcluster ${vc.state.name} (namespace ${vc.state.namespace})`);
  }
  const pid = await runningSupervisor(paths);
  if (pid !== undefined) ctx.progress(`stopping the embedded host (supervisor pid ${pid})`);
  const { stopped, leftovers } = await stopDetached(paths.pidsDir, paths.supervisorPidFile, paths.dataDir);
  if (leftovers.length > 0) ctx.progress(`stopped ${leftovers.length} leftover process(es): ${leftovers.join(', ')}`);
  const swept = await sweepRealNodes(paths.dataDir);
  if (swept > 0) ctx.progress(`killed ${swept} process(es) left in the real nodes' cgroups`);
  const state = await readHostState(paths.stateFile).catch(() => undefined);
  if (state && !purge) await writeHostState(paths.stateFile, { ...state, phase: 'stopped' });
  if (purge) {
    const contexts = vclusters.map((vc) => contextName(vc.state.name, vc.state.namespace, HOST_CONTEXT));
    await updateKubeconfigFile(ctx.userKubeconfig, (kc) => contexts.reduce((acc, c) => removeContext(acc, c), kc));
    await rm(join(ctx.vclusterHome, 'vclusters', encodeURIComponent(HOST_CONTEXT)), { recursive: true, force: true });
    await removeHostContext(ctx.userKubeconfig);
    await rm(paths.dataDir, { recursive: true, force: true });
    // the vclusters folder and the home itself when nothing else is left in them
    await pruneEmptyDirs(join(ctx.vclusterHome, 'vclusters'), ctx.vclusterHome);
    await pruneEmptyDirs(dirname(paths.dataDir), ctx.vclusterHome);
  }
  return { stopped, purged: purge };
}

export interface HostStatus {
  readonly running: boolean;
  readonly phase: HostState['phase'] | 'absent';
  readonly supervisorPid?: number;
  readonly dataDir: string;
  readonly ports?: HostPorts;
  readonly nodes?: number;
  readonly readyNodes?: number;
  readonly realNodes?: number;
  readonly readyRealNodes?: number;
  readonly context: string;
  readonly error?: string;
}

/** How many nodes matching `labelSelector` are Ready; 0 when the host does not answer. */
async function countReadyNodes(client: KubeClient, labelSelector: string): Promise<number> {
  try {
    const { items } = await client.list<Node>(Kinds.Node, { labelSelector });
    return items.filter(isNodeReady).length;
  } catch {
    return 0;
  }
}

export async function hostStatus(ctx: HostCommandContext): Promise<HostStatus> {
  const paths = hostPaths(ctx.dataDir);
  const state = await readHostState(paths.stateFile);
  const pid = await runningSupervisor(paths);
  if (!state) return { running: false, phase: 'absent', dataDir: paths.dataDir, context: HOST_CONTEXT };
  let readyNodes: number | undefined;
  let readyRealNodes: number | undefined;
  if (pid !== undefined && state.phase === 'ready') {
    const client = await openKubeClient({ kubeconfigPath: paths.adminKubeconfig }).catch(() => undefined);
    readyNodes = client ? await countReadyNodes(client, 'type=kwok') : 0;
    readyRealNodes = client ? await countReadyNodes(client, 'vcluster-ts.io/node-type=real') : 0;
    client?.close();
  }
  return {
    running: pid !== undefined,
    phase: pid === undefined && state.phase !== 'failed' ? 'stopped' : state.phase,
    ...(pid !== undefined ? { supervisorPid: pid } : {}),
    dataDir: paths.dataDir,
    ports: state.ports,
    nodes: state.nodes,
    ...(readyNodes !== undefined ? { readyNodes } : {}),
    realNodes: state.realNodes,
    ...(readyRealNodes !== undefined ? { readyRealNodes } : {}),
    context: HOST_CONTEXT,
    ...(state.error ? { error: state.error } : {}),
  };
}
