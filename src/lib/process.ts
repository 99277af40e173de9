/** Runs a short-lived command and collects its output. */
import { spawn } from 'node:child_process';
import { ProcessError } from './errors.js';

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Runs `command args`; throws ProcessError (with stderr) on a non-zero exit. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new ProcessError(`run ${command}`, { cause: e })));
    child.on('close', (code, sig) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else {
        const name = command.split('/').pop() ?? command;
        reject(new ProcessError(`${name} ${args.slice(0, 3).join(' ')} failed (${sig ?? `exit ${code}`}): ${stderr.trim() || stdout.trim()}`));
      }
    });
    // a command that exits before reading its input must not crash us with EPIPE; its exit code tells
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
