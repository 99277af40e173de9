/**
 * `default/kubernetes` in the virtual cluster mirrors the vcluster's own host Service (as vCluster
 * does): the same ClusterIP and ports, so pods reach the virtual API at the address the host routes,
 * and its Endpoints follow the host Service's endpoints when it has any.
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { jsonEqual, toJson } from '../../syncer/patcher/json.js';
import type { SyncContext } from '../../syncer/types.js';
import { kubernetesEndpoints, kubernetesServiceSpec } from './translate.js';

const KUBERNETES = { namespace: 'default', name: 'kubernetes' } as const;
const typed = <T extends object>(o: T): T & TypedObject => o as T & TypedObject;

export async function mirrorKubernetesService(ctx: SyncContext, virtual: Service): Promise<void> {
  const hostService = await ignoreNotFound(ctx.host.get<Service>(Kinds.Service, { namespace: ctx.names.hostNamespace, name: ctx.names.vclusterName }));
  if (!hostService?.spec?.clusterIP) return;
  const desired = kubernetesServiceSpec(virtual, hostService);
  if (virtual.spec?.clusterIP !== hostService.spec.clusterIP) {
    // The ClusterIP is immutable: replace the Service.
    const replacement: Service = { ...desired, metadata: { name: KUBERNETES.name, namespace: KUBERNETES.namespace, ...(virtual.metadata?.labels ? { labels: virtual.metadata.labels } : {}) } };
    delete replacement.status;
    await ignoreNotFound(ctx.virtual.delete(Kinds.Service, KUBERNETES, virtual.metadata?.uid ? { preconditions: { uid: virtual.metadata.uid } } : {}));
    await ctx.virtual.create(typed(replacement)).catch((err: unknown) => {
      if (!isAlreadyExists(err)) throw err;
    });
    ctx.log.info({ clusterIP: hostService.spec.clusterIP }, 'default/kubernetes now mirrors the vcluster host service');
  } else if (!jsonEqual(toJson(desired.spec?.ports ?? []), toJson(virtual.spec?.ports ?? []))) {
    await ctx.virtual.update(typed(desired));
  }
  const hostEndpoints = await ignoreNotFound(ctx.host.get<Endpoints>(Kinds.Endpoints, { namespace: ctx.names.hostNamespace, name: ctx.names.vclusterName }));
  if (!hostEndpoints?.subsets?.length) return;
  const wanted = kubernetesEndpoints(hostEndpoints);
  const current = await ignoreNotFound(ctx.virtual.get<Endpoints>(Kinds.Endpoints, KUBERNETES));
  if (!current) await ctx.virtual.create(typed(wanted));
  else if (!jsonEqual(toJson(current.subsets ?? []), toJson(wanted.subsets))) await ctx.virtual.update(typed({ ...current, subsets: wanted.subsets }));
}
