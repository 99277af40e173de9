/**
 * vCluster's HostMetadata / VirtualMetadata (vcluster-behavior.md §1.5): a fresh metadata block for
 * the other side, with server-owned fields reset and the syncer's labels and annotations applied.
 */
import type { ObjectMeta, OwnerReference } from '../../k8s/types.js';
import { hostAnnotations, virtualAnnotations, type ObjectIdentity } from './annotations.js';
import type { GroupVersionKind } from './gvk.js';
import { hostLabels, virtualLabels } from './labels.js';
import type { NameContext, ObjectRef } from './names.js';

/** The host object every namespaced synced object is owned by (the vcluster's host Service). */
export interface OwnerTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

export interface HostMetadataOptions {
  readonly gvk: GroupVersionKind;
  /** Host name and namespace (namespace "" for cluster-scoped). */
  readonly host: Required<ObjectRef>;
  /** Current host labels, when the host object already exists. */
  readonly existingHostLabels?: Readonly<Record<string, string>>;
  /** When set (and the object is namespaced), the host object gets an ownerReference to it. */
  readonly owner?: OwnerTarget;
  /** Virtual annotation keys not copied to the host. */
  readonly excludeAnnotations?: readonly string[];
}

function hasControllerOwner(meta: ObjectMeta): boolean {
  return (meta.ownerReferences ?? []).some((ref) => ref.controller === true);
}

/** Host metadata for a virtual object. Never mutates `virtual`. */
export function hostMetadata(
  ctx: NameContext,
  virtual: ObjectMeta,
  options: HostMetadataOptions,
): ObjectMeta {
  const virtualNamespace = virtual.namespace ?? '';
  const identity: ObjectIdentity = {
    gvk: options.gvk,
    virtualName: virtual.name ?? '',
    virtualNamespace,
    ...(virtual.uid === undefined ? {} : { virtualUid: virtual.uid }),
    hostName: options.host.name,
    hostNamespace: options.host.namespace,
  };
  const out: ObjectMeta = {
    name: options.host.name,
    labels: hostLabels(ctx, virtual.labels, {
      ...(virtualNamespace === '' ? {} : { virtualNamespace }),
      ...(options.existingHostLabels === undefined ? {} : { hostLabels: options.existingHostLabels }),
    }),
    annotations: hostAnnotations(virtual.annotations, identity, {
      exclude: options.excludeAnnotations ?? [],
    }),
  };
  if (options.host.namespace !== '') out.namespace = options.host.namespace;
  if (options.owner !== undefined && options.host.namespace !== '') {
    // `controller` is always written: true iff the virtual object has a controller owner
    const ref: OwnerReference = {
      apiVersion: options.owner.apiVersion,
      kind: options.owner.kind,
      name: options.owner.name,
      uid: options.owner.uid,
      controller: hasControllerOwner(virtual),
    };
    out.ownerReferences = [ref];
  }
  return out;
}

/**
 * Virtual metadata for a host object (used when a managed host object has no virtual twin):
 * bookkeeping annotations and markers stripped, server-owned fields reset. Finalizers are not
 * copied: nothing in the virtual cluster would ever remove a host controller's finalizer.
 */
export function virtualMetadata(ctx: NameContext, host: ObjectMeta, virtual: ObjectRef): ObjectMeta {
  const out: ObjectMeta = { name: virtual.name };
  if (virtual.namespace) out.namespace = virtual.namespace;
  const labels = virtualLabels(ctx, host.labels);
  if (Object.keys(labels).length > 0) out.labels = labels;
  const annotations = virtualAnnotations(host.annotations);
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  return out;
}
