/**
 * EndpointSlices of selector-less Services, virtual → host: the kubernetes.io/service-name label
 * points at the host Service and pod targetRefs are translated.
 */
import type { EndpointSlice } from '../../k8s/types.js';
import { K8S_SERVICE_NAME_LABEL } from '../../syncer/translate/constants.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName } from '../../syncer/translate/names.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { hostTargetRef } from '../endpoints/translate.js';
import { namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

export function toHostEndpointSlice(virtual: EndpointSlice, options: TranslateOptions): EndpointSlice {
  const namespace = virtual.metadata?.namespace ?? '';
  const metadata = namespacedHostMeta(options, virtual.metadata, GVK.EndpointSlice);
  const serviceName = virtual.metadata?.labels?.[K8S_SERVICE_NAME_LABEL];
  if (serviceName !== undefined) {
    // The host Service's real (63-char-safe) name, so the slice belongs to it even for long names.
    metadata.labels = {
      ...(metadata.labels ?? {}),
      [K8S_SERVICE_NAME_LABEL]: hostName(options.names, serviceName, namespace),
    };
  }
  const out: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata,
    addressType: virtual.addressType,
    endpoints: virtual.endpoints.map((endpoint) => {
      const e = deepCopy(endpoint);
      // only name and namespace change; vCluster keeps uid and resourceVersion on slices
      const targetRef = hostTargetRef(options.names, endpoint.targetRef, namespace, false);
      if (targetRef === undefined) delete e.targetRef;
      else e.targetRef = targetRef;
      return e;
    }),
  };
  if (virtual.ports !== undefined) out.ports = deepCopy(virtual.ports);
  return out;
}
