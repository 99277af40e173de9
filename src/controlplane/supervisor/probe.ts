/** Readiness probes: poll until the component answers, it dies, or time runs out. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { access, readFile } from 'node:fs/promises';
import type { ReadinessProbe } from '../components/spec.js';
import { sleep } from '../../lib/sleep.js';


/** One attempt; true when ready. Never throws. */
export async function probeOnce(probe: ReadinessProbe, ca?: Buffer): Promise<boolean> {
  switch (probe.kind) {
    case 'none':
      return true;
    case 'http':
      return httpOk(probe.url, ca, probe.insecure === true);
    case 'unix-socket':
      return connects({ path: probe.path });
    case 'tcp':
      return connects({ host: probe.host, port: probe.port });
    case 'file':
      return access(probe.path).then(
        () => true,
        () => false,
      );
  }
}

function httpOk(url: string, ca: Buffer | undefined, insecure: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const opts = { method: 'GET', timeout: 2_000, ...(u.protocol === 'https:' ? { ca, rejectUnauthorized: !insecure } : {}) };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, opts, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function connects(target: { path: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = 'path' in target ? connect(target.path) : connect(target.port, target.host);
    sock.setTimeout(1_000);
    sock.on('connect', () => (sock.destroy(), resolve(true)));
    sock.on('timeout', () => (sock.destroy(), resolve(false)));
    sock.on('error', () => resolve(false));
  });
}

/**
 * Polls until ready (true), or until `signal` aborts or the deadline passes (false). `alive` is checked
 * between attempts so a dead process fails fast.
 */
export async function waitReady(
  probe: ReadinessProbe,
  opts: { timeoutMs: number; intervalMs?: number; alive: () => boolean; signal?: AbortSignal },
): Promise<'ready' | 'timeout' | 'died' | 'aborted'> {
  const ca = probe.kind === 'http' && probe.caFile ? await readFile(probe.caFile) : undefined;
  const deadline = Date.now() + opts.timeoutMs;
  let interval = opts.intervalMs ?? 100;
  for (;;) {
    if (opts.signal?.aborted) return 'aborted';
    if (!opts.alive()) return 'died';
    if (await probeOnce(probe, ca)) return 'ready';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(interval, opts.signal);
    // capped low: a component's start is on create's critical path, and a probe costs well under 1 ms
    interval = Math.min(interval * 1.5, 250);
  }
}
