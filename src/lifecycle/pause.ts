/**
 * `vcluster pause NAME` stops the control plane and deletes its workloads on the host (the pods it
 * synced), keeping all data; `vcluster resume NAME` starts it again, and the syncer brings the
 * workloads back.
 */
import { updateVClusterState, type VClusterState } from '../controlplane/state.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import type { LifecycleContext } from './context.js';
import { hostAccess, type HostAccess } from './host-access.js';
import { podDriverStatus, scaleControlPlane } from '../drivers/kubernetes/control.js';
import { startLocal, statusOf, stopLocal } from './local-driver.js';
import { MANAGED_BY_LABEL, PAUSED_ANNOTATION, PAUSED_DATE_ANNOTATION, resolveNamespace, validateVClusterName } from './naming.js';
import { findLocal, type LocalVCluster } from './registry.js';

async function locate(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined): Promise<LocalVCluster & { kubectl: (a: readonly string[]) => Promise<unknown>; host: HostAccess }> {
  validateVClusterName(name);
  const host = await hostAccess(ctx.binaries.path('kubectl'), ctx.userKubeconfig, ctx.contextFlag);
  const namespace = resolveNamespace(name, namespaceFlag, host.contextNamespace);
  const found = await findLocal(ctx.home, host.context, namespace, name);
  if (!found) throw new VClusterError(`vcluster ${name} not found in namespace ${namespace} of context ${host.context}`, { code: ErrorCode.NOT_FOUND, hint: 'list them with `vcluster list`' });
  return { ...found, kubectl: host.kubectl, host };
}

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
  await vc.kubectl(['delete', 'pods', '-n', ns, '-l', `${MANAGED_BY_LABEL}=${name}`, '--ignore-not-found', '--wait=false']);
  await vc.kubectl(['annotate', '--overwrite', 'service', name, '-n', ns, `${PAUSED_ANNOTATION}=true`, `${PAUSED_DATE_ANNOTATION}=${new Date().toISOString()}`]);
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
    await vc.kubectl(['annotate', 'service', vc.state.name, '-n', vc.state.namespace, `${PAUSED_ANNOTATION}-`, `${PAUSED_DATE_ANNOTATION}-`]).catch(() => undefined);
    await scaleControlPlane(vc.host, name, vc.state.namespace, 1);
    return { ...vc.state, paused: false, phase: 'ready' };
  }
  // A supervisor that died (SIGKILL) leaves components behind: stop them before starting anew.
  await stopLocal(ctx, vc.dir);
  await updateVClusterState(vc.dir.stateFile, { paused: false });
  await vc.kubectl(['annotate', 'service', vc.state.name, '-n', vc.state.namespace, `${PAUSED_ANNOTATION}-`, `${PAUSED_DATE_ANNOTATION}-`]).catch(() => undefined);
  return startLocal(ctx, vc.dir, `vcluster ${name}`);
}
