/** Runs a command whose stdin or stdout carries bytes (an archive through `kubectl exec`), not text. */
import { spawn } from 'node:child_process';
import { ProcessError } from '../lib/errors.js';

export interface BinaryResult {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** A command that exited non-zero: its exit code and stderr, for callers that map them. */
export class CommandFailed extends ProcessError {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export function runBinary(command: string, args: readonly string[], input?: Buffer, timeoutMs = 600_000): Promise<BinaryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new ProcessError(`run ${command}`, { cause: e })));
    child.on('close', (code, sig) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr });
      else reject(new CommandFailed(`${command.split('/').pop() ?? command} ${args.slice(0, 2).join(' ')} failed (${sig ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`, code, stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}
