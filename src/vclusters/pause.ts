/**
 * `vcluster pause NAME` stops the control plane and deletes its workloads on the host (the pods it
 * synced), keeping all data; `vcluster resume NAME` starts it again, and the syncer brings the
 * workloads back.
 */
import { updateVClusterState, type VClusterState } from '../controlplane/state.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import type { KubeClient } from '../k8s/client.js';
import { ignoreNotFound } from '../k8s/errors.js';
import { Kinds, type Pod } from '../k8s/types.js';
import type { LifecycleContext } from './context.js';
import { hostAccess, type HostAccess } from './host-access.js';
import { podDriverStatus, scaleControlPlane } from '../drivers/kubernetes/control.js';
import { startLocal, statusOf, stopLocal } from './local-driver.js';
import { MANAGED_BY_LABEL, PAUSED_ANNOTATION, PAUSED_DATE_ANNOTATION, resolveNamespace, validateVClusterName } from './naming.js';
import { findLocal, type LocalVCluster } from './registry.js';

async function locate(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined): Promise<LocalVCluster & { client: KubeClient; host: HostAccess }> {
  validateVClusterName(name);
  const host = await hostAccess(ctx.binaries.path('kubectl'), ctx.userKubeconfig, ctx.contextFlag);
  const namespace = resolveNamespace(name, namespaceFlag, host.contextNamespace);
  const found = await findLocal(ctx.home, host.context, namespace, name);
  if (!found) throw new VClusterError(`vcluster ${name} not found in namespace ${namespace} of context ${host.context}`, { code: ErrorCode.NOT_FOUND, hint: 'list them with `vcluster list`' });
  return { ...found, client: await host.client(), host };
}

/** Sets (a string) or removes (null) the pause annotations of Service NAME, a JSON merge patch. */
async function setPausedAnnotations(client: KubeClient, namespace: string, name: string, annotations: Record<string, string | null>): Promise<void> {
  await client.patch(Kinds.Service, { namespace, name }, { metadata: { annotations } }, { type: 'merge' });
}

const UNPAUSED = { [PAUSED_ANNOTATION]: null, [PAUSED_DATE_ANNOTATION]: null };

export async function pauseVCluster(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined): Promise<void> {
  const vc = await locate(ctx, name, namespaceFlag);
  if (vc.state.paused) {
    ctx.progress(`vcluster ${name} is already paused`);
    return;
  }
  await updateVClusterState(vc.dir.stateFile, { paused: true });
  if (vc.state.driver === 'kubernetes') await scaleControlPlane(vc.host, name, vc.state.namespace, 0);
  else await stopLocal(ctx, vc.dir);
  const ns = vc.state.namespace;
  const { items } = await vc.client.list<Pod>(Kinds.Pod, { namespace: ns, labelSelector: `${MANAGED_BY_LABEL}=${name}` });
  for (const pod of items) await ignoreNotFound(vc.client.delete(Kinds.Pod, { namespace: ns, name: pod.metadata?.name ?? '' }));
  await setPausedAnnotations(vc.client, ns, name, { [PAUSED_ANNOTATION]: 'true', [PAUSED_DATE_ANNOTATION]: new Date().toISOString() });
}

export async function resumeVCluster(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined): Promise<VClusterState> {
  const vc = await locate(ctx, name, namespaceFlag);
  const kubernetes = vc.state.driver === 'kubernetes';
  const status = kubernetes ? await podDriverStatus(vc.host, name, vc.state.namespace) : await statusOf(vc.dir, vc.state);
  if (status === 'Running') {
    ctx.progress(`vcluster ${name} is already running`);
    return vc.state;
  }
  if (kubernetes) {
    await updateVClusterState(vc.dir.stateFile, { paused: false });
    await setPausedAnnotations(vc.client, vc.state.namespace, vc.state.name, UNPAUSED).catch(() => undefined);
    await scaleControlPlane(vc.host, name, vc.state.namespace, 1);
    return { ...vc.state, paused: false, phase: 'ready' };
  }
  // A supervisor that died (SIGKILL) leaves components behind: stop them before starting anew.
  await stopLocal(ctx, vc.dir);
  await updateVClusterState(vc.dir.stateFile, { paused: false });
  await setPausedAnnotations(vc.client, vc.state.namespace, vc.state.name, UNPAUSED).catch(() => undefined);
  return startLocal(ctx, vc.dir, `vcluster ${name}`);
}
