/**
 * The resources registry: every kind and controller the syncer runs, each behind its vcluster.yaml
 * switch, in the order they are built. Whoever starts the syncer hands it to the engine
 * (src/syncer/engine/manager.ts), which imports no resource.
 */
import { Kinds, type Service } from '../k8s/types.js';
import type { SyncerEntry, SyncerRegistry } from '../syncer/engine/registry.js';
import { MARKER_LABEL } from '../syncer/translate/constants.js';
import { markerLabelCluster } from '../syncer/translate/names.js';
import { createConfigMapSyncer } from './configmaps/syncer.js';
import { createEndpointsSyncer } from './endpoints/syncer.js';
import { createEndpointSliceSyncer } from './endpointslices/syncer.js';
import { EVENTS_ENTRY } from './events/entry.js';
import { INGRESS_CLASSES_ENTRY, PRIORITY_CLASSES_ENTRY, STORAGE_CLASSES_ENTRY } from './hostclasses/entry.js';
import { createIngressSyncer } from './ingresses/syncer.js';
import { createNetworkPolicySyncer } from './networkpolicies/syncer.js';
import { NODES_ENTRY } from './nodes/entry.js';
import { createPersistentVolumeClaimSyncer } from './persistentvolumeclaims/syncer.js';
import { createPodDisruptionBudgetSyncer } from './poddisruptionbudgets/syncer.js';
import { PODS_ENTRY } from './pods/entry.js';
import { createPriorityClassSyncer } from './priorityclasses/syncer.js';
import { RUNTIME_CLASSES_ENTRY } from './runtimeclasses/entry.js';
import { createSecretSyncer } from './secrets/syncer.js';
import { createServiceAccountSyncer } from './serviceaccounts/syncer.js';
import { createServiceSyncer } from './services/syncer.js';

const toHost: readonly SyncerEntry[] = [
  PODS_ENTRY,
  {
    name: 'configmaps',
    enabled: (c) => c.sync.toHost.configMaps.enabled,
    create: ({ config, mappings }) => ({ syncer: createConfigMapSyncer({ all: config.sync.toHost.configMaps.all, references: mappings?.index }) }),
  },
  {
    name: 'secrets',
    enabled: (c) => c.sync.toHost.secrets.enabled,
    create: ({ config, mappings }) => ({ syncer: createSecretSyncer({ all: config.sync.toHost.secrets.all, references: mappings?.index }) }),
  },
  { name: 'services', enabled: (c) => c.sync.toHost.services.enabled, create: () => ({ syncer: createServiceSyncer() }) },
  {
    name: 'persistentvolumeclaims',
    enabled: (c) => c.sync.toHost.persistentVolumeClaims.enabled,
    create: () => ({ syncer: createPersistentVolumeClaimSyncer() }),
  },
  { name: 'serviceaccounts', enabled: (c) => c.sync.toHost.serviceAccounts.enabled, create: () => ({ syncer: createServiceAccountSyncer() }) },
  { name: 'endpointslices', enabled: (c) => c.sync.toHost.endpointSlices.enabled, create: () => ({ syncer: createEndpointSliceSyncer() }) },
  {
    name: 'endpoints',
    enabled: (c) => c.sync.toHost.endpoints.enabled,
    create: ({ virtualInformers }) => ({ syncer: createEndpointsSyncer(virtualInformers.informerFor<Service>(Kinds.Service)) }),
  },
  {
    name: 'ingresses',
    enabled: (c) => c.sync.toHost.ingresses.enabled,
    create: ({ mappings }) => ({ syncer: createIngressSyncer(mappings ? { references: mappings } : {}) }),
  },
  { name: 'networkpolicies', enabled: (c) => c.sync.toHost.networkPolicies.enabled, create: () => ({ syncer: createNetworkPolicySyncer() }) },
  {
    name: 'poddisruptionbudgets',
    enabled: (c) => c.sync.toHost.podDisruptionBudgets.enabled,
    create: () => ({ syncer: createPodDisruptionBudgetSyncer() }),
  },
  {
    // cluster-scoped host copies, labelled managed-by=<host ns>-x-<vc>
    name: 'priorityclasses',
    enabled: (c) => c.sync.toHost.priorityClasses.enabled,
    create: ({ names }) => ({
      syncer: createPriorityClassSyncer(),
      hostScope: { labelSelector: `${MARKER_LABEL}=${markerLabelCluster(names)}` },
    }),
  },
];

export const RESOURCES: SyncerRegistry = [
  ...toHost,
  NODES_ENTRY,
  RUNTIME_CLASSES_ENTRY,
  STORAGE_CLASSES_ENTRY,
  INGRESS_CLASSES_ENTRY,
  PRIORITY_CLASSES_ENTRY,
  EVENTS_ENTRY, // last: it follows the synced kinds above
];
