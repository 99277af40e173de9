/**
 * `default/kubernetes` in the virtual cluster mirrors the vcluster's own host Service (as vCluster
 * does): the same ClusterIP and ports, so pods reach the virtual API at the address the host routes,
 * and its Endpoints and EndpointSlice follow the host Service's endpoints (the virtual apiserver runs
 * with --endpoint-reconciler-type=none, so nothing else writes them). Level-based: looked at again
 * every MIRROR_RESYNC_MS, sooner while the host has no endpoints yet (the kubernetes driver's pod
 * becomes Ready after the syncer starts; the local driver's relay endpoint is written at start).
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import { Kinds, type EndpointSlice, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { jsonEqual, toJson } from '../../lib/json.js';
import type { Result, SyncContext } from '../../syncer/types.js';
import { kubernetesEndpoints, kubernetesEndpointSlice, kubernetesServiceSpec } from './translate.js';

const KUBERNETES = { namespace: 'default', name: 'kubernetes' } as const;
const typed = <T extends object>(o: T): T & TypedObject => o as T & TypedObject;
/** How often a mirrored `default/kubernetes` is compared with the host again. */
export const MIRROR_RESYNC_MS = 60_000;
/** How soon again while the host Service has no endpoints. */
export const MIRROR_WAIT_MS = 2_000;

const createOrKeep = async (p: Promise<unknown>): Promise<void> => {
  try {
    await p;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
};

function hasNotReady(e: Endpoints): boolean {
  return (e.subsets ?? []).some((s) => (s.notReadyAddresses ?? []).length > 0 || (s.addresses ?? []).length === 0);
}

export async function mirrorKubernetesService(ctx: SyncContext, virtual: Service): Promise<Result> {
  const hostService = await ignoreNotFound(ctx.host.get<Service>(Kinds.Service, { namespace: ctx.names.hostNamespace, name: ctx.names.vclusterName }));
  if (!hostService?.spec?.clusterIP) return { requeueAfterMs: MIRROR_WAIT_MS };
  const desired = kubernetesServiceSpec(virtual, hostService);
  if (virtual.spec?.clusterIP !== hostService.spec.clusterIP) {
    // The ClusterIP is immutable: replace the Service.
    const replacement: Service = { ...desired, metadata: { name: KUBERNETES.name, namespace: KUBERNETES.namespace, ...(virtual.metadata?.labels ? { labels: virtual.metadata.labels } : {}) } };
    delete replacement.status;
    await ignoreNotFound(ctx.virtual.delete(Kinds.Service, KUBERNETES, virtual.metadata?.uid ? { preconditions: { uid: virtual.metadata.uid } } : {}));
    await createOrKeep(ctx.virtual.create(typed(replacement)));
    ctx.log.info({ clusterIP: hostService.spec.clusterIP }, 'default/kubernetes now mirrors the vcluster host service');
  } else if (!jsonEqual(toJson(desired.spec?.ports ?? []), toJson(virtual.spec?.ports ?? []))) {
    await ctx.virtual.update(typed(desired));
  }
  const hostEndpoints = await ignoreNotFound(ctx.host.get<Endpoints>(Kinds.Endpoints, { namespace: ctx.names.hostNamespace, name: ctx.names.vclusterName }));
  if (!hostEndpoints?.subsets?.length) return { requeueAfterMs: MIRROR_WAIT_MS };
  const wanted = kubernetesEndpoints(hostEndpoints);
  const current = await ignoreNotFound(ctx.virtual.get<Endpoints>(Kinds.Endpoints, KUBERNETES));
  if (!current) await createOrKeep(ctx.virtual.create(typed(wanted)));
  else if (!jsonEqual(toJson(current.subsets ?? []), toJson(wanted.subsets)) || !jsonEqual(current.metadata?.labels ?? {}, wanted.metadata?.labels ?? {}))
    await ctx.virtual.update(typed({ ...current, metadata: { ...current.metadata, labels: { ...(current.metadata?.labels ?? {}), ...(wanted.metadata?.labels ?? {}) } }, subsets: wanted.subsets }));
  const slice = kubernetesEndpointSlice(wanted);
  const currentSlice = await ignoreNotFound(ctx.virtual.get<EndpointSlice>(Kinds.EndpointSlice, KUBERNETES));
  if (!currentSlice) await createOrKeep(ctx.virtual.create(typed(slice)));
  else if (
    !jsonEqual(toJson(currentSlice.endpoints ?? []), toJson(slice.endpoints ?? [])) ||
    !jsonEqual(toJson(currentSlice.ports ?? []), toJson(slice.ports ?? []))
  )
    await ctx.virtual.update(typed({ ...currentSlice, endpoints: slice.endpoints, ports: slice.ports }));
  // an address not ready yet (the kubernetes driver's pod turns Ready after the syncer starts): look again soon
  return { requeueAfterMs: hasNotReady(hostEndpoints) ? MIRROR_WAIT_MS : MIRROR_RESYNC_MS };
}
