/**
 * Pure name mappers: the generic namespaced one (`<name>-x-<ns>-x-<vc>`, back through the
 * object-* annotations), the cluster-scoped one and the mirror one (same name on both sides).
 */
import type { GroupVersionKind } from './translate/gvk.js';
import { hostName, hostNameCluster, type NameContext, type ObjectRef } from './translate/names.js';
import { isManaged, virtualRefFromHost } from './translate/ownership.js';
import type { Mapper } from './types.js';

/** The generic mapper for namespaced kinds. */
export function namespacedMapper(gvk: GroupVersionKind): Mapper {
  return {
    gvk,
    virtualToHost: (names, virtual) => ({
      name: hostName(names, virtual.name, virtual.namespace ?? ''),
      namespace: names.hostNamespace,
    }),
    hostToVirtual: (names, host, object) => {
      if (object?.metadata === undefined || (host.namespace ?? '') !== names.hostNamespace) return undefined;
      return virtualRefFromHost(names, object.metadata, gvk);
    },
    isManaged: (names, host) =>
      host.metadata !== undefined &&
      isManaged(names, host.metadata, {
        gvk,
        virtualToHostName: (v: ObjectRef) => hostName(names, v.name, v.namespace ?? ''),
      }),
  };
}

/** Cluster-scoped kinds synced to the host under `vcluster-<name>-x-<hostns>-x-<vc>`. */
export function clusterMapper(gvk: GroupVersionKind): Mapper {
  return {
    gvk,
    virtualToHost: (names, virtual) => ({ name: hostNameCluster(names, virtual.name), namespace: '' }),
    hostToVirtual: (names, _host, object) =>
      object?.metadata === undefined ? undefined : virtualRefFromHost(names, object.metadata, gvk),
    isManaged: (names, host) => host.metadata !== undefined && isManaged(names, host.metadata, { gvk }),
  };
}

/** Same name on both sides (nodes, fake PVs). Mirrored objects are never "managed" host objects. */
export function mirrorMapper(gvk: GroupVersionKind): Mapper {
  return {
    gvk,
    virtualToHost: (_names, virtual) => ({ name: virtual.name, namespace: virtual.namespace ?? '' }),
    hostToVirtual: (_names, host) => ({
      name: host.name,
      ...(host.namespace ? { namespace: host.namespace } : {}),
    }),
    isManaged: () => false,
  };
}

/** True when two names resolve the same (used to detect mapping conflicts). */
export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

export type { NameContext };
