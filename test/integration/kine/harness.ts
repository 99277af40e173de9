/**
 * Helpers for kine's integration tests: upstream binaries, free ports, child processes that are
 * always killed by pid, and readiness waits. A missing binary FAILS the test with a clear message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_BINARIES_DIR = '/root/.cache/vcluster-ts/binaries/k8s-v1.36.3-kwok-v0.8.0-etcd-v3.6.16';

export function binariesDir(): string {
  return process.env.VCLUSTER_BINARIES_DIR ?? DEFAULT_BINARIES_DIR;
}

/** Absolute path of an upstream binary; throws (fails the test) when it is missing. */
export function binary(name: 'etcd' | 'etcdctl' | 'kube-apiserver' | 'kubectl'): string {
  const p = join(binariesDir(), name);
  try {
    accessSync(p, constants.X_OK);
  } catch {
    throw new Error(
      `required binary ${name} not found or not executable at ${p}; build the pinned binaries (deps/kubernetes/build.sh) or set VCLUSTER_BINARIES_DIR`,
    );
  }
  return p;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (err) {
      lastErr = err;
    }
    await sleep(100);
  }
  const tail = logFile === undefined ? '' : `\n--- last log lines (${logFile}) ---\n${tailOf(logFile, 30)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr instanceof Error ? `: ${lastErr.message}` : ''}${tail}`);
}

export function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code/signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every process started by these helpers; `killAll` (test cleanup) kills each by its pid. */
const started = new Set<Proc>();

export function startProcess(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Proc {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env });
  if (child.pid === undefined) throw new Error(`failed to start ${cmd}`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  const p: Proc = { child, pid: child.pid, logFile, exited };
  started.add(p);
  void exited.then(() => started.delete(p));
  return p;
}

export async function stopProcess(p: Proc, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    try {
      process.kill(p.pid, signal);
    } catch {
      // already gone
    }
  }
  const t = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, timeoutMs);
  const r = await p.exited;
  clearTimeout(t);
  return r;
}

export async function killAll(): Promise<void> {
  await Promise.all([...started].map((p) => stopProcess(p, 'SIGKILL', 2000)));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts our kine as a child process, `bin/vcluster.js kine ...` (the compiled build when it is fresh,
 * as users run it; else src/ through tsx). KINE_NODE_ARGS adds node flags (e.g. --cpu-prof);
 * KINE_LOG_LEVEL sets the log level (default info). `endpoint` defaults to a SQLite file in `dir`.
 */
export function startKineProcess(dir: string, listen: string, extra: string[] = [], endpoint = `sqlite://${join(dir, 'state.db')}`): Proc {
  return startProcess(
    process.execPath,
    [
      ...(process.env.KINE_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
      join(REPO_ROOT, 'bin/vcluster.js'), 'kine', '--endpoint', endpoint, '--listen-address', listen, ...extra,
    ],
    join(dir, 'kine.log'),
    { ...process.env, VCLUSTER_LOG_LEVEL: process.env.KINE_LOG_LEVEL ?? 'info' },
  );
}

/** Starts a real etcd on loopback ports; returns the process and its client URL. */
export async function startEtcd(dir: string): Promise<{ proc: Proc; url: string }> {
  const client = await freePort();
  const peer = await freePort();
  const url = `http://127.0.0.1:${client}`;
  const proc = startProcess(
    binary('etcd'),
    [
      '--data-dir', join(dir, 'etcd-data'),
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `default=http://127.0.0.1:${peer}`,
      '--log-level', 'warn',
    ],
    join(dir, 'etcd.log'),
  );
  return { proc, url };
}
