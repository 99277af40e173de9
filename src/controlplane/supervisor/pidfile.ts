/**
 * Pid files (<data>/pids/<name>.pid) and the checks around them: is the process alive, and is it still
 * the program we started (pids are reused)? A stale pid file never makes us kill a stranger.
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isErrnoException } from '../../lib/errors.js';

export async function writePidFile(path: string, pid: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${pid}\n`);
}

export async function readPidFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function removePidFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrnoException(err) && err.code === 'EPERM';
  }
}

/** The argv of a live process, from /proc; undefined when it is gone. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const argv = raw.split('\0').filter((a) => a.length > 0);
    return argv.length > 0 ? argv : undefined;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and its argv contains `marker` (e.g. the binary path or the data dir). */
export async function isOurProcess(pid: number, marker: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const argv = await processArgv(pid);
  return argv !== undefined && argv.some((a) => a.includes(marker));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, wait up to graceMs for exit, then SIGKILL. Resolves once the process is gone. */
export async function terminate(pid: number, graceMs: number): Promise<'exited' | 'killed'> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'exited';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || (await isZombie(pid))) return 'exited';
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'exited';
  }
  for (let i = 0; i < 100 && isAlive(pid) && !(await isZombie(pid)); i++) await sleep(50);
  return 'killed';
}

async function isZombie(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return /\) Z /.test(stat);
  } catch {
    return true;
  }
}

/**
 * Stops the process of a leftover pid file if it is still ours (argv contains `marker`), then removes
 * the file. Returns the pid it stopped, if any.
 */
export async function reapStale(pidFile: string, marker: string, graceMs = 5_000): Promise<number | undefined> {
  const pid = await readPidFile(pidFile);
  if (pid === undefined) return undefined;
  let stopped: number | undefined;
  if (await isOurProcess(pid, marker)) {
    await terminate(pid, graceMs);
    stopped = pid;
  }
  await removePidFile(pidFile);
  return stopped;
}
