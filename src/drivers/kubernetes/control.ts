/** Status, pause and resume of a kubernetes-driver vcluster: read from and done to StatefulSet <name>. */
import type { HostAccess } from '../../lifecycle/host-access.js';
import type { VClusterStatus } from '../../lifecycle/local-driver.js';
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

async function getJson<T>(host: HostAccess, args: readonly string[]): Promise<T | undefined> {
  const { stdout } = await host.kubectl([...args, '--ignore-not-found', '-o', 'json']);
  return stdout.trim() ? (JSON.parse(stdout) as T) : undefined;
}

export async function podDriverStatus(host: HostAccess, name: string, namespace: string): Promise<VClusterStatus> {
  const sts = await getJson<StatefulSetView>(host, ['get', 'statefulset', name, '-n', namespace]);
  const pod = await getJson<PodView>(host, ['get', 'pod', `${name}-0`, '-n', namespace]);
  return statusFromObjects(sts, pod);
}

export async function scaleControlPlane(host: HostAccess, name: string, namespace: string, replicas: 0 | 1): Promise<void> {
  await host.kubectl(['scale', 'statefulset', name, '-n', namespace, `--replicas=${replicas}`]);
  if (replicas === 1) await waitPodReady(host, name, namespace);
  else await host.kubectl(['wait', '--for=delete', `pod/${name}-0`, '-n', namespace, '--timeout=60s']).catch(() => undefined);
}
