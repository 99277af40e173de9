/** Small helpers shared by benchmarks: percentiles, RSS from /proc, and the summary printer. */
import { readFile } from 'node:fs/promises';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Resident set size of a process in MiB, from /proc/<pid>/status. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round((Number(kb) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Prints the JSON report, then one summary line. */
export function report(json: unknown, summary: string): void {
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${summary}\n`);
}
