/** Status, pause and resume of a kubernetes-driver vcluster: read from and done to StatefulSet <name>. */
import { ignoreNotFound } from '../../k8s/errors.js';
import { Kinds, type Pod, type StatefulSet } from '../../k8s/types.js';
import type { HostAccess } from '../../vclusters/host-access.js';
import { sleep } from '../../lib/sleep.js';
import type { VClusterStatus } from '../../vclusters/local-driver.js';
import { waitPodReady } from './deploy.js';

interface StatefulSetView {
  spec?: { replicas?: number };
}
interface PodView {
  metadata?: { deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
}

/** What `list` shows for a StatefulSet and its pod (undefined when absent). Pure. */
export function statusFromObjects(sts: StatefulSetView | undefined, pod: PodView | undefined): VClusterStatus {
  if (!sts) return 'Unknown';
  if (sts.spec?.replicas === 0) return 'Paused';
  if (!pod || pod.metadata?.deletionTimestamp) return 'Starting';
  if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return 'Running';
  const waiting = pod.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find(Boolean);
  if (pod.status?.phase === 'Failed' || waiting === 'CrashLoopBackOff' || waiting === 'ErrImageNeverPull') return 'Failed';
  return 'Starting';
}

export async function podDriverStatus(host: HostAccess, name: string, namespace: string): Promise<VClusterStatus> {
  const client = await host.client();
  const sts = await ignoreNotFound(client.get<StatefulSet>(Kinds.StatefulSet, { namespace, name }));
  const pod = await ignoreNotFound(client.get<Pod>(Kinds.Pod, { namespace, name: `${name}-0` }));
  return statusFromObjects(sts, pod);
}

/** Waits up to `timeoutMs` for pod <name>-0 to be gone; false when it is still there. */
async function waitPodGone(host: HostAccess, name: string, namespace: string, timeoutMs: number): Promise<boolean> {
  const client = await host.client();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await ignoreNotFound(client.get(Kinds.Pod, { namespace, name: `${name}-0` }))) === undefined) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

export async function scaleControlPlane(host: HostAccess, name: string, namespace: string, replicas: 0 | 1): Promise<void> {
  await (await host.client()).patch(Kinds.StatefulSet, { namespace, name }, { spec: { replicas } }, { type: 'merge' });
  if (replicas === 1) await waitPodReady(host, name, namespace);
  else await waitPodGone(host, name, namespace, 60_000).catch(() => undefined);
}
