/**
 * Endpoints of selector-less Services, virtual → host: pod targetRefs translated, UID and
 * resourceVersion cleared. Services with a selector are left to the host's endpoints controller.
 */
import type {
  EndpointAddress,
  Endpoints,
  ObjectReference,
  Service,
} from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { hostName, type NameContext } from '../../syncer/translate/names.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { namespacedHostMeta, type TranslateOptions } from '../shared/options.js';

/** Endpoints are synced only for Services without a selector. */
export function shouldSyncEndpoints(service: Service | undefined): boolean {
  const selector = service?.spec?.selector;
  return selector === undefined || Object.keys(selector).length === 0;
}

/** A pod targetRef pointing at the host pod (uid and resourceVersion cleared); other kinds are kept as they are. */
export function hostTargetRef(
  names: NameContext,
  ref: ObjectReference | undefined,
  virtualNamespace: string,
  clearIdentity = true,
): ObjectReference | undefined {
  if (ref === undefined) return undefined;
  const out = deepCopy(ref);
  if (ref.kind === 'Pod' && ref.name !== undefined) {
    if (clearIdentity) {
      delete out.uid;
      delete out.resourceVersion;
    }
    const namespace = ref.namespace || virtualNamespace;
    out.name = hostName(names, ref.name, namespace);
    out.namespace = names.hostNamespace;
  }
  return out;
}

function hostAddress(
  names: NameContext,
  address: EndpointAddress,
  virtualNamespace: string,
): EndpointAddress {
  const out = deepCopy(address);
  const targetRef = hostTargetRef(names, address.targetRef, virtualNamespace);
  if (targetRef === undefined) delete out.targetRef;
  else out.targetRef = targetRef;
  return out;
}

export function toHostEndpoints(virtual: Endpoints, options: TranslateOptions): Endpoints {
  const namespace = virtual.metadata?.namespace ?? '';
  const out: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: namespacedHostMeta(options, virtual.metadata, GVK.Endpoints),
  };
  if (virtual.subsets !== undefined) {
    out.subsets = virtual.subsets.map((subset) => {
      const s = deepCopy(subset);
      if (subset.addresses !== undefined)
        s.addresses = subset.addresses.map((a) => hostAddress(options.names, a, namespace));
      if (subset.notReadyAddresses !== undefined)
        s.notReadyAddresses = subset.notReadyAddresses.map((a) => hostAddress(options.names, a, namespace));
      return s;
    });
  }
  return out;
}
