/**
 * `vcluster logs NAME [-f] [--component C] [--tail N]`: a component's log. Local driver: its file in
 * the data dir, followed by polling (a log cut shorter is read again from its start). Kubernetes
 * driver: `kubectl logs` of container syncer for the syncer, and for the others the same command run
 * by the CLI inside pod NAME-0 (`--data-dir /data`), which reads /data/logs there.
 */
import { spawn } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { ErrorCode, ProcessError, VClusterError, isErrnoException } from '../../lib/errors.js';
import type { LifecycleContext } from '../../vclusters/context.js';
import { dataDir } from '../../controlplane/datadir.js';
import { CONTROL_PLANE_CONTAINER, locateVCluster, podCliArgs, POD_DATA_DIR } from '../locate.js';
import { componentLogFile, lastLines, type LogComponent } from './components.js';

export interface LogsOptions {
  readonly component: LogComponent;
  readonly follow: boolean;
  /** Lines of the existing log to print first; -1: all. */
  readonly tail: number;
  /** How often a followed file is checked for more. @default 250 */
  readonly pollMs?: number;
}

const POLL_MS = 250;

async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Prints a log file (its last `tail` lines), then, with follow, what is appended until `signal` aborts. */
export async function printLogFile(file: string, opts: LogsOptions, out: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') {
      throw new VClusterError(`no ${opts.component} log yet (${file})`, { code: ErrorCode.NOT_FOUND, hint: 'the component writes it when the control plane starts' });
    }
    throw err;
  }
  out.write(lastLines((await readRange(file, 0, size)).toString('utf8'), opts.tail));
  let offset = size;
  while (opts.follow && !signal.aborted) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, opts.pollMs ?? POLL_MS);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    const now = await stat(file).then((s) => s.size, () => 0);
    if (now < offset) offset = 0; // truncated or replaced
    if (now > offset) {
      out.write(await readRange(file, offset, now));
      offset = now;
    }
  }
}

function runInherited(command: string, args: readonly string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    const stop = (): boolean => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => reject(new ProcessError(`run ${command}`, { cause: e })));
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', stop);
      if (code === 0 || signal.aborted) resolve();
      else reject(new ProcessError(`kubectl ${args.slice(0, 2).join(' ')} failed (${sig ?? `exit ${code}`})`));
    });
  });
}

/** The log of a data dir on this machine (also what runs inside pod NAME-0). */
export function dataDirLogs(root: string, opts: LogsOptions, out: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  return printLogFile(componentLogFile(dataDir(root).logsDir, opts.component), opts, out, signal);
}

export async function vclusterLogs(ctx: LifecycleContext, name: string, namespace: string | undefined, opts: LogsOptions, out: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  const vc = await locateVCluster(ctx, name, namespace);
  if (vc.state.driver !== 'kubernetes') return dataDirLogs(vc.dir.root, opts, out, signal);
  const base = [`--kubeconfig=${vc.host.kubeconfig}`, `--context=${vc.host.context}`];
  const flags = [...(opts.follow ? ['-f'] : []), `--tail=${opts.tail}`];
  if (opts.component === 'syncer') {
    return runInherited(vc.host.kubectlBinary, [...base, 'logs', '-n', vc.state.namespace, `${vc.state.name}-0`, '-c', CONTROL_PLANE_CONTAINER, ...flags], signal);
  }
  return runInherited(vc.host.kubectlBinary, [...base, ...podCliArgs(vc, ['logs', vc.state.name, '--data-dir', POD_DATA_DIR, '--component', opts.component, ...flags])], signal);
}
