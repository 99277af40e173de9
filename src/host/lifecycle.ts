/**
 * `vcluster host up | down | status`, the CLI side: `up` launches `vcluster host serve` as a detached
 * supervisor process and follows its progress until the host is ready; `down` stops it (and any
 * leftover component by its pid file); `status` reports what runs.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BinarySet } from '../binaries/locate.js';
import { isOurProcess, reapStale, readPidFile, terminate, writePidFile } from '../controlplane/supervisor/pidfile.js';
import { tailFile } from '../controlplane/supervisor/log-tail.js';
import { ErrorCode, ProcessError, VClusterError } from '../lib/errors.js';
import { freePorts, isPortFree } from '../lib/net.js';
import { kubectlFor } from './kubectl.js';
import { reconcileNodes, waitNodesReady } from './node-sync.js';
import { HOST_CONTEXT, hostPaths, type HostPaths } from './paths.js';
import { readHostState, writeHostState, type HostPorts, type HostState } from './state.js';
import { addHostContext, removeHostContext, useHostContextIfUnset } from './user-kubeconfig.js';

export interface HostCommandContext {
  readonly dataDir: string;
  readonly binaries: BinarySet;
  /** The user's kubeconfig file that gets the `vcluster-host` context. */
  readonly userKubeconfig: string;
  /** argv prefix that runs this CLI: [node, .../bin/vcluster.js]. */
  readonly cliArgv: readonly string[];
  readonly progress: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The live supervisor's pid, or undefined. */
