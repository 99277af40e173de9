/** Ingresses to the host (opt-in: sync.toHost.ingresses), with the Secrets they name. */
import type { Ingress } from '../../k8s/types.js';
import type { NameMapping } from '../../syncer/mappings/mapping.js';
import { NAME_ANNOTATION, NAMESPACE_ANNOTATION } from '../../syncer/translate/constants.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName, type NameContext } from '../../syncer/translate/names.js';
import type { Syncer } from '../../syncer/types.js';
import { copyReferenced, releaseReferenced, type ReferenceStore } from '../shared/referenced-syncer.js';
import { specSyncer } from '../shared/spec-syncer.js';
import { INGRESS_SECRET_ANNOTATIONS, ingressSecretRefs, toHostIngress } from './translate.js';

export interface IngressSyncerDeps {
  /** The mappings store: Ingress → Secret references, so the Secret syncer keeps their host copies. */
  readonly references?: ReferenceStore;
}

function ingressMapping(names: NameContext, virtual: { namespace: string; name: string }): NameMapping {
  return { gvk: GVK.Ingress, virtual, host: { namespace: names.hostNamespace, name: hostName(names, virtual.name, virtual.namespace) } };
}

export function createIngressSyncer(deps: IngressSyncerDeps = {}): Syncer<Ingress> {
  return specSyncer<Ingress>({
    name: 'ingresses',
    gvk: GVK.Ingress,
    namespaced: true,
    toHost: toHostIngress,
    translatedAnnotations: INGRESS_SECRET_ANNOTATIONS,
    statusFromHost: true,
    beforeHostWrite: async (ctx, virtual) => {
      const ref = { namespace: virtual.metadata?.namespace ?? '', name: virtual.metadata?.name ?? '' };
      const secrets = ingressSecretRefs(virtual).map((r) => ({ kind: 'Secret' as const, ...r }));
      await copyReferenced(ctx, deps.references, ingressMapping(ctx.names, ref), secrets);
    },
    afterHostDelete: async (ctx, host) => {
      const name = host.metadata?.annotations?.[NAME_ANNOTATION] ?? '';
      const namespace = host.metadata?.annotations?.[NAMESPACE_ANNOTATION] ?? '';
      if (name !== '') await releaseReferenced(ctx, deps.references, ingressMapping(ctx.names, { namespace, name }));
    },
  });
}
