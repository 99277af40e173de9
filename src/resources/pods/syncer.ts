/**
 * Pods (vcluster-behavior.md §2.8): virtual → host for existence and spec, host → virtual for status and
 * the node; labels and annotations both ways (3-way, virtual wins a tie). A host pod deleted out of band
 * deletes its virtual pod, so the pod's controller replaces it.
 */
import {
  Kinds,
  type Pod,
  type Service,
  type TypedObject,
} from '../../k8s/types.js';
import { ignoreNotFound, isAlreadyExists, isConflict, isForbidden, isNotFound } from '../../k8s/errors.js';
import type { KubeClient } from '../../k8s/client.js';
import { applyDesired } from '../../syncer/patcher/apply.js';
import { mergeAnnotations, mergeObjectLabels } from '../../syncer/patcher/labels-annotations.js';
import { namespacedMapper } from '../../syncer/mapper.js';
import { REQUEUE_SOON_MS } from '../../syncer/decide.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName } from '../../syncer/translate/names.js';
import { resourceKind, type SyncContext, type Syncer } from '../../syncer/types.js';
import { ensureFakeNode } from '../nodes/fake-nodes.js';
import { requestTokens } from './tokens.js';
import type { KubeletEndpoints } from '../../syncer/kubelet-proxy/endpoints.js';
import { copyReferenced, releaseReferenced, type ReferencedObject } from '../shared/referenced-syncer.js';
import {
  hostPodSpecUpdate,
  toHostPod,
  virtualPodStatus,
  type PodReference,
} from './translate.js';
import { tokenAnnotationKeys } from './translate.js';
import { tokenSecretName } from './translate-parts/token.js';
import type { MappingsStore } from '../../syncer/mappings/store.js';
import type { NameMapping } from '../../syncer/mappings/mapping.js';
import { warnOnVirtual } from '../../syncer/events.js';
import { podSecurityMessage, podSecurityViolations } from './translate-parts/security.js';
import { usesClusterDns } from './translate-parts/dns.js';
import type { PodSecurityStandard } from '../../config/index.js';
import type { Toleration } from '../../k8s/types.js';

export interface PodSyncerDeps {
  /** ClusterIP of the vcluster's host Service: the in-cluster `kubernetes` address. */
  readonly kubeIP: string | undefined;
  readonly clusterDomain: string;
  /** Reported by fake nodes. */
  readonly kubeletVersion: string;
  /** Whether the host already holds a ConfigMap/Secret of this host name (the host informer caches). */
  readonly hostCopyExists?: (kind: 'ConfigMap' | 'Secret', hostName: string) => boolean;
  /** sync.toHost.serviceAccounts: host pods run as the translated ServiceAccount. */
  readonly serviceAccountsToHost?: boolean;
  /**
   * How a pod's priorityClassName reaches the host: translated (sync.toHost.priorityClasses), kept
   * (sync.fromHost.priorityClasses), else cleared (the system classes are always kept).
   */
  readonly priorityClasses?: 'toHost' | 'fromHost';
  /**
   * sync.toHost.pods.useSecretsForSATokens: tokens reach the host pod through a host Secret
   * (`secret`, our default) or through host pod annotations read by the downward API
   * (`annotation`, vCluster's default: one host write per pod instead of two).
   */
  readonly tokenMode?: 'secret' | 'annotation';
  /** The mappings store: pod → ConfigMap/Secret references, for their sync and garbage collection. */
  readonly mappings?: MappingsStore;
  /**
   * policies.podSecurityStandard: a pod breaking it never reaches the host (a Warning event on the
   * virtual pod says why). @default 'baseline'
   */
  readonly podSecurityStandard?: PodSecurityStandard;
  /** sync.toHost.pods.enforceTolerations, parsed: added to every host pod. */
  readonly enforceTolerations?: readonly Toleration[];
  /** The host RuntimeClass for a virtual class name, undefined = none (runtimeclasses/syncer.ts). */
  readonly hostRuntimeClass?: (virtualName: string) => Promise<string | undefined>;
  /** The syncer's kubelet proxy: the address and port fake nodes advertise. */
  readonly kubelet?: KubeletEndpoints;
  /**
   * The virtual cluster's DNS (controlPlane.coredns): the host ClusterIP of the kube-dns twin, undefined
   * while it does not exist yet. When set, ClusterFirst pods wait for it (as vCluster: "waiting for DNS
   * service IP") and get it as their only nameserver.
   */
  readonly dnsIP?: () => string | undefined;
  /** The virtual Services of a namespace (service-link env vars, with their ClusterIPs: the host's). */
  readonly servicesOf?: (namespace: string) => readonly Service[];
}

