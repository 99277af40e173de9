/**
 * Endpoints of selector-less Services (manual endpoints) go to the host: subsets virtual → host, labels
 * and annotations both ways (3-way, virtual wins a tie). Endpoints of Services with a selector are the
 * host's own endpoints controller's work: the syncer's filter skips them, so the host controller's
 * Endpoints of the twin (which carry our managed-by label, copied from the Service) are neither touched
 * nor reported as a name conflict.
 */
import { ignoreNotFound, isAlreadyExists } from '../../k8s/errors.js';
import type { Informer } from '../../k8s/informer.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import { mergeObjectMetadata, withMetadata } from '../../syncer/patcher/labels-annotations.js';
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
    sync(ctx, { hostOld, host, virtualOld, virtual }) {
      const want = wanted(virtual);
      if (want === 'wait') return Promise.resolve({ requeueAfterMs: SERVICE_WAIT_MS });
      if (!want) return Promise.resolve({});
      const desired = toHostEndpoints(virtual, { names: ctx.names });
      const merged = mergeObjectMetadata(ctx.names, { virtualOld, virtual, hostOld, host }, { gvk: GVK.Endpoints });
      return Promise.resolve({
        host: withMetadata({ ...host, ...(desired.subsets ? { subsets: desired.subsets } : {}) }, merged.host),
        virtual: withMetadata(virtual, merged.virtual),
      });
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
