/**
 * First-byte latency of `kubectl logs`, `kubectl exec` and a request through `kubectl port-forward`
 * against one pod: the time from starting kubectl to the first byte it prints (logs, exec), and from
 * the GET on the forwarded local port to the first byte of the answer (port-forward, after the
 * forward is up). Used by bench/access/first-byte.ts and the tenant-access e2e test.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../../src/lib/net.js';

export interface AccessTarget {
  readonly kubectl: string;
  /** kubectl's global flags: --kubeconfig, --context, -n. */
  readonly flags: readonly string[];
  readonly pod: string;
  /** A port of the pod that answers HTTP. */
  readonly httpPort: number;
}

export interface AccessTimes {
  readonly logsMs: number[];
  readonly execMs: number[];
  readonly portForwardMs: number[];
}

/** ms from spawning kubectl to its first stdout byte. */
export function firstByte(kubectl: string, args: readonly string[], timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(kubectl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`kubectl ${args.join(' ')}: no output within ${timeoutMs} ms`))), timeoutMs);
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
      child.kill('SIGTERM');
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl ${args.join(' ')} ended (${code}) without output: ${stderr.trim()}`));
    });
  });
}

/** ms from a GET on 127.0.0.1:port to the first byte of the answer. */
export function httpFirstByte(port: number, timeoutMs = 30_000): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    let body = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer on port ${port} within ${timeoutMs} ms`)));
    socket.on('data', (b: Buffer) => {
      if (first === 0) first = performance.now() - t0;
      body += b.toString();
    });
    socket.once('error', reject);
    socket.once('close', () => (first > 0 ? resolve({ ms: first, body }) : reject(new Error(`port ${port}: connection closed without an answer`))));
  });
}

/** Runs `kubectl port-forward pod/X LOCAL:REMOTE` until `use` is done with the local port. */
export async function withPortForward<T>(t: AccessTarget, remotePort: number, use: (localPort: number) => Promise<T>): Promise<T> {
  const local = await freePort();
  const child = spawn(t.kubectl, [...t.flags, 'port-forward', `pod/${t.pod}`, `${local}:${remotePort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`port-forward to ${t.pod}: not ready within 30 s: ${out}`)), 30_000);
      const onData = (b: Buffer): void => {
        out += b.toString();
        if (/Forwarding from/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.once('close', (code) => (clearTimeout(timer), reject(new Error(`port-forward to ${t.pod} ended (${code}): ${out}`))));
    });
    return await use(local);
  } finally {
    child.kill('SIGTERM');
  }
}

export async function measureAccess(t: AccessTarget, runs: number): Promise<AccessTimes> {
  const times: AccessTimes = { logsMs: [], execMs: [], portForwardMs: [] };
  for (let i = 0; i < runs; i++) {
    times.logsMs.push(await firstByte(t.kubectl, [...t.flags, 'logs', t.pod, '--tail=1']));
    times.execMs.push(await firstByte(t.kubectl, [...t.flags, 'exec', t.pod, '--', 'echo', 'x']));
  }
  await withPortForward(t, t.httpPort, async (port) => {
    for (let i = 0; i < runs; i++) times.portForwardMs.push((await httpFirstByte(port)).ms);
  });
  return times;
}
