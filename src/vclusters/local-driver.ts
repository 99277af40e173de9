/**
 * The local driver: each virtual cluster's control plane runs as a detached `vcluster start` process
 * group on this machine, found again through its data dir.
 */
import type { DataDir } from '../controlplane/datadir.js';
import { readVClusterState, type VClusterState } from '../controlplane/state.js';
import { followUntilReady, launchDetached, liveSupervisor, stopDetached } from '../controlplane/supervisor/detached.js';
import type { LifecycleContext } from './context.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isOurProcess, readPidFile } from '../controlplane/supervisor/pidfile.js';

export const START_TIMEOUT_MS = 300_000;

export function supervisorPid(dir: DataDir): Promise<number | undefined> {
  return liveSupervisor(dir.supervisorPidFile, dir.root);
}

/** Launches `vcluster start` for the data dir and follows it until the virtual API serves. */
export async function startLocal(ctx: LifecycleContext, dir: DataDir, what: string): Promise<VClusterState> {
  const launched = await launchDetached(
    [...ctx.cliArgv, ...ctx.binaries.childArgs, 'start', '--data-dir', dir.root],
    dir.supervisorLog,
    dir.supervisorPidFile,
  );
  ctx.progress(`starting the control plane of ${what} (pid ${launched.pid}, logs in ${dir.logsDir})`);
  let latest: VClusterState | undefined;
  await followUntilReady({
    logFile: dir.supervisorLog,
    logOffset: launched.logOffset,
    pid: launched.pid,
    marker: dir.root,
    what,
    timeoutMs: START_TIMEOUT_MS,
    progress: ctx.progress,
    readState: async () => {
      latest = await readVClusterState(dir.stateFile);
      if (latest?.phase === 'ready' && latest.supervisorPid === launched.pid) return { kind: 'ready' };
      if (latest?.phase === 'failed' && latest.supervisorPid === launched.pid) return { kind: 'failed', error: latest.error ?? 'unknown error' };
      return { kind: 'pending' };
    },
  });
  return latest!;
}

export async function stopLocal(ctx: LifecycleContext, dir: DataDir): Promise<boolean> {
  const { stopped, leftovers } = await stopDetached(dir.pidsDir, dir.supervisorPidFile, dir.root);
  if (leftovers.length > 0) ctx.progress(`stopped ${leftovers.length} leftover process(es): ${leftovers.join(', ')}`);
  return stopped;
}

/** Orphaned: the supervisor is gone but components it started still run (nothing syncs); `resume` cleans up. */
export type VClusterStatus = 'Running' | 'Starting' | 'Paused' | 'Stopped' | 'Orphaned' | 'Failed' | 'Unknown';

/** Components of a dead supervisor that still run (by their pid files, only if they still carry the data dir). */
async function orphanedComponents(dir: DataDir): Promise<number> {
  let files: string[] = [];
  try {
    files = (await readdir(dir.pidsDir)).filter((f) => f.endsWith('.pid') && f !== 'supervisor.pid');
  } catch {
    return 0;
  }
  let alive = 0;
  for (const f of files) {
    const pid = await readPidFile(join(dir.pidsDir, f));
    if (pid !== undefined && (await isOurProcess(pid, dir.root))) alive++;
  }
  return alive;
}

/** What `list` shows, from the state file and whether the supervisor lives. */
export async function statusOf(dir: DataDir | undefined, state: VClusterState | undefined): Promise<VClusterStatus> {
  if (!dir || !state) return 'Unknown';
  if (state.paused) return 'Paused';
  const alive = (await supervisorPid(dir)) !== undefined;
  if (!alive && (await orphanedComponents(dir)) > 0) return 'Orphaned';
  if (!alive) return state.phase === 'failed' ? 'Failed' : 'Stopped';
  if (state.phase === 'ready') return 'Running';
  return state.phase === 'failed' ? 'Failed' : 'Starting';
}
