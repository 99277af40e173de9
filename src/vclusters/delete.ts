/**
 * `vcluster delete NAME`: stops the control plane, removes every host object it made (synced ones by
 * the managed-by label, its own by app=vcluster,release=NAME), the namespace if create made it, the
 * kubeconfig context, and the data dir unless --keep-data.
 */
import { pruneEmptyDirs } from '../lib/dirs.js';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { removeContext } from './connect.js';
import type { LifecycleContext } from './context.js';
import { deleteAllOf } from '../k8s/delete.js';
import { ignoreNotFound } from '../k8s/errors.js';
import { Kinds, type Namespace, type Service, type StatefulSet } from '../k8s/types.js';
import { hostAccess } from './host-access.js';
import { RELEASE_HOST_KINDS, SYNCED_HOST_KINDS } from './host-objects.js';
import { stopLocal } from './local-driver.js';
import { undeployKubernetes } from '../drivers/kubernetes/deploy.js';
import { stopBackgroundForward } from '../drivers/kubernetes/port-forward.js';
import { CREATED_NAMESPACE_ANNOTATION, MANAGED_BY_LABEL, resolveNamespace, validateVClusterName } from './naming.js';
import { findLocal } from './registry.js';

export interface DeleteOptions {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly keepData: boolean;
  readonly ignoreNotFound: boolean;
}

export async function deleteVCluster(ctx: LifecycleContext, opts: DeleteOptions): Promise<{ deleted: boolean; namespaceDeleted: boolean }> {
  const name = validateVClusterName(opts.name);
  const host = await hostAccess(ctx.binaries.path('kubectl'), ctx.userKubeconfig, ctx.contextFlag);
  const namespace = resolveNamespace(name, opts.namespace, host.contextNamespace);
  const local = await findLocal(ctx.home, host.context, namespace, name);
  const client = await host.client();
  const services = await client.list<Service>(Kinds.Service, { namespace, labelSelector: `app=vcluster,release=${name}` });
  if (!local && services.items.length === 0) {
    if (opts.ignoreNotFound) return { deleted: false, namespaceDeleted: false };
    throw new VClusterError(`vcluster ${name} not found in namespace ${namespace} of context ${host.context}`, { code: ErrorCode.NOT_FOUND, hint: 'list them with `vcluster list`' });
  }
  const sts = await ignoreNotFound(client.get<StatefulSet>(Kinds.StatefulSet, { namespace, name }));
  if (local?.state.driver === 'kubernetes' || sts?.metadata?.labels?.release === name) {
    if (local) await stopBackgroundForward(local.dir.root);
    await undeployKubernetes(host, name, namespace);
    ctx.progress(`deleted statefulset ${name} and its pod, volume and RBAC`);
  } else if (local && (await stopLocal(ctx, local.dir))) ctx.progress(`stopped the control plane of vcluster ${name}`);
  await deleteAllOf(client, SYNCED_HOST_KINDS, { namespace, labelSelector: `${MANAGED_BY_LABEL}=${name}`, ignoreNotFound: true, wait: false });
  await deleteAllOf(client, RELEASE_HOST_KINDS, { namespace, labelSelector: `app=vcluster,release=${name}`, ignoreNotFound: true });
  ctx.progress(`deleted the host objects of vcluster ${name} in namespace ${namespace}`);
  let namespaceDeleted = false;
  const ns = await ignoreNotFound(client.get<Namespace>(Kinds.Namespace, { name: namespace }));
  if (ns?.metadata?.annotations?.[CREATED_NAMESPACE_ANNOTATION] === 'true') {
    await ignoreNotFound(client.delete(Kinds.Namespace, { name: namespace }));
    namespaceDeleted = true;
    ctx.progress(`deleting namespace ${namespace} (created by vcluster create)`);
  }
  await removeContext(ctx, name, namespace, host.context);
  if (local && !opts.keepData) {
    await rm(local.dir.root, { recursive: true, force: true });
    // and the <namespace>, <context> and vclusters folders it leaves empty
    await pruneEmptyDirs(dirname(local.dir.root), ctx.home);
  }
  return { deleted: true, namespaceDeleted };
}
