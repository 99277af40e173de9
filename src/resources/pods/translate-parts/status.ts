/**
 * Pod status host → virtual (vcluster-behavior.md §2.8 Pods, Update): the host status except the
 * virtual QoS class, with container statuses limited to containers the virtual spec has (so
 * injected sidecars and the hosts-rewrite init container stay hidden). Spec changes virtual → host.
 */
import type { ContainerStatus, Pod, PodStatus, Toleration } from '../../../k8s/types.js';
import { deepCopy } from '../../../syncer/translate/object.js';
import { mergeTolerations } from './scheduling.js';

function only(
  statuses: ContainerStatus[] | undefined,
  names: ReadonlySet<string>,
): ContainerStatus[] | undefined {
  return statuses?.filter((s) => names.has(s.name));
}

export function virtualPodStatus(host: Pod, virtual: Pod): PodStatus | undefined {
  if (host.status === undefined) return undefined;
  const status = deepCopy(host.status);
  const qos = virtual.status?.qosClass;
  if (qos === undefined) delete status.qosClass;
  else status.qosClass = qos;
  const spec = virtual.spec;
  const containers = new Set((spec?.containers ?? []).map((c) => c.name));
  const inits = new Set((spec?.initContainers ?? []).map((c) => c.name));
  const ephemeral = new Set((spec?.ephemeralContainers ?? []).map((c) => c.name));
  const filtered: [
    keyof PodStatus & ('containerStatuses' | 'initContainerStatuses' | 'ephemeralContainerStatuses'),
    ReadonlySet<string>,
  ][] = [
    ['containerStatuses', containers],
    ['initContainerStatuses', inits],
    ['ephemeralContainerStatuses', ephemeral],
  ];
  for (const [field, names] of filtered) {
    const list = only(status[field], names);
    if (list === undefined) delete status[field];
    else status[field] = list;
  }
  return status;
}

/**
 * The host pod after pushing the mutable spec fields of the virtual pod: activeDeadlineSeconds,
 * container and init-container images, scheduling gates, and tolerations (virtual ∪ host-only ∪ enforced).
 */
export function hostPodSpecUpdate(virtual: Pod, host: Pod, enforced: readonly Toleration[] = []): Pod {
  const out = deepCopy(host);
  const vSpec = virtual.spec;
  if (out.spec === undefined || vSpec === undefined) return out;
  if (vSpec.activeDeadlineSeconds === undefined) delete out.spec.activeDeadlineSeconds;
  else out.spec.activeDeadlineSeconds = vSpec.activeDeadlineSeconds;
  const images = new Map(
    [...vSpec.containers, ...(vSpec.initContainers ?? [])].map((c) => [c.name, c.image]),
  );
  const setImage = <C extends { name: string; image?: string }>(c: C): C => {
    const image = images.get(c.name);
    return image === undefined ? c : { ...c, image };
  };
  out.spec.containers = out.spec.containers.map(setImage);
  if (out.spec.initContainers) out.spec.initContainers = out.spec.initContainers.map(setImage);
  if (vSpec.schedulingGates === undefined || vSpec.schedulingGates.length === 0)
    delete out.spec.schedulingGates;
  else out.spec.schedulingGates = deepCopy(vSpec.schedulingGates);
  const tolerations = mergeTolerations(vSpec.tolerations, host.spec?.tolerations, enforced);
  if (tolerations.length > 0) out.spec.tolerations = tolerations;
  return out;
}
