/**
 * Is a host object ours, whose twin is it, and may it be deleted as an orphan
 * (vcluster-behavior.md §1.6)? The syncer never modifies or deletes a host object these checks reject.
 */
import type { ObjectMeta } from '../../k8s/types.js';
import {
  HOST_NAME_ANNOTATION,
  HOST_NAMESPACE_ANNOTATION,
  KIND_ANNOTATION,
  MARKER_LABEL,
  NAME_ANNOTATION,
  NAMESPACE_ANNOTATION,
} from './constants.js';
import { gvkString, type GroupVersionKind } from './gvk.js';
import { markerLabelCluster, type NameContext, type ObjectRef } from './names.js';

export interface OwnershipOptions {
  readonly gvk: GroupVersionKind;
  /** The kind's virtual → host name mapping; when given, the host name must be what it computes. */
  readonly virtualToHostName?: (virtual: ObjectRef) => string;
}

/** vCluster's IsManaged: true only for host objects this vcluster created for a virtual object. */
export function isManaged(ctx: NameContext, host: ObjectMeta, options: OwnershipOptions): boolean {
  const labels = host.labels ?? {};
  const annotations = host.annotations ?? {};
  const namespace = host.namespace ?? '';
  if (namespace === '') return labels[MARKER_LABEL] === markerLabelCluster(ctx);
  if (namespace !== ctx.hostNamespace) return false;
  if (labels[MARKER_LABEL] !== ctx.vclusterName) return false;
  const virtualName = annotations[NAME_ANNOTATION];
  if (virtualName === undefined || virtualName === '') return false;
  if (options.virtualToHostName !== undefined) {
    const virtualNamespace = annotations[NAMESPACE_ANNOTATION] ?? '';
    const expected = options.virtualToHostName({ name: virtualName, namespace: virtualNamespace });
    if (expected !== host.name) return false;
  }
  return selfChecksPass(host, options.gvk);
}

/** Kind, host-name and host-namespace annotations, when set (non-empty), must match the object. */
function selfChecksPass(host: ObjectMeta, gvk: GroupVersionKind): boolean {
  const annotations = host.annotations ?? {};
  const kind = annotations[KIND_ANNOTATION];
  if (kind && kind !== gvkString(gvk)) return false;
  const hostName = annotations[HOST_NAME_ANNOTATION];
  if (hostName && hostName !== host.name) return false;
  const hostNamespace = annotations[HOST_NAMESPACE_ANNOTATION];
  if (hostNamespace && hostNamespace !== (host.namespace ?? '')) return false;
  return true;
}

/**
 * The virtual object a host object stands for, read from its annotations; undefined when the
 * object carries no identity or a foreign one (other vcluster, other kind, copied annotations).
 */
export function virtualRefFromHost(
  ctx: NameContext,
  host: ObjectMeta,
  gvk: GroupVersionKind,
): ObjectRef | undefined {
  const annotations = host.annotations ?? {};
  const name = annotations[NAME_ANNOTATION];
  if (name === undefined || name === '') return undefined;
  const marker = host.labels?.[MARKER_LABEL];
  const namespaced = (host.namespace ?? '') !== '';
  const expectedMarker = namespaced ? ctx.vclusterName : markerLabelCluster(ctx);
  if (marker !== undefined && marker !== expectedMarker) return undefined;
  if (!selfChecksPass(host, gvk)) return undefined;
  const namespace = annotations[NAMESPACE_ANNOTATION] ?? '';
  return namespace === '' ? { name } : { name, namespace };
}

/**
 * vCluster's ShouldDeleteHostObject: a host object whose virtual twin is gone may be deleted only
 * when it is being deleted already, or its identity annotations prove it is the syncer's own copy.
 */
export function shouldDeleteHostObject(host: ObjectMeta, gvk: GroupVersionKind): boolean {
  if (host.deletionTimestamp !== undefined && host.deletionTimestamp !== null) return true;
  const annotations = host.annotations ?? {};
  if (annotations[KIND_ANNOTATION] !== gvkString(gvk)) return false;
  if (!annotations[NAME_ANNOTATION] || annotations[HOST_NAME_ANNOTATION] !== host.name) return false;
  if ((host.namespace ?? '') !== '') {
    return !!annotations[NAMESPACE_ANNOTATION] && annotations[HOST_NAMESPACE_ANNOTATION] === host.namespace;
  }
  return true;
}
