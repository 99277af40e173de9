/**
 * EndpointSlices a tenant writes by hand (for selector-less Services) go to the host. Slices the virtual
 * cluster's own controllers derive from Services and Endpoints are not copied: the host's controllers
 * derive the same from the synced Services and Endpoints. Neither is the slice of virtual
 * `default/kubernetes`, which the syncer itself derives from the host (services/kubernetes-service.ts).
 */
import type { EndpointSlice } from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import type { Syncer } from '../../syncer/types.js';
import { referencedSyncer } from '../shared/referenced-syncer.js';
import { toHostEndpointSlice } from './translate.js';

const CONTROLLER_MANAGED = new Set(['endpointslice-controller.k8s.io', 'endpointslicemirroring-controller.k8s.io']);

export function createEndpointSliceSyncer(): Syncer<EndpointSlice> {
  return referencedSyncer<EndpointSlice>({
    name: 'endpointslices',
    gvk: GVK.EndpointSlice,
    all: true,
    references: undefined,
    toHost: toHostEndpointSlice,
    syncData: ({ virtual, host }, options) => {
      const desired = toHostEndpointSlice(virtual, options);
      return { virtual, host: { ...host, endpoints: desired.endpoints, ...(desired.ports ? { ports: desired.ports } : {}) } };
    },
    skip: (s) =>
      CONTROLLER_MANAGED.has(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'] ?? '') ||
      // virtual default/kubernetes' slice is the syncer's own mirror of the host Service NAME
      (s.metadata?.namespace === 'default' && s.metadata.labels?.['kubernetes.io/service-name'] === 'kubernetes'),
  });
}
