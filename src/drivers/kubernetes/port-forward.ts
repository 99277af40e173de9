/**
 * How the CLI reaches the virtual API of a kubernetes-driver vcluster from this machine: `kubectl
 * port-forward` to pod <name>-0:8443 on a loopback port — for one command (stopped after it), or in
 * the background for a kubeconfig context (pid file in the local record; reused while it runs).
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { freePort } from '../../lib/net.js';
import { join } from 'node:path';
import { launchDetached } from '../../controlplane/supervisor/detached.js';
import { isOurProcess, readPidFile, terminate } from '../../controlplane/supervisor/pidfile.js';
import { ErrorCode, ProcessError, VClusterError } from '../../lib/errors.js';
import { POD_API_PORT } from './render.js';

const FORWARDING = /Forwarding from 127\.0\.0\.1:(\d+) ->/;

/** The local port in kubectl port-forward output, if it printed it. Pure. */
export function forwardedPort(output: string): number | undefined {
  const m = FORWARDING.exec(output);
  return m?.[1] ? Number(m[1]) : undefined;
}

export interface ForwardTarget {
  readonly kubectl: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
}

function forwardArgs(t: ForwardTarget): string[] {
  return ['--kubeconfig', t.kubeconfig, '--context', t.context, 'port-forward', '-n', t.namespace, `pod/${t.name}-0`, `:${POD_API_PORT}`, '--address', '127.0.0.1'];
}

export interface Forward {
  readonly port: number;
  stop(): Promise<void>;
}

/** A port-forward that lives as long as this process (or until stop). */
export function forwardForeground(t: ForwardTarget, timeoutMs = 30_000): Promise<Forward> {
  return new Promise((resolve, reject) => {
    const child = spawn(t.kubectl, forwardArgs(t), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new VClusterError(`port-forward to pod ${t.namespace}/${t.name}-0 did not start within ${timeoutMs / 1000} s: ${out.trim()}`, { code: ErrorCode.UNAVAILABLE }));
    }, timeoutMs);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const port = forwardedPort(out);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({
        port,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', (err) => (clearTimeout(timer), reject(new ProcessError('run kubectl port-forward', { cause: err }))));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new VClusterError(`port-forward to pod ${t.namespace}/${t.name}-0 ended (exit ${code}): ${out.trim()}`, { code: ErrorCode.UNAVAILABLE }));
    });
  });
}

/**
 * Runs `kubectl port-forward PORT:8443` until `signal` aborts, starting it again whenever it ends
 * (kubectl gives up when the pod's apiserver restarts, or the pod is replaced): the background proxy.
 */
export async function keepForwarding(t: ForwardTarget, port: number, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const args = forwardArgs(t).map((a) => (a === `:${POD_API_PORT}` ? `${port}:${POD_API_PORT}` : a));
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const child = spawn(t.kubectl, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      const stop = (): void => void child.kill('SIGTERM');
      signal.addEventListener('abort', stop, { once: true });
      child.on('error', (err) => log(`port-forward: ${err.message}`));
      child.on('close', (code) => {
        signal.removeEventListener('abort', stop);
        if (!signal.aborted) log(`port-forward ended (exit ${code}); starting it again`);
        resolve();
      });
    });
    if (!signal.aborted) await new Promise((r) => setTimeout(r, 250));
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

/** A detached background proxy (`vcluster connect-proxy`) for a kubeconfig context; a running one is reused. */
export async function forwardBackground(t: ForwardTarget, recordDir: string, cliArgv: readonly string[], timeoutMs = 30_000): Promise<number> {
  const pidFile = join(recordDir, 'pids', 'port-forward.pid');
  const portFile = join(recordDir, 'port-forward.port');
  const logFile = join(recordDir, 'logs', 'port-forward.log');
  const marker = `connect-proxy`;
  const old = await readPidFile(pidFile);
  if (old !== undefined && (await isOurProcess(old, marker)) && (await isOurProcess(old, recordDir))) {
    const port = Number(await readFile(portFile, 'utf8').catch(() => ''));
    if (port > 0 && (await portOpen(port))) return port;
    await terminate(old, 2_000);
  }
  const port = await freePort();
  await writeFile(portFile, `${port}\n`);
  const launched = await launchDetached(
    [...cliArgv, 'connect-proxy', '--kubeconfig', t.kubeconfig, '--host-context', t.context, '-n', t.namespace, t.name, '--port', String(port), '--record-dir', recordDir],
    logFile,
    pidFile,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portOpen(port)) return port;
    if (Date.now() > deadline || !(await isOurProcess(launched.pid, marker))) {
      await terminate(launched.pid, 1_000).catch(() => undefined);
      const text = (await readFile(logFile, 'utf8').catch(() => '')).slice(launched.logOffset);
      throw new VClusterError(`port-forward to pod ${t.namespace}/${t.name}-0 did not start: ${text.trim()}`, { code: ErrorCode.UNAVAILABLE });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a background port-forward, if one runs. */
export async function stopBackgroundForward(recordDir: string): Promise<void> {
  const pid = await readPidFile(join(recordDir, 'pids', 'port-forward.pid'));
  if (pid !== undefined && (await isOurProcess(pid, 'connect-proxy')) && (await isOurProcess(pid, recordDir))) await terminate(pid, 5_000);
}
