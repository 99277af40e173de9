/**
 * A supervisor process running detached from the CLI (`vcluster host serve`, `vcluster start`): launch
 * it with its output in a log file, follow its structured log as progress until it reports ready, and
 * stop it (plus any component it left behind) by pid files.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, ProcessError, VClusterError } from '../../lib/errors.js';
import { tailFile } from './log-tail.js';
import { isOurProcess, readPidFile, reapStale, terminate, writePidFile } from './pidfile.js';

export interface Launched {
  readonly pid: number;
  /** Where the log was before the launch: progress is read from here on. */
  readonly logOffset: number;
}

export async function launchDetached(argv: readonly string[], logFile: string, pidFile: string): Promise<Launched> {
  mkdirSync(dirname(logFile), { recursive: true });
  const logOffset = await fileSize(logFile);
  const out = openSync(logFile, 'a');
  const [command, ...args] = argv;
  const child = spawn(command ?? process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new ProcessError(`could not start ${argv.join(' ')}`);
  await writePidFile(pidFile, child.pid);
  return { pid: child.pid, logOffset };
}

/** The phase a follower waits on. */
export type FollowState = { readonly kind: 'ready' } | { readonly kind: 'failed'; readonly error: string } | { readonly kind: 'pending' };

export interface FollowOptions {
  readonly logFile: string;
  readonly logOffset: number;
  readonly pid: number;
  /** A string in the supervisor's argv (its data dir), to tell it from a reused pid. */
  readonly marker: string;
  /** What is being started, for messages: "the embedded host", "vcluster my-vcluster". */
  readonly what: string;
  readonly timeoutMs: number;
  readonly readState: () => Promise<FollowState>;
  readonly progress: (line: string) => void;
}

/** Prints "<component> ready (1.2 s)" lines as the supervisor logs them, until ready; throws on failure. */
export async function followUntilReady(o: FollowOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let offset = o.logOffset;
  for (;;) {
    const { lines, next } = await readLinesFrom(o.logFile, offset);
    offset = next;
    for (const line of lines) {
      const ev = progressLine(line);
      if (ev) o.progress(ev);
    }
    const state = await o.readState();
    if (state.kind === 'ready') return;
    if (state.kind === 'failed') throw new ProcessError(`${o.what} failed to start: ${state.error}`);
    if (!(await isOurProcess(o.pid, o.marker))) {
      const tail = await tailFile(o.logFile, 15);
      throw new ProcessError(`the supervisor of ${o.what} exited during start; last lines of ${o.logFile}:\n${tail.join('\n')}`);
    }
    if (Date.now() > deadline) {
      throw new VClusterError(`${o.what} was not ready after ${Math.round(o.timeoutMs / 1000)} s (logs: ${dirname(o.logFile)})`, { code: ErrorCode.TIMEOUT });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The live supervisor's pid from its pid file, or undefined. */
export async function liveSupervisor(pidFile: string, marker: string): Promise<number | undefined> {
  const pid = await readPidFile(pidFile);
  return pid !== undefined && (await isOurProcess(pid, marker)) ? pid : undefined;
}

/**
 * Stops the supervisor (it stops its components in order), then any component a dead supervisor left
 * behind. Returns whether anything was running, and the leftovers it stopped.
 */
export async function stopDetached(pidsDir: string, supervisorPidFile: string, marker: string, graceMs = 60_000): Promise<{ stopped: boolean; leftovers: number[] }> {
  const pid = await liveSupervisor(supervisorPidFile, marker);
  if (pid !== undefined) await terminate(pid, graceMs);
  await rm(supervisorPidFile, { force: true });
  const leftovers = await reapComponents(pidsDir, marker);
  return { stopped: pid !== undefined || leftovers.length > 0, leftovers };
}

/** Stops, all at once, the processes of leftover component pid files that still carry `marker`. */
export async function reapComponents(pidsDir: string, marker: string): Promise<number[]> {
  let files: string[] = [];
  try {
    files = (await readdir(pidsDir)).filter((f) => f.endsWith('.pid') && f !== 'supervisor.pid');
  } catch {
    return [];
  }
  const pids = await Promise.all(files.map((f) => reapStale(join(pidsDir, f), marker)));
  return pids.filter((p): p is number => p !== undefined);
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
    const end = buf.lastIndexOf(0x0a) + 1;
    const text = buf.subarray(0, end).toString('utf8');
    return { lines: text.split('\n').filter((l) => l.length > 0), next: offset + end };
  } finally {
    await handle.close();
  }
}

/** The progress line for a supervisor log line ("  kube-apiserver ready (2.8 s)"), if it is one. */
export function progressLine(line: string): string | undefined {
  try {
    const ev = JSON.parse(line) as { msg?: unknown; component?: unknown; ms?: unknown };
    if (ev.msg === 'component ready' && typeof ev.component === 'string') {
      return `  ${ev.component} ready${typeof ev.ms === 'number' ? ` (${(ev.ms / 1000).toFixed(1)} s)` : ''}`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
