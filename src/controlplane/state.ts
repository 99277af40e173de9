/**
 * A virtual cluster's persisted state (<data>/state.json): its identity on the host, the ports and
 * service CIDR chosen at create (kept so kubeconfigs stay valid), and the phase the supervisor reports.
 */
import { z } from 'zod';
import { VClusterError } from '../lib/errors.js';
import { readJsonFile, writeJsonFile } from '../lib/json-file.js';

const port = z.number().int().min(1).max(65535);

export const VClusterStateSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  /** The host kubeconfig context the vcluster was created in. */
  hostContext: z.string(),
  /** True when `create` made the namespace (then `delete` removes it). */
  createdNamespace: z.boolean(),
  /** kubeletProxy: the syncer's kubelet port every virtual node advertises (chosen at start when absent). */
  ports: z.object({ apiServer: port, controllerManager: port, metrics: port.optional(), kubeletProxy: port.optional() }),
  /** Where the virtual kube-apiserver listens: loopback (local driver), or all of the pod's addresses (kubernetes driver). */
  bindAddress: z.enum(['127.0.0.1', '0.0.0.0']).optional(),
  /** How the control plane runs: detached processes on this machine, or pod <name>-0 in the host. */
  driver: z.enum(['local', 'kubernetes']).default('local'),
  serviceCidr: z.string(),
  phase: z.enum(['starting', 'ready', 'stopping', 'stopped', 'failed']),
  /** Set by `vcluster pause`, cleared by `resume`: the control plane and its host workloads are stopped on purpose. */
  paused: z.boolean().default(false),
  error: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  readyAt: z.string().optional(),
  supervisorPid: z.number().int().optional(),
});
export type VClusterState = z.infer<typeof VClusterStateSchema>;

export function readVClusterState(file: string): Promise<VClusterState | undefined> {
  return readJsonFile(file, VClusterStateSchema, 'a vcluster state file');
}

export function writeVClusterState(file: string, state: VClusterState): Promise<void> {
  return writeJsonFile(file, state);
}

/** Reads, applies `patch`, writes; returns the new state. */
export async function updateVClusterState(file: string, patch: Partial<VClusterState>): Promise<VClusterState> {
  const current = await readVClusterState(file);
  if (!current) throw new VClusterError(`${file} is missing`);
  const next = { ...current, ...patch };
  await writeVClusterState(file, next);
  return next;
}