/** How long a pod waits for the DNS Service before it is synced without cluster DNS. */
export const DNS_WAIT_MS = 60_000;

/** The host class for the pod's RuntimeClass: null = none on the host (the tenant is told); undefined = no class. */
async function hostRuntimeClassOf(ctx: SyncContext, deps: PodSyncerDeps, virtual: Pod): Promise<string | null | undefined> {
  const name = virtual.spec?.runtimeClassName;
  if (!name || !deps.hostRuntimeClass) return undefined;
  const host = await deps.hostRuntimeClass(name);
  if (host !== undefined) return host;
  const message = `runtime class ${name} has no host RuntimeClass of that name or handler: the pod runs with the host's default runtime`;
  await warnOnVirtual(ctx, virtual, 'SyncWarning', message);
  return null;
}

function podMapping(ctx: SyncContext, ref: { namespace: string; name: string }): NameMapping {
  return {
    gvk: GVK.Pod,
    virtual: ref,
    host: { namespace: ctx.names.hostNamespace, name: hostName(ctx.names, ref.name, ref.namespace) },
  };
}

/** The ConfigMaps and Secrets among a pod's references (the referenced syncer copies and collects them). */
function copiedReferences(refs: readonly PodReference[]): ReferencedObject[] {
  return refs.flatMap((r) => (r.kind === 'ConfigMap' || r.kind === 'Secret' ? [{ kind: r.kind, namespace: r.namespace, name: r.name }] : []));
}

/** Drops a pod's mapping and deletes the host copies of the ConfigMaps/Secrets no other pod references. */
async function releasePod(
  ctx: SyncContext,
  deps: PodSyncerDeps,
  ref: { namespace: string; name: string },
): Promise<void> {
  await ignoreNotFound(
    ctx.host.delete(Kinds.Secret, {
      namespace: ctx.names.hostNamespace,
      name: tokenSecretName({ names: ctx.names }, ref.name, ref.namespace),
    }),
  );
  await releaseReferenced(ctx, deps.mappings, podMapping(ctx, ref));
}

const POD = resourceKind<Pod>(GVK.Pod, true);

function typed<T extends object>(obj: T): T & TypedObject {
  return obj as T & TypedObject;
}

