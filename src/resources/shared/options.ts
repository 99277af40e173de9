/** What every pure resource translation needs to know about the vcluster. */
import type { ObjectMeta } from '../../k8s/types.js';
import type { GroupVersionKind } from '../../syncer/translate/gvk.js';
import { hostMetadata, type OwnerTarget } from '../../syncer/translate/metadata.js';
import { hostName, type NameContext } from '../../syncer/translate/names.js';

export interface TranslateOptions {
  readonly names: NameContext;
  /** The vcluster's host Service; namespaced host objects get an ownerReference to it. */
  readonly owner?: OwnerTarget;
}

/** Host metadata for a namespaced virtual object under its generic host name. */
export function namespacedHostMeta(
  options: TranslateOptions,
  virtual: ObjectMeta | undefined,
  gvk: GroupVersionKind,
  extra: { existingHostLabels?: Record<string, string>; excludeAnnotations?: readonly string[] } = {},
): ObjectMeta {
  const meta = virtual ?? {};
  const name = hostName(options.names, meta.name ?? '', meta.namespace ?? '');
  return hostMetadata(options.names, meta, {
    gvk,
    host: { name, namespace: options.names.hostNamespace },
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    ...(extra.existingHostLabels === undefined ? {} : { existingHostLabels: extra.existingHostLabels }),
    ...(extra.excludeAnnotations === undefined ? {} : { excludeAnnotations: extra.excludeAnnotations }),
  });
}

/** A translated reference to another namespaced virtual object (name only, same namespace). */
export function refName(options: TranslateOptions, name: string, virtualNamespace: string): string {
  return hostName(options.names, name, virtualNamespace);
}

/** Removes keys whose value is undefined (so deepEqual and JSON agree). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
