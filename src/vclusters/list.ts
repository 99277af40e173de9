/** `vcluster list`: the vclusters of the host context — their host Services joined with local state. */
import { Kinds, type Service } from '../k8s/types.js';
import type { LifecycleContext } from './context.js';
import { currentContext, hostAccess } from './host-access.js';
import { statusOf, type VClusterStatus } from './local-driver.js';
import { podDriverStatus } from '../drivers/kubernetes/control.js';
import { contextName } from './naming.js';
import { findLocal, listLocal } from './registry.js';

export interface ListedVCluster {
  readonly name: string;
  readonly namespace: string;
  readonly status: VClusterStatus;
  readonly connected: boolean;
  readonly created: string;
  readonly hostContext: string;
}

export async function listVClusters(ctx: LifecycleContext): Promise<ListedVCluster[]> {
  const kubectl = ctx.binaries.path('kubectl');
  const host = await hostAccess(kubectl, ctx.userKubeconfig, ctx.contextFlag);
  const current = await currentContext(ctx.userKubeconfig);
  const { items } = await (await host.client()).list<Service>(Kinds.Service, { labelSelector: 'app=vcluster' });
  const seen = new Set<string>();
  const out: ListedVCluster[] = [];
  for (const svc of items) {
    const name = svc.metadata?.labels?.release;
    const ns = svc.metadata?.namespace;
    if (!name || !ns) continue;
    seen.add(`${ns}/${name}`);
    const local = await findLocal(ctx.home, host.context, ns, name);
    out.push({
      name,
      namespace: ns,
      // no local record: a Helm install (chart/) is a StatefulSet like the kubernetes driver's
      status: !local || local.state.driver === 'kubernetes' ? await podDriverStatus(host, name, ns) : await statusOf(local.dir, local.state),
      connected: current === contextName(name, ns, host.context),
      created: svc.metadata?.creationTimestamp ?? '',
      hostContext: host.context,
    });
  }
  // Local data whose host objects are gone (e.g. the host was reset): still worth showing.
  for (const local of await listLocal(ctx.home, host.context)) {
    if (seen.has(`${local.state.namespace}/${local.state.name}`)) continue;
    out.push({
      name: local.state.name,
      namespace: local.state.namespace,
      status: await statusOf(local.dir, local.state),
      connected: current === contextName(local.state.name, local.state.namespace, host.context),
      created: local.state.createdAt,
      hostContext: host.context,
    });
  }
  return out.sort((a, b) => (a.namespace + a.name).localeCompare(b.namespace + b.name));
}

/** kubectl-style age: 45s, 3m, 2h, 5d. Pure. */
export function age(from: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
