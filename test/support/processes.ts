/** Process helpers for test cleanup: every process a test starts is stopped by its own pid. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when the pid is gone or a zombie (dead, waiting for its parent). */
export async function isGone(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return true;
  try {
    return /\) Z /.test(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The pids recorded in a pids/ directory (name → pid). */
export async function pidsIn(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let files: string[] = [];
  try {
    files = await readdir(dir);
  } catch {
    return out;
  }
  for (const f of files.filter((f) => f.endsWith('.pid'))) {
    const pid = Number.parseInt(await readFile(join(dir, f), 'utf8'), 10);
    if (Number.isInteger(pid)) out[f.replace(/\.pid$/, '')] = pid;
  }
  return out;
}

export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