export async function runningSupervisor(paths: HostPaths): Promise<number | undefined> {
  const pid = await readPidFile(paths.supervisorPidFile);
  return pid !== undefined && (await isOurProcess(pid, paths.dataDir)) ? pid : undefined;
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

/** Stops component processes left behind by a supervisor that died (their pid files remain), all at once. */
async function reapComponents(paths: HostPaths): Promise<number[]> {
  let files: string[] = [];
  try {
    files = (await readdir(paths.pidsDir)).filter((f) => f.endsWith('.pid') && f !== 'supervisor.pid');
  } catch {
    return [];
  }
  const pids = await Promise.all(files.map((f) => reapStale(join(paths.pidsDir, f), paths.dataDir)));
  return pids.filter((p): p is number => p !== undefined);
}

export async function hostUp(ctx: HostCommandContext, nodes: number): Promise<HostState> {
  const paths = hostPaths(ctx.dataDir);
  const running = await runningSupervisor(paths);
  const previous = await readHostState(paths.stateFile);
  if (running !== undefined && previous) {
    ctx.progress(`embedded host already running (supervisor pid ${running})`);
    let state = previous.phase === 'ready' ? previous : await followStart(ctx, paths, running, await fileSize(paths.supervisorLog));
    if (state.nodes !== nodes) {
      ctx.progress(`changing the number of nodes from ${state.nodes} to ${nodes}`);
      const kubectl = kubectlFor(ctx.binaries.path('kubectl'), paths.adminKubeconfig);
      await reconcileNodes(kubectl, nodes, ctx.binaries.versions.kubernetes);
      await waitNodesReady(kubectl, 120);
      state = { ...state, nodes };
      await writeHostState(paths.stateFile, state);
    }
    await addHostContext(ctx.binaries.path('kubectl'), ctx.userKubeconfig, paths.pkiDir, state.ports.apiServer);
    return state;
  }
  const reaped = await reapComponents(paths);
  if (reaped.length > 0) ctx.progress(`stopped ${reaped.length} leftover process(es) of an earlier run: ${reaped.join(', ')}`);
  const ports = await choosePorts(previous?.ports);
  mkdirSync(paths.logsDir, { recursive: true });
  mkdirSync(paths.pidsDir, { recursive: true });
  await writeHostState(paths.stateFile, { ports, nodes, phase: 'starting' });
  const logOffset = await fileSize(paths.supervisorLog);
  const out = openSync(paths.supervisorLog, 'a');
  const [node, ...rest] = ctx.cliArgv;
  const child = spawn(node!, [...rest, 'host', 'serve', '--data-dir', paths.dataDir, '--binaries-dir', ctx.binaries.dir], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new ProcessError('could not start the host supervisor');
  await writePidFile(paths.supervisorPidFile, child.pid);
  ctx.progress(`starting the embedded host (supervisor pid ${child.pid}, logs in ${paths.logsDir})`);
  const state = await followStart(ctx, paths, child.pid, logOffset);
  await addHostContext(ctx.binaries.path('kubectl'), ctx.userKubeconfig, paths.pkiDir, state.ports.apiServer);
  if (await useHostContextIfUnset(ctx.binaries.path('kubectl'), ctx.userKubeconfig)) {
    ctx.progress(`current context set to ${HOST_CONTEXT}`);
  }
  return state;
}

/** Follows the supervisor's log and state until the host is ready, failed, or the supervisor died. */
async function followStart(ctx: HostCommandContext, paths: HostPaths, pid: number, logOffset: number): Promise<HostState> {
  const deadline = Date.now() + 300_000;
  let offset = logOffset;
  for (;;) {
    const { lines, next } = await readLinesFrom(paths.supervisorLog, offset);
    offset = next;
    for (const line of lines) {
      const ev = parseLogLine(line);
      if (ev) ctx.progress(ev);
    }
    const state = await readHostState(paths.stateFile);
    if (state?.phase === 'ready' && state.supervisorPid === pid) return state;
    if (state?.phase === 'failed') {
      throw new ProcessError(`the embedded host failed to start: ${state.error ?? 'unknown error'}`);
    }
    if (!(await isOurProcess(pid, paths.dataDir))) {
      const tail = await tailFile(paths.supervisorLog, 15);
      throw new ProcessError(`the host supervisor exited during start; last lines of ${paths.supervisorLog}:\n${tail.join('\n')}`);
    }
    if (Date.now() > deadline) throw new VClusterError('the embedded host was not ready after 300 s', { code: ErrorCode.TIMEOUT });
    await sleep(250);
  }
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

/** Complete lines appended to a file since `offset`, and the offset after them. */
async function readLinesFrom(path: string, offset: number): Promise<{ lines: string[]; next: number }> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return { lines: [], next: offset };
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { lines: [], next: offset };
    const buf = Buffer.alloc(size - offset);
    await handle.read(buf, 0, buf.length, offset);
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    return { lines: text.slice(0, end).split('\n').filter((l) => l.length > 0), next: offset + Buffer.byteLength(text.slice(0, end)) };
  } finally {
    await handle.close();
  }
}

function parseLogLine(line: string): string | undefined {
  try {
    const ev = JSON.parse(line) as { msg?: unknown; component?: unknown; ms?: unknown; time?: unknown };
    if (ev.msg === 'component ready' && typeof ev.component === 'string') {
      return `  ${ev.component} ready${typeof ev.ms === 'number' ? ` (${(ev.ms / 1000).toFixed(1)} s)` : ''}`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export interface DownResult {
  readonly stopped: boolean;
  readonly purged: boolean;
}

export async function hostDown(ctx: HostCommandContext, purge: boolean): Promise<DownResult> {
  const paths = hostPaths(ctx.dataDir);
  const pid = await runningSupervisor(paths);
  let stopped = false;
  if (pid !== undefined) {
    ctx.progress(`stopping the embedded host (supervisor pid ${pid})`);
    await terminate(pid, 60_000);
    stopped = true;
  }
  const reaped = await reapComponents(paths);
  if (reaped.length > 0) {
    ctx.progress(`stopped ${reaped.length} leftover process(es): ${reaped.join(', ')}`);
    stopped = true;
  }
  await rm(paths.supervisorPidFile, { force: true });
  const state = await readHostState(paths.stateFile).catch(() => undefined);
  if (state && !purge) await writeHostState(paths.stateFile, { ...state, phase: 'stopped' });
  if (purge) {
    await removeHostContext(ctx.binaries.path('kubectl'), ctx.userKubeconfig);
    await rm(paths.dataDir, { recursive: true, force: true });
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
  readonly context: string;
  readonly error?: string;
}

export async function hostStatus(ctx: HostCommandContext): Promise<HostStatus> {
  const paths = hostPaths(ctx.dataDir);
  const state = await readHostState(paths.stateFile);
  const pid = await runningSupervisor(paths);
  if (!state) return { running: false, phase: 'absent', dataDir: paths.dataDir, context: HOST_CONTEXT };
  let readyNodes: number | undefined;
  if (pid !== undefined && state.phase === 'ready') {
    const kubectl = kubectlFor(ctx.binaries.path('kubectl'), paths.adminKubeconfig);
    const { stdout } = await kubectl([
      'get', 'nodes', '-l', 'type=kwok', '-o',
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]).catch(() => ({ stdout: '' }));
    readyNodes = stdout.split('\n').filter((s) => s === 'True').length;
  }
  return {
    running: pid !== undefined,
    phase: pid === undefined && state.phase !== 'failed' ? 'stopped' : state.phase,
    ...(pid !== undefined ? { supervisorPid: pid } : {}),
    dataDir: paths.dataDir,
    ports: state.ports,
    nodes: state.nodes,
    ...(readyNodes !== undefined ? { readyNodes } : {}),
    context: HOST_CONTEXT,
    ...(state.error ? { error: state.error } : {}),
  };
}
