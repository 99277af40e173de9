/**
 * Services (vcluster-behavior.md §2.8): spec, labels and annotations both ways, the ClusterIP taken
 * from the host (the virtual Service is recreated with the host's IP, so both sides agree), status
 * back. `default/kubernetes` is the virtual apiserver's own and is not synced.
 */
import { mirrorKubernetesService } from './kubernetes-service.js';
import { formatError } from '../../lib/errors.js';
import { ignoreNotFound, isAlreadyExists, isInvalid } from '../../k8s/errors.js';
import { Kinds, type Endpoints, type Service, type TypedObject } from '../../k8s/types.js';
import { jsonEqual, toJson } from '../../lib/json.js';
import { mergeObjectMetadata, withMetadata } from '../../syncer/patcher/labels-annotations.js';
import { BLOCK_DELETION_ANNOTATION } from '../../syncer/translate/constants.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { resourceKind, type Syncer } from '../../syncer/types.js';
import {
  clusterIpDiffers,
  EXCLUDED_SERVICE_ANNOTATIONS,
  hostServiceRequest,
  isKubernetesService,
  nodePortsDiffer,
  withHostNodePorts,
  syncService,
  toHostService,
  withHostAllocations,
} from './translate.js';

const typed = (s: Service): Service & TypedObject => s as Service & TypedObject;

/**
 * Recreating a selector-less virtual Service makes the virtual endpoints controller delete its manual
 * Endpoints. They ride on the replacement in this annotation and are restored for a short while.
 */
export const RESTORE_ENDPOINTS_ANNOTATION = 'vcluster.loft.sh/restore-endpoints';
const RESTORE_WINDOW_MS = 20_000;

interface Stash {
  readonly until: number;
  readonly subsets: unknown;
}

function readStash(service: Service): Stash | undefined {
  const raw = service.metadata?.annotations?.[RESTORE_ENDPOINTS_ANNOTATION];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Stash;
  } catch {
    return { until: 0, subsets: undefined };
  }
}
const refOf = (s: Service): { namespace: string; name: string } => ({
  namespace: s.metadata?.namespace ?? '',
  name: s.metadata?.name ?? '',
});

export function createServiceSyncer(): Syncer<Service> {
  const mapper = namespacedMapper(GVK.Service);
  return {
    name: 'services',
    kind: resourceKind<Service>(GVK.Service, true),
    mapper,

    async syncToHost(ctx, { virtual }) {
      if (isKubernetesService(refOf(virtual))) return mirrorKubernetesService(ctx, virtual);
      if (virtual.metadata?.deletionTimestamp) return {};
      const translated = toHostService(virtual, { names: ctx.names });
      // The virtual and host service CIDRs are the same: ask the host for the virtual ClusterIP, so the
      // two agree without recreating the virtual Service. If the host has that IP taken, it allocates
      // one and `sync` recreates the virtual Service with it.
      // Likewise the nodePorts (the same node-port range); `sync` gives the virtual Service the host's
      // nodePorts when the host had to allocate others.
      const ip = virtual.spec?.clusterIP;
      const attempts = [
        hostServiceRequest(virtual, translated, true),
        hostServiceRequest(virtual, translated, false),
        translated,
      ].filter((s, i, all): s is Service => s !== undefined && all.findIndex((o) => jsonEqual(toJson(o), toJson(s))) === i);
      try {
        for (const [i, attempt] of attempts.entries()) {
          try {
            await ctx.host.create(typed(attempt));
            break;
          } catch (err) {
            if (i === attempts.length - 1 || !isInvalid(err)) throw err;
            ctx.log.info({ clusterIP: ip, err: formatError(err) }, 'virtual allocation taken on the host; asking for less');
          }
        }
        ctx.log.info({ service: `${virtual.metadata?.namespace}/${virtual.metadata?.name}` }, 'created host service');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return {};
    },

    async sync(ctx, { hostOld, host, virtualOld, virtual }) {
      if (isKubernetesService(refOf(virtual))) return {};
      if (virtual.spec?.clusterIP !== 'None' && clusterIpDiffers(virtual, host)) {
        // Recreate the virtual Service with the host's IP (the virtual service CIDR is the host's).
        const replacement = withHostAllocations(virtual, host);
        const selectorless = Object.keys(virtual.spec?.selector ?? {}).length === 0;
        const endpoints = selectorless
          ? await ignoreNotFound(ctx.virtual.get<Endpoints>(Kinds.Endpoints, refOf(virtual)))
          : undefined;
        if (endpoints?.subsets) {
          const stash: Stash = { until: Date.now() + RESTORE_WINDOW_MS, subsets: endpoints.subsets };
          replacement.metadata = {
            ...replacement.metadata,
            annotations: {
              ...(replacement.metadata?.annotations ?? {}),
              [RESTORE_ENDPOINTS_ANNOTATION]: JSON.stringify(stash),
            },
          };
        }
        await ignoreNotFound(
          ctx.virtual.delete(
            Kinds.Service,
            refOf(virtual),
            virtual.metadata?.uid ? { preconditions: { uid: virtual.metadata.uid } } : {},
          ),
        );
        try {
          await ctx.virtual.create(typed(replacement));
          ctx.log.info(
            {
              service: `${virtual.metadata?.namespace}/${virtual.metadata?.name}`,
              clusterIP: host.spec?.clusterIP,
            },
            'recreated virtual service with the host ClusterIP',
          );
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        return {};
      }
      if (nodePortsDiffer(virtual, host)) {
        // nodePorts can change in place: the virtual Service takes the host's
        await ctx.virtual.update(typed(withHostNodePorts(virtual, host)));
        ctx.log.info({ service: `${virtual.metadata?.namespace}/${virtual.metadata?.name}` }, 'virtual service now has the host nodePorts');
        return {};
      }
      const stash = readStash(virtual);
      if (stash) {
        if (Date.now() < stash.until) {
          const existing = await ignoreNotFound(ctx.virtual.get<Endpoints>(Kinds.Endpoints, refOf(virtual)));
          if (!existing) {
            await ctx.virtual
              .create({
                apiVersion: 'v1',
                kind: 'Endpoints',
                metadata: { name: refOf(virtual).name, namespace: refOf(virtual).namespace },
                subsets: stash.subsets,
              } as Endpoints & TypedObject)
              .catch((err: unknown) => {
                if (!isAlreadyExists(err)) throw err;
              });
          }
          return { requeueAfterMs: 1_000 };
        }
        const annotations = { ...(virtual.metadata?.annotations ?? {}) };
        delete annotations[RESTORE_ENDPOINTS_ANNOTATION];
        return { virtual: { ...virtual, metadata: { ...virtual.metadata, annotations } } };
      }
      const synced = syncService({ virtualOld, virtual, hostOld, host }, { names: ctx.names });
      // synced.host differs from host in metadata only by the block-deletion annotation, kept out of the merge
      const merged = mergeObjectMetadata(ctx.names, { virtualOld, virtual: synced.virtual, hostOld, host: synced.host }, {
        gvk: GVK.Service,
        exclude: [...EXCLUDED_SERVICE_ANNOTATIONS, BLOCK_DELETION_ANNOTATION, RESTORE_ENDPOINTS_ANNOTATION],
      });
      return {
        host: withMetadata(synced.host, merged.host),
        virtual: withMetadata(synced.virtual, merged.virtual),
        ...(synced.virtual.status ? { virtualStatus: synced.virtual.status } : {}),
      };
    },

    async syncToVirtual(ctx, { host }) {
      await ignoreNotFound(ctx.host.delete(Kinds.Service, refOf(host)));
      return {};
    },
  };
}
