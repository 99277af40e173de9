/**
 * The embedded host's persisted state (<data>/state.json): the ports it uses (kept across restarts so
 * kubeconfigs stay valid), the node count, and the phase the supervisor reports.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { VClusterError, isErrnoException } from '../lib/errors.js';

export const HostPortsSchema = z.object({
  apiServer: z.number().int().min(1).max(65535),
  etcdClient: z.number().int().min(1).max(65535),
  etcdPeer: z.number().int().min(1).max(65535),
  controllerManager: z.number().int().min(1).max(65535),
  scheduler: z.number().int().min(1).max(65535),
  kwok: z.number().int().min(1).max(65535),
});
export type HostPorts = z.infer<typeof HostPortsSchema>;

export const HostStateSchema = z.object({
  ports: HostPortsSchema,
  nodes: z.number().int().min(1),
  phase: z.enum(['starting', 'ready', 'stopping', 'stopped', 'failed']),
  /** Set while phase is 'failed'. */
  error: z.string().optional(),
  startedAt: z.string().optional(),
  readyAt: z.string().optional(),
  supervisorPid: z.number().int().optional(),
});
export type HostState = z.infer<typeof HostStateSchema>;

export async function readHostState(file: string): Promise<HostState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return undefined;
    throw new VClusterError(`read ${file}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VClusterError(`${file} is not valid JSON; remove it or run \`vcluster host down --purge\``, { cause: err });
  }
  const parsed = HostStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new VClusterError(`${file} is not a host state file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function writeHostState(file: string, state: HostState): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}
