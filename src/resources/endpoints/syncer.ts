/**
 * Endpoints of selector-less Services (manual endpoints) go to the host; endpoints of Services with a
 * selector are the host's own endpoints controller's work: the syncer's filter skips them, so the host
 * controller's Endpoints of the twin (which carry our managed-by label, copied from the Service) are
 * neither touched nor reported as a name conflict.
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import type { Informer } from '../../k8s/informer.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { jsonEqual, toJson } from '../../syncer/patcher/json.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { resourceKind, type Syncer } from '../../syncer/types.js';
import { shouldSyncEndpoints, toHostEndpoints } from './translate.js';

const SERVICE_WAIT_MS = 500;
const typed = (e: Endpoints): Endpoints & TypedObject => e as Endpoints & TypedObject;

export function createEndpointsSyncer(virtualServices: Informer<Service>): Syncer<Endpoints> {
  /** 'wait' when the Service is not in the cache yet (Endpoints are often created right after it). */
  const wanted = (e: Endpoints): boolean | 'wait' => {
    if (e.metadata?.name === 'kubernetes' && e.metadata.namespace === 'default') return false;
    const service = virtualServices.get(`${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`);
    if (service === undefined) return 'wait';
    return shouldSyncEndpoints(service);
  };
  return {
    name: 'endpoints',
    kind: resourceKind<Endpoints>(GVK.Endpoints, true),
    mapper: namespacedMapper(GVK.Endpoints),
    filter(virtual) {
      const want = wanted(virtual);
      return want === 'wait' ? 'wait' : want ? 'sync' : 'skip';
    },
    async syncToHost(ctx, { virtual }) {
      const want = wanted(virtual);
      if (want === 'wait') return { requeueAfterMs: SERVICE_WAIT_MS };
      if (!want) return {};
      try {
        await ctx.host.create(typed(toHostEndpoints(virtual, { names: ctx.names })));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return {};
    },
    async sync(ctx, { host, virtual }) {
      const want = wanted(virtual);
      if (want === 'wait') return { requeueAfterMs: SERVICE_WAIT_MS };
      if (!want) return {};
      const desired = toHostEndpoints(virtual, { names: ctx.names });
      if (!jsonEqual(toJson(desired.subsets ?? []), toJson(host.subsets ?? []))) {
        await ctx.host.update(typed({ ...host, ...(desired.subsets ? { subsets: desired.subsets } : {}) }));
      }
      return {};
    },
    async syncToVirtual(ctx, { host }) {
      await ignoreNotFound(
        ctx.host.delete(Kinds.Endpoints, {
          namespace: host.metadata?.namespace ?? '',
          name: host.metadata?.name ?? '',
        }),
      );
      return {};
    },
  };
}
