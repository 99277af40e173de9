/**
 * The embedded host's persisted state (<data>/state.json): the ports it uses (kept across restarts so
 * kubeconfigs stay valid), the node count, and the phase the supervisor reports.
 */
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../lib/json-file.js';

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
  /** Real nodes (kubelet + containerd in namespaces of their own); absent in files of older versions. */
  realNodes: z.number().int().min(0).default(0),
  phase: z.enum(['starting', 'ready', 'stopping', 'stopped', 'failed']),
  /** Set while phase is 'failed'. */
  error: z.string().optional(),
  startedAt: z.string().optional(),
  readyAt: z.string().optional(),
  supervisorPid: z.number().int().optional(),
});
export type HostState = z.infer<typeof HostStateSchema>;

export function readHostState(file: string): Promise<HostState | undefined> {
  return readJsonFile(file, HostStateSchema, 'a host state file (remove it or run `vcluster host down --purge`)');
}

export function writeHostState(file: string, state: HostState): Promise<void> {
  return writeJsonFile(file, state);
}
