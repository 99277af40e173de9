/**
 * Runs the syncer: one informer factory per side (the host one scoped to the vcluster's namespace and
 * managed-by label), one generic sync controller per enabled kind; caches sync before any controller
 * starts. Returns a stop function that ends everything in order.
 */
import { fromHostEnabled, policiesOf, type Config } from '../../config/index.js';
import type { KubeClient } from '../../k8s/client.js';
import { InformerFactory, stripManagedFields, type Informer, type ListWatchScope } from '../../k8s/informer.js';
import { Kinds, type ConfigMap, type Endpoints, type EndpointSlice, type Event, type Ingress, type IngressClass, type NetworkPolicy, type Node, type PersistentVolumeClaim, type Pod, type PodDisruptionBudget, type PriorityClass, type RuntimeClass, type Secret, type Service, type ServiceAccount, type StorageClass } from '../../k8s/types.js';
import { createIngressSyncer } from '../../resources/ingresses/syncer.js';
import { createNetworkPolicySyncer } from '../../resources/networkpolicies/syncer.js';
import { createPodDisruptionBudgetSyncer } from '../../resources/poddisruptionbudgets/syncer.js';
import { createPriorityClassSyncer } from '../../resources/priorityclasses/syncer.js';
import { hostClassesController } from '../../resources/hostclasses/syncer.js';
import { INGRESS_CLASSES, PRIORITY_CLASSES, STORAGE_CLASSES, type HostClassKind } from '../../resources/hostclasses/translate.js';
import { createServiceAccountSyncer } from '../../resources/serviceaccounts/syncer.js';
import { createPersistentVolumeClaimSyncer } from '../../resources/persistentvolumeclaims/syncer.js';
import { createEndpointSliceSyncer } from '../../resources/endpointslices/syncer.js';
import { eventsController, type EventSource } from '../../resources/events/syncer.js';
import { nodesController } from '../../resources/nodes/syncer.js';
import { resolveHostRuntimeClass, runtimeClassesController, type RuntimeClassSources } from '../../resources/runtimeclasses/syncer.js';
import type { Logger } from '../../lib/logger.js';
import { createPodSyncer } from '../../resources/pods/syncer.js';
import { parseToleration } from '../../resources/pods/translate.js';
import type { Toleration } from '../translate/kube-types.js';
import type { Controller } from '../../runtime/controller.js';
import { MARKER_LABEL } from '../translate/constants.js';
import type { NameContext } from '../translate/names.js';
import type { KubeObject, SyncContext, Syncer } from '../types.js';
import { createConfigMapSyncer } from '../../resources/configmaps/syncer.js';
import { createSecretSyncer } from '../../resources/secrets/syncer.js';
import { createServiceSyncer } from '../../resources/services/syncer.js';
import { createEndpointsSyncer } from '../../resources/endpoints/syncer.js';
import type { MappingsStore } from '../mappings/store.js';
import type { KubeletProxyWiring } from '../kubelet-proxy/endpoints.js';
import type { SyncerMetrics } from './metrics.js';
import { syncController } from './sync-controller.js';
import { setMaxListeners } from 'node:events';
import { hostName, markerLabelCluster } from '../translate/names.js';

export interface SyncerManagerOptions {
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
  const controllers: Controller[] = [];

