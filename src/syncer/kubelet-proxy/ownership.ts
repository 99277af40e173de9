/**
 * Which host pods the kubelet proxy may reach: only the host twin of a virtual pod of this vcluster,
 * recognised by its translated name, the managed-by label and the object-name/-namespace annotations
 * (a host pod that merely has the right name is refused). Also the reverse (host pod → virtual pod)
 * for /stats/summary. Pure.
 */
import type { Pod } from '../../k8s/types.js';
import { MARKER_LABEL, NAME_ANNOTATION, NAMESPACE_ANNOTATION } from '../translate/constants.js';
import { hostName, type NameContext } from '../translate/names.js';
import type { HostPodRef } from './routes.js';

export interface VirtualPodRef {
  readonly namespace: string;
  readonly name: string;
}

/** Where the host twin of virtual pod `ns/name` lives. */
export function hostPodRef(names: NameContext, pod: VirtualPodRef): HostPodRef {
  return { namespace: names.hostNamespace, name: hostName(names, pod.name, pod.namespace) };
}

/** The virtual pod a managed host pod stands for; undefined when it is not one of this vcluster's. */
export function virtualPodOf(names: NameContext, host: Pod): VirtualPodRef | undefined {
  const meta = host.metadata;
  if (meta?.namespace !== names.hostNamespace || meta.labels?.[MARKER_LABEL] !== names.vclusterName) return undefined;
  const name = meta.annotations?.[NAME_ANNOTATION];
  const namespace = meta.annotations?.[NAMESPACE_ANNOTATION];
  if (!name || !namespace || hostName(names, name, namespace) !== meta.name) return undefined;
  return { namespace, name };
}

export type Ownership =
  | { readonly ok: true; readonly host: HostPodRef; readonly nodeName: string | undefined }
  | { readonly ok: false; readonly status: 403 | 404; readonly message: string };

/** Whether virtual pod `pod` may be reached through `host` (its host twin as cached, or undefined). */
export function checkOwnership(names: NameContext, pod: VirtualPodRef, host: Pod | undefined): Ownership {
  const ref = hostPodRef(names, pod);
  const what = `pod ${pod.namespace}/${pod.name}`;
  if (host === undefined) {
    return { ok: false, status: 404, message: `${what} is not a pod of vcluster ${names.vclusterName}: it has no managed host pod (not synced yet, or never)` };
  }
  const owner = virtualPodOf(names, host);
  if (owner?.name !== pod.name || owner.namespace !== pod.namespace) {
    return { ok: false, status: 403, message: `${what} is not managed by vcluster ${names.vclusterName}: its host name is held by an object the vcluster does not manage` };
  }
  return { ok: true, host: ref, nodeName: host.spec?.nodeName };
}
