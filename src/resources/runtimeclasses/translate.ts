/**
 * RuntimeClasses (vcluster-behavior.md §2.8 "StorageClasses, PriorityClasses, RuntimeClasses"). The
 * host's classes are the real ones: a host class is what makes a handler usable on the host's nodes.
 * - sync.fromHost.runtimeClasses: host classes are copied into the virtual cluster under the same
 *   name (labelled managed-by, so tenant-made classes are never touched) and removed with them; the
 *   copies are read-only (a tenant edit is reverted, also one that drops the label: see isCopy).
 * - a tenant pod runs on the host with the host class of the same name, else a host class with the
 *   same handler, else none (the host's default runtime): a class made inside the virtual cluster
 *   has no meaning on the host, and the host's admission would refuse a pod naming an unknown class.
 * Pure.
 */
import type { RuntimeClass } from '../../k8s/types.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import { deepCopy } from '../../syncer/translate/object.js';

/** The virtual copy of a host RuntimeClass: same name, labels (+ managed-by), annotations, handler, overhead, scheduling. */
export function virtualRuntimeClassFromHost(host: RuntimeClass, vclusterName: string): RuntimeClass {
  const meta = host.metadata ?? {};
  const out: RuntimeClass = {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: {
      name: meta.name ?? '',
      labels: { ...(meta.labels ?? {}), [MARKER_LABEL]: vclusterName },
      ...(meta.annotations === undefined ? {} : { annotations: { ...meta.annotations } }),
    },
    handler: host.handler,
  };
  if (host.overhead !== undefined) out.overhead = deepCopy(host.overhead);
  if (host.scheduling !== undefined) out.scheduling = deepCopy(host.scheduling);
  return out;
}

/** Whether a virtual class was imported from the host by this vcluster (and is thus ours to change). */
export function isImported(virtual: RuntimeClass, vclusterName: string): boolean {
  return virtual.metadata?.labels?.[MARKER_LABEL] === vclusterName;
}

/**
 * Whether a virtual class is the import controller's copy of the (live) host class of its name: one it
 * labelled, or one without any managed-by label that has the host class's handler: a copy whose label
 * the tenant removed. As with the host classes import (hostclasses/translate.ts), such a copy is
 * reverted, not taken over. The handler is immutable, as hostclasses tells copies by their immutable
 * fields: a class the tenant made under a host class's name with its own handler stays the tenant's.
 */
function isCopy(virtual: RuntimeClass, host: RuntimeClass | undefined, vclusterName: string): boolean {
  if (isImported(virtual, vclusterName)) return true;
  if (host === undefined || virtual.metadata?.labels?.[MARKER_LABEL] !== undefined) return false;
  return virtual.handler === host.handler;
}

export type RuntimeClassAction =
  | { readonly type: 'none' }
  | { readonly type: 'create'; readonly desired: RuntimeClass }
  | { readonly type: 'update'; readonly desired: RuntimeClass }
  | { readonly type: 'delete' };

const stable = (value: unknown): string => JSON.stringify(value ?? null);

function differs(current: RuntimeClass, desired: RuntimeClass): boolean {
  const pick = (c: RuntimeClass): unknown[] => [
    c.metadata?.labels ?? {},
    c.metadata?.annotations ?? {},
    c.handler,
    c.overhead,
    c.scheduling,
  ];
  return stable(pick(current)) !== stable(pick(desired));
}

/**
 * What the import controller does for one name. `handler` is immutable in the API, so a host class
 * re-created with another handler means delete, then create on the next round.
 */
export function decideRuntimeClass(
  host: RuntimeClass | undefined,
  virtual: RuntimeClass | undefined,
  vclusterName: string,
): RuntimeClassAction {
  const live = host === undefined || host.metadata?.deletionTimestamp ? undefined : host;
  if (virtual !== undefined && !isCopy(virtual, live, vclusterName)) return { type: 'none' }; // the tenant's own
  if (live === undefined) return virtual === undefined ? { type: 'none' } : { type: 'delete' };
  const desired = virtualRuntimeClassFromHost(live, vclusterName);
  if (virtual === undefined) return { type: 'create', desired };
  if (virtual.handler !== desired.handler) return { type: 'delete' };
  return differs(virtual, desired) ? { type: 'update', desired } : { type: 'none' };
}

/**
 * The host RuntimeClass a tenant pod asking for `virtualName` runs with: the host class of that name,
 * else the first (by name) host class with the virtual class's handler, else undefined (none).
 */
export function hostRuntimeClassFor(
  virtualName: string,
  virtualClass: RuntimeClass | undefined,
  hostClasses: readonly RuntimeClass[],
): string | undefined {
  const live = hostClasses.filter((c) => !c.metadata?.deletionTimestamp && c.metadata?.name);
  if (live.some((c) => c.metadata?.name === virtualName)) return virtualName;
  const handler = virtualClass?.handler;
  if (handler === undefined) return undefined;
  return live
    .filter((c) => c.handler === handler)
    .map((c) => c.metadata?.name ?? '')
    .sort()[0];
}