  const toHost = o.config.sync.toHost;
  const fromHost = o.config.sync.fromHost;
  // sync.fromHost.runtimeClasses: host classes imported into the virtual cluster; the pod syncer then
  // reads classes from the same caches (else from the API, for pods naming a class).
  const runtimeClasses: RuntimeClassSources = o.config.sync.fromHost.runtimeClasses.enabled
    ? {
        virtual: virtualClient,
        host: hostClient,
        virtualClasses: virtualInformers.informerFor<RuntimeClass>(Kinds.RuntimeClass),
        hostClasses: hostInformers.informerFor<RuntimeClass>(Kinds.RuntimeClass),
      }
    : { virtual: virtualClient, host: hostClient };
  const eventSources: Record<string, EventSource> = {};
  const add = <T extends KubeObject>(syncer: Syncer<T>, scope: ListWatchScope = hostScope): void => {
    const metrics = o.metrics;
    const virtualInformer = virtualInformers.informerFor<T>(syncer.kind);
    const hostInformer = hostInformers.informerFor<T>(syncer.kind, scope);
    eventSources[syncer.kind.kind] = {
      virtual: virtualInformer as unknown as Informer<KubeObject>,
      host: hostInformer as unknown as Informer<KubeObject>,
      mapper: syncer.mapper,
    };
    const controller = syncController<T>({
      syncer,
      ctx: { ...ctx, log: log.child({ controller: syncer.name }) },
      virtual: virtualInformer,
      host: hostInformer,
      ...(metrics ? { onReconcile: metrics.onReconcile, onSync: (d, ms) => metrics.observeSync(syncer.kind.kind, d, ms) } : {}),
    });
    metrics?.watch(controller);
    controllers.push(controller);
  };
  if (toHost.pods.enabled) {
    add<Pod>(
      createPodSyncer({
        kubeIP: o.kubeIP,
        clusterDomain: o.config.networking.advanced.clusterDomain,
        kubeletVersion: o.kubeletVersion,
        serviceAccountsToHost: toHost.serviceAccounts.enabled,
        ...(toHost.priorityClasses.enabled ? { priorityClasses: 'toHost' as const } : {}),
        ...(fromHost.priorityClasses.enabled ? { priorityClasses: 'fromHost' as const } : {}),
        tokenMode: toHost.pods.useSecretsForSATokens ? 'secret' : 'annotation',
        podSecurityStandard: policiesOf(o.config).podSecurityStandard,
        enforceTolerations: toHost.pods.enforceTolerations
          .map(parseToleration)
          .filter((t): t is Toleration => t !== undefined),
        hostRuntimeClass: (name) => resolveHostRuntimeClass(runtimeClasses, name),
        ...(o.kubeletProxy ? { kubelet: o.kubeletProxy } : {}),
        ...(o.clusterDns && toHost.services.enabled
          ? {
              dnsIP: () => {
                const twin = hostInformers
                  .informerFor<Service>(Kinds.Service, hostScope)
                  .get(`${o.names.hostNamespace}/${hostName(o.names, 'kube-dns', 'kube-system')}`);
                const ip = twin?.spec?.clusterIP;
                return ip && ip !== 'None' ? ip : undefined;
              },
            }
          : {}),
        servicesOf: (namespace) => virtualInformers.informerFor<Service>(Kinds.Service).list(namespace),
        hostCopyExists: (kind, name) =>
          hostInformers.informerFor(kind === 'ConfigMap' ? Kinds.ConfigMap : Kinds.Secret, hostScope).get(`${o.names.hostNamespace}/${name}`) !== undefined,
        ...(o.mappings ? { mappings: o.mappings } : {}),
      }),
    );
  }
  const references = o.mappings?.index;
  if (toHost.configMaps.enabled) add<ConfigMap>(createConfigMapSyncer({ all: toHost.configMaps.all, references }));
  if (toHost.secrets.enabled) add<Secret>(createSecretSyncer({ all: toHost.secrets.all, references }));
  if (toHost.services.enabled) add<Service>(createServiceSyncer());
  if (toHost.persistentVolumeClaims.enabled) add<PersistentVolumeClaim>(createPersistentVolumeClaimSyncer());
  if (toHost.serviceAccounts.enabled) add<ServiceAccount>(createServiceAccountSyncer());
  if (toHost.endpointSlices.enabled) add<EndpointSlice>(createEndpointSliceSyncer());
  if (toHost.endpoints.enabled) add<Endpoints>(createEndpointsSyncer(virtualInformers.informerFor<Service>(Kinds.Service)));
  if (toHost.ingresses.enabled) add<Ingress>(createIngressSyncer(o.mappings ? { references: o.mappings } : {}));
  if (toHost.networkPolicies.enabled) add<NetworkPolicy>(createNetworkPolicySyncer());
  if (toHost.podDisruptionBudgets.enabled) add<PodDisruptionBudget>(createPodDisruptionBudgetSyncer());
  // cluster-scoped host copies, labelled managed-by=<host ns>-x-<vc>
  if (toHost.priorityClasses.enabled)
    add<PriorityClass>(createPriorityClassSyncer(), { labelSelector: `${MARKER_LABEL}=${markerLabelCluster(o.names)}` });

  if (toHost.pods.enabled) {
    const nodes = o.config.sync.fromHost.nodes;
    const selector = Object.entries(nodes.selector.labels).map(([k, v]) => `${k}=${v}`).join(',');
    const controller = nodesController(
      { ...ctx, log: log.child({ controller: 'nodes' }) },
      {
        virtualNodes: virtualInformers.informerFor<Node>(Kinds.Node),
        virtualPods: virtualInformers.informerFor<Pod>(Kinds.Pod),
        ...(nodes.enabled ? { hostNodes: hostInformers.informerFor<Node>(Kinds.Node, selector ? { labelSelector: selector } : {}) } : {}),
        all: nodes.selector.all || selector !== '',
        clearImageStatus: nodes.clearImageStatus,
        ...(o.kubeletProxy ? { kubelet: o.kubeletProxy } : {}),
      },
    );
    o.metrics?.watch(controller);
    controllers.push(controller);
  }

  if (runtimeClasses.virtualClasses && runtimeClasses.hostClasses) {
    const controller = runtimeClassesController(
      { ...ctx, log: log.child({ controller: 'runtimeclasses' }) },
      { virtualClasses: runtimeClasses.virtualClasses, hostClasses: runtimeClasses.hostClasses },
    );
    o.metrics?.watch(controller);
    controllers.push(controller);
  }

  // sync.fromHost.<classes>: host classes copied into the virtual cluster, read-only there
  const importClasses = <T extends KubeObject>(kind: HostClassKind<T>): void => {
    const type = { apiVersion: kind.apiVersion, kind: kind.kind };
    const controller = hostClassesController<T>({ ...ctx, log: log.child({ controller: kind.name }) }, kind, {
      virtualClasses: virtualInformers.informerFor<T>(type),
      hostClasses: hostInformers.informerFor<T>(type),
    });
    o.metrics?.watch(controller);
    controllers.push(controller);
  };
  if (fromHostEnabled(o.config, 'storageClasses')) importClasses<StorageClass>(STORAGE_CLASSES);
  if (fromHost.ingressClasses.enabled) importClasses<IngressClass>(INGRESS_CLASSES);
  if (fromHost.priorityClasses.enabled) importClasses<PriorityClass>(PRIORITY_CLASSES);

  if (o.config.sync.fromHost.events.enabled) {
    const hostEvents = hostInformers.informerFor<Event>(Kinds.Event, { namespace: o.names.hostNamespace });
    const controller = eventsController({ ...ctx, log: log.child({ controller: 'events' }) }, hostEvents, eventSources);
    o.metrics?.watch(controller);
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
