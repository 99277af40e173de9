/**
 * Pods on simulated (kwok) host nodes run no container. Their logs, attach and port-forward answer
 * what the host's kwok is configured to answer (src/host/kwok-debugging.ts), but kwok's exec would run
 * the command on the host machine itself: through the proxy, exec on such a pod always runs a fixed
 * `echo` instead, so a tenant's command never runs outside a container. Pure.
 */
import type { Pod } from '../../k8s/types.js';

export const SIMULATED_EXEC_MESSAGE =
  'simulated by kwok: this pod runs on a simulated node, no container runs there, so the command was not run';

/** A host pod whose containers kwok reports (container IDs `kwok://…`). */
export function isSimulatedPod(pod: Pod): boolean {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.some((s) => s.containerID?.startsWith('kwok://') === true);
}

/** The host exec query with the tenant's command replaced by the fixed `echo`. */
export function simulatedExecQuery(query: string): string {
  const params = new URLSearchParams(query);
  params.delete('command');
  params.append('command', 'echo');
  params.append('command', SIMULATED_EXEC_MESSAGE);
  return params.toString();
}
