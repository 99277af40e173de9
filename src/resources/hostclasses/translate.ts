/**
 * Cluster-scoped classes copied from the host into the virtual cluster (sync.fromHost.storageClasses,
 * .ingressClasses, .priorityClasses; vcluster-behavior.md §2.8 "StorageClasses, PriorityClasses …"):
 * the host is the source of truth and the copies are read-only for the tenant. A virtual class with a
 * host class's name always equals the host class (labels + managed-by, annotations, fields): a tenant
 * edit, or a delete, is reverted; a change of a field the API makes immutable re-creates the copy. A
 * copy whose host class is gone is removed; classes the tenant made under other names are left alone.
 * Pure.
 */
import type { IngressClass, PriorityClass, StorageClass } from '../../k8s/types.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import type { KubeObject } from '../../syncer/translate/object.js';
import { deepCopy } from '../../syncer/translate/object.js';

/** What differs between the class kinds. */
export interface HostClassKind<T extends KubeObject> {
  /** The controller's name, e.g. "storageclasses". */
  readonly name: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** The class's own fields (everything but apiVersion, kind, metadata). */
  readonly fields: (c: T) => Partial<T>;
  /** Fields the API refuses to change: a difference there means delete and re-create. */
  readonly immutable: (c: T) => unknown;
  /** Host classes never copied (e.g. the system PriorityClasses every cluster has). */
  readonly skip?: (name: string) => boolean;
}

const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<T> => {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = deepCopy(o[k]);
  return out;
};

export const STORAGE_CLASSES: HostClassKind<StorageClass> = {
  name: 'storageclasses',
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  fields: (c) => pick(c, ['provisioner', 'parameters', 'reclaimPolicy', 'mountOptions', 'allowVolumeExpansion', 'volumeBindingMode', 'allowedTopologies']),
  immutable: (c) => [c.provisioner, c.parameters ?? {}, c.reclaimPolicy ?? 'Delete', c.mountOptions ?? [], c.volumeBindingMode ?? 'Immediate', c.allowedTopologies ?? []],
};

export const INGRESS_CLASSES: HostClassKind<IngressClass> = {
  name: 'ingressclasses',
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  fields: (c) => pick(c, ['spec']),
  immutable: (c) => c.spec?.controller ?? '',
};

export const PRIORITY_CLASSES: HostClassKind<PriorityClass> = {
  name: 'priorityclasses',
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  fields: (c) => pick(c, ['value', 'globalDefault', 'description', 'preemptionPolicy']),
  immutable: (c) => [c.value, c.preemptionPolicy ?? 'PreemptLowerPriority'],
  // system-node-critical and system-cluster-critical: the virtual API server has its own
  skip: (name) => name.startsWith('system-'),
};

/** The virtual copy of a host class: same name, labels (+ managed-by), annotations and fields. */
export function virtualClassFromHost<T extends KubeObject>(k: HostClassKind<T>, host: T, vclusterName: string): T {
  const meta = host.metadata ?? {};
  const copy: KubeObject = {
    apiVersion: k.apiVersion,
    kind: k.kind,
    metadata: {
      name: meta.name ?? '',
      labels: { ...(meta.labels ?? {}), [MARKER_LABEL]: vclusterName },
      ...(meta.annotations === undefined ? {} : { annotations: { ...meta.annotations } }),
    },
  };
  return Object.assign(copy, k.fields(host)) as T;
}

export type HostClassAction<T> =
  | { readonly type: 'none' }
  | { readonly type: 'create'; readonly desired: T }
  | { readonly type: 'update'; readonly desired: T }
  | { readonly type: 'delete' };

const stable = (value: unknown): string => JSON.stringify(value ?? null);

function differs<T extends KubeObject>(k: HostClassKind<T>, current: T, desired: T): boolean {
  const view = (c: T): unknown[] => [c.metadata?.labels ?? {}, c.metadata?.annotations ?? {}, k.fields(c)];
  return stable(view(current)) !== stable(view(desired));
}

/** What the import controller does for one class name. */
export function decideHostClass<T extends KubeObject>(
  k: HostClassKind<T>,
  host: T | undefined,
  virtual: T | undefined,
  vclusterName: string,
): HostClassAction<T> {
  const name = host?.metadata?.name ?? virtual?.metadata?.name ?? '';
  if (k.skip?.(name)) return { type: 'none' };
  const imported = virtual?.metadata?.labels?.[MARKER_LABEL] === vclusterName;
  if (host === undefined || host.metadata?.deletionTimestamp) {
    // the tenant's own class (no host class of its name, never imported) is left alone
    return virtual !== undefined && imported ? { type: 'delete' } : { type: 'none' };
  }
  const desired = virtualClassFromHost(k, host, vclusterName);
  if (virtual === undefined) return { type: 'create', desired };
  if (virtual.metadata?.deletionTimestamp) return { type: 'none' }; // re-created once gone
  if (stable(k.immutable(virtual)) !== stable(k.immutable(desired))) return { type: 'delete' };
  return differs(k, virtual, desired) ? { type: 'update', desired } : { type: 'none' };
}