async function createOrKeep<T extends object>(client: KubeClient, obj: T): Promise<void> {
  try {
    await client.create(typed(obj));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

async function deleteQuietly(client: KubeClient, pod: Pod, gracePeriodSeconds?: number): Promise<void> {
  const key = { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '' };
  try {
    await client.delete(Kinds.Pod, key, {
      ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
      ...(pod.metadata?.uid ? { preconditions: { uid: pod.metadata.uid } } : {}),
    });
  } catch (err) {
    if (!isNotFound(err) && !(err instanceof Error && /Precondition failed/.test(err.message))) throw err;
  }
}

export function createPodSyncer(deps: PodSyncerDeps): Syncer<Pod> {
  const mapper = namespacedMapper(GVK.Pod);
  /** Virtual pods (by uid) told that the host quota is full, so the retries do not repeat the event. */
  const quotaWarned = new Set<string>();
  return {
    name: 'pods',
    kind: POD,
    mapper,

    async syncToHost(ctx, { hostOld, virtual }) {
      const log = ctx.log.child({ pod: `${virtual.metadata?.namespace}/${virtual.metadata?.name}` });
      const vref = { namespace: virtual.metadata?.namespace ?? '', name: virtual.metadata?.name ?? '' };
      if (virtual.metadata?.deletionTimestamp) {
        // Nothing on the host to wait for: finish the deletion.
        await deleteQuietly(ctx.virtual, virtual, 0);
        await releasePod(ctx, deps, vref);
        return {};
      }
      if (hostOld !== undefined || virtual.spec?.nodeName) {
        // The host pod vanished (deleted out of band, or while we were down): the virtual pod cannot be
        // rescheduled, so delete it and let its controller create a new one (as vCluster does).
        log.info({}, 'host pod gone, deleting the virtual pod');
        await deleteQuietly(ctx.virtual, virtual, 0);
        await releasePod(ctx, deps, vref);
        return {};
      }
      const level = deps.podSecurityStandard ?? 'baseline';
      const violations = podSecurityViolations(virtual, level);
      if (violations.length > 0) {
        // Terminal until the pod changes: it slipped past the virtual apiserver's admission (a namespace
        // label or an apiserver flag lifted it), but the host never runs it.
        await warnOnVirtual(ctx, virtual, 'SyncError', `cannot sync pod: ${podSecurityMessage(violations, level)}`);
        log.warn({ violations, level }, 'pod refused by the pod security standard');
        return {};
      }
      const dnsIP = deps.dnsIP?.();
      if (deps.dnsIP && dnsIP === undefined && usesClusterDns(virtual.spec ?? { containers: [] })) {
        // The kube-dns twin is made right after start: wait for it a while (vCluster waits for ever).
        const created = Date.parse(virtual.metadata?.creationTimestamp ?? '');
        if (Number.isNaN(created) || Date.now() - created < DNS_WAIT_MS) {
          log.debug({}, 'waiting for the DNS service IP');
          return { requeueAfterMs: 1_000 };
        }
        log.warn({ waitedMs: DNS_WAIT_MS }, 'no DNS service on the host: syncing the pod without cluster DNS');
      }
      const tokens = await requestTokens(ctx, deps.clusterDomain, virtual);
      const hostRuntimeClassName = await hostRuntimeClassOf(ctx, deps, virtual);
      const translated = toHostPod(virtual, {
        names: ctx.names,
        clusterDomain: deps.clusterDomain,
        ...(deps.kubeIP ? { kubeIP: deps.kubeIP } : {}),
        ...(dnsIP ? { dnsIP } : {}),
        ...(deps.servicesOf ? { services: deps.servicesOf(vref.namespace) } : {}),
        tokenMode: deps.tokenMode ?? 'secret',
        tokens,
        serviceAccountsToHost: deps.serviceAccountsToHost ?? false,
        priorityClassesToHost: deps.priorityClasses === 'toHost',
        priorityClassesFromHost: deps.priorityClasses === 'fromHost',
        ...(deps.enforceTolerations ? { enforceTolerations: deps.enforceTolerations } : {}),
        ...(hostRuntimeClassName === undefined ? {} : { hostRuntimeClassName }),
      });
      // The ConfigMaps and Secrets the pod mounts are on the host before it (the referenced syncer's work).
      await copyReferenced(ctx, deps.mappings, podMapping(ctx, vref), copiedReferences(translated.references), {
        ...(deps.hostCopyExists ? { hostCopyExists: deps.hostCopyExists } : {}),
      });
      if (translated.tokenSecret) await createOrKeep(ctx.host, translated.tokenSecret);
      try {
        await ctx.host.create(typed(translated.pod));
        quotaWarned.delete(virtual.metadata?.uid ?? '');
        log.info({ host: translated.pod.metadata?.name }, 'created host pod');
      } catch (err) {
        const quota = isForbidden(err) ? /exceeded quota: .*/.exec(err instanceof Error ? err.message : '')?.[0] : undefined;
        if (quota !== undefined && !quotaWarned.has(virtual.metadata?.uid ?? '')) {
          // The host namespace's ResourceQuota (policies.resourceQuota) is full: tell the tenant once;
          // the create is retried with backoff until the quota has room.
          quotaWarned.add(virtual.metadata?.uid ?? '');
          await warnOnVirtual(ctx, virtual, 'SyncError', `cannot sync pod: ${quota}`);
        }
        if (!isAlreadyExists(err)) throw err;
        // Someone else's object holds the name: never overwrite it; tell the tenant.
        const hostPodName = hostName(
          ctx.names,
          virtual.metadata?.name ?? '',
          virtual.metadata?.namespace ?? '',
        );
        await warnOnVirtual(
          ctx,
          virtual,
          'SyncError',
          `cannot sync pod: host pod ${hostPodName} already exists and is not managed by this vcluster`,
        );
        log.warn({ host: hostPodName }, 'host name taken by an unmanaged pod');
      }
      return {};
    },

    async sync(ctx, { hostOld, host, virtualOld, virtual }) {
      if (virtual.metadata?.deletionTimestamp) {
        if (!host.metadata?.deletionTimestamp)
          await deleteQuietly(ctx.host, host, virtual.metadata.deletionGracePeriodSeconds ?? undefined);
        return {};
      }
      if (host.metadata?.deletionTimestamp) {
        await deleteQuietly(ctx.virtual, virtual, host.metadata.deletionGracePeriodSeconds ?? undefined);
        return {};
      }
      const ns = virtual.metadata?.namespace ?? '';
      const name = virtual.metadata?.name ?? '';
      let current = virtual;
      // The node: bind the virtual pod where the host scheduled its copy.
      const nodeName = host.spec?.nodeName;
      if (nodeName && !virtual.spec?.nodeName) {
        await ensureFakeNode(ctx, deps, nodeName);
        try {
          await ctx.virtual.createSubresource(Kinds.Pod, { namespace: ns, name }, 'binding', {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name, namespace: ns },
            target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
          });
        } catch (err) {
          // 409: bound already, by a run that started before our informer saw its binding
          if (!isConflict(err)) throw err;
        }
        // Read the bound pod back and go on to its status in this reconcile: a requeue would put the
        // status behind every queued create (a burst of them waits on the host client's QPS limit).
        const bound = await ignoreNotFound(ctx.virtual.get<Pod>(Kinds.Pod, { namespace: ns, name }));
        if (bound === undefined) return {}; // deleted meanwhile: its delete event brings the next reconcile
        if (bound.metadata?.uid !== virtual.metadata?.uid || !bound.spec?.nodeName) {
          return { requeueAfterMs: REQUEUE_SOON_MS }; // re-created under the same name, or still unbound
        }
        current = bound;
      }
      // Status host → virtual, on its own first: a refused host write must not hold it back.
      const status = virtualPodStatus(host, current);
      if (status) current = (await applyDesired(ctx, POD, { host, virtual: current }, { virtualStatus: status })).virtual;
      // Labels and annotations both ways.
      const labels = mergeObjectLabels(ctx.names, { virtualOld, virtual: current, hostOld, host });
      const annotations = mergeAnnotations(
        {
          virtualOld: virtualOld?.metadata?.annotations,
          virtual: current.metadata?.annotations,
          hostOld: hostOld?.metadata?.annotations,
          host: host.metadata?.annotations,
        },
        {
          identity: {
            gvk: GVK.Pod,
            virtualName: name,
            virtualNamespace: ns,
            ...(virtual.metadata?.uid ? { virtualUid: virtual.metadata.uid } : {}),
            hostName: host.metadata?.name ?? '',
            hostNamespace: ctx.names.hostNamespace,
          },
          exclude: tokenAnnotationKeys(host.metadata?.annotations),
          excludePrefixes: ['vcluster.loft.sh/'],
        },
      );
      // Spec (the mutable fields) and metadata virtual → host; both written by the apply step here, as
      // the binding above had to come first.
      const desired = hostPodSpecUpdate(current, host, deps.enforceTolerations);
      await applyDesired(ctx, POD, { host, virtual: current }, {
        host: {
          ...desired,
          metadata: { ...host.metadata, labels: labels.host, annotations: { ...(host.metadata?.annotations ?? {}), ...annotations.host } },
        },
        virtual: { ...current, metadata: { ...current.metadata, labels: labels.virtual, annotations: annotations.virtual } },
      });
      return {};
    },

    async syncToVirtual(ctx, { host }) {
      // A managed host pod whose virtual pod is gone: delete it.
      await deleteQuietly(ctx.host, host, 0);
      const vref = mapper.hostToVirtual(
        ctx.names,
        { namespace: host.metadata?.namespace ?? '', name: host.metadata?.name ?? '' },
        host,
      );
      if (vref) await releasePod(ctx, deps, { namespace: vref.namespace ?? '', name: vref.name });
      ctx.log.info({ host: host.metadata?.name }, 'deleted host pod of a deleted virtual pod');
      return {};
    },
  };
}
