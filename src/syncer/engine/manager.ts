/**
 * Runs the syncer: one informer factory per side (the host one scoped to the vcluster's namespace and
 * managed-by label), one controller per enabled entry of the registry it is given (a generic sync
 * controller per synced kind, or the entry's own controller); caches sync before any controller
 * starts. Returns a stop function that ends everything in order.
 */
import type { Config } from '../../config/index.js';
import type { KubeClient } from '../../k8s/client.js';
import { InformerFactory, stripManagedFields, type ListWatchScope } from '../../k8s/informer.js';
import { Kinds, type Pod } from '../../k8s/types.js';
import type { Logger } from '../../lib/logger.js';
import type { Controller } from '../../runtime/controller.js';
import { MARKER_LABEL } from '../translate/constants.js';
import type { NameContext } from '../translate/names.js';
import type { KubeObject, SyncContext, Syncer } from '../types.js';
import type { MappingsStore } from '../mappings/store.js';
import type { KubeletProxyWiring } from '../kubelet-proxy/endpoints.js';
import type { SyncerMetrics } from './metrics.js';
import type { SyncedKind, SyncerDeps, SyncerRegistry } from './registry.js';
import { syncController } from './sync-controller.js';
import { setMaxListeners } from 'node:events';

export interface SyncerManagerOptions {
  /** What runs: the synced kinds and controllers, each behind its config switch. */
  readonly registry: SyncerRegistry;
  readonly virtual: KubeClient;
  readonly host: KubeClient;
  readonly names: NameContext;
  readonly config: Config;
  readonly log: Logger;
  /** ClusterIP of the vcluster's host Service. */
  readonly kubeIP: string | undefined;
  readonly kubeletVersion: string;
  readonly mappings?: MappingsStore;
  readonly metrics?: SyncerMetrics;
  /** The kubelet proxy virtual nodes advertise (logs, exec, attach, port-forward of tenant pods). */
  readonly kubeletProxy?: KubeletProxyWiring;
  /** CoreDNS runs in the virtual cluster (controlPlane.coredns): pods get the kube-dns twin as nameserver. */
  readonly clusterDns?: boolean;
}

/**
 * Every informer watch, controller and work queue of the syncer keeps one listener on the syncer's
 * AbortSignal for its whole life (about 3 per synced kind): well above Node's leak-warning default of 10.
 */
const SIGNAL_LISTENERS = 256;

export async function startSyncerManager(
  o: SyncerManagerOptions,
  parent: AbortSignal,
): Promise<() => Promise<void>> {
  const abort = new AbortController();
  const onParentAbort = (): void => abort.abort();
  parent.addEventListener('abort', onParentAbort, { once: true });
  const signal = abort.signal;
  setMaxListeners(SIGNAL_LISTENERS, signal);
  const log = o.log.child({ component: 'syncer' });
  // The caches hold every synced object (twice, with the old states): without managedFields.
  const virtualInformers = new InformerFactory(o.virtual, { log, transform: stripManagedFields });
  const hostInformers = new InformerFactory(o.host, { log, transform: stripManagedFields });
  const hostScope = {
    namespace: o.names.hostNamespace,
    labelSelector: `${MARKER_LABEL}=${o.names.vclusterName}`,
  };
  const virtualClient = o.metrics ? o.metrics.counting(o.virtual, 'virtual') : o.virtual;
  const hostClient = o.metrics ? o.metrics.counting(o.host, 'host') : o.host;
  const ctx: SyncContext = { names: o.names, virtual: virtualClient, host: hostClient, log, signal };
  const contextFor = (name: string): SyncContext => ({ ...ctx, log: log.child({ controller: name }) });
  const controllers: Controller[] = [];
  const synced: Record<string, SyncedKind> = {};
  const deps: SyncerDeps = {
    config: o.config,
    names: o.names,
    ctx,
    contextFor,
    virtualInformers,
    hostInformers,
    hostScope,
    kubeIP: o.kubeIP,
    kubeletVersion: o.kubeletVersion,
    ...(o.mappings ? { mappings: o.mappings } : {}),
    ...(o.kubeletProxy ? { kubeletProxy: o.kubeletProxy } : {}),
    ...(o.clusterDns !== undefined ? { clusterDns: o.clusterDns } : {}),
    synced,
  };

  const metrics = o.metrics;
  const syncControllerFor = (syncer: Syncer<KubeObject>, scope: ListWatchScope): Controller => {
    const virtualInformer = virtualInformers.informerFor<KubeObject>(syncer.kind);
    const hostInformer = hostInformers.informerFor<KubeObject>(syncer.kind, scope);
    synced[syncer.kind.kind] = { virtual: virtualInformer, host: hostInformer, mapper: syncer.mapper };
    return syncController({
      syncer,
      ctx: contextFor(syncer.name),
      virtual: virtualInformer,
      host: hostInformer,
      ...(metrics ? { onReconcile: metrics.onReconcile, onSync: (d, ms) => metrics.observeSync(syncer.kind.kind, d, ms) } : {}),
    });
  };
  for (const entry of o.registry) {
    if (!entry.enabled(o.config)) continue;
    const product = entry.create(deps);
    const controller = 'syncer' in product ? syncControllerFor(product.syncer, product.hostScope ?? hostScope) : product.controller;
    metrics?.watch(controller);
    controllers.push(controller);
  }

  // the same host pod cache the pod syncer uses: how the kubelet proxy maps virtual pods
  o.kubeletProxy?.useHostPods(hostInformers.informerFor<Pod>(Kinds.Pod, hostScope));
  const informersRunning = Promise.all([virtualInformers.start(signal), hostInformers.start(signal)]);
  const started = Date.now();
  await Promise.all([virtualInformers.waitForSync(), hostInformers.waitForSync()]);
  log.info({ ms: Date.now() - started, controllers: controllers.map((c) => c.name) }, 'syncer caches synced');
  const controllersRunning = Promise.all(controllers.map((c) => c.start(signal)));

  return async () => {
    abort.abort();
    parent.removeEventListener('abort', onParentAbort);
    await controllersRunning;
    await informersRunning;
    log.info({}, 'syncer stopped');
  };
}
