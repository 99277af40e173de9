/**
 * Pods, virtual → host (vcluster-behavior.md §2.8 Pods). Pure: tokens, IPs, namespace labels and
 * services are looked up by the syncer and passed in; the result lists what the pod references so
 * the syncer can record it in the mappings store (and thereby sync those ConfigMaps/Secrets/PVCs).
 */
import type {
  Container,
  EnvVar,
  EphemeralContainer,
  Pod,
  PodSpec,
  Secret,
} from '../../k8s/types.js';
import { GVK } from '../../syncer/translate/gvk.js';
import { namespaceLabelsForPod } from '../../syncer/translate/labels.js';
import { hostName, hostNameCluster } from '../../syncer/translate/names.js';
import { deepCopy } from '../../syncer/translate/object.js';
import { hostPodServiceAccountName } from '../serviceaccounts/translate.js';
import { namespacedHostMeta } from '../shared/options.js';
import {
  DISABLE_SUBDOMAIN_REWRITE_ANNOTATION,
  HOSTS_REWRITTEN_ANNOTATION,
  podBookkeepingAnnotations,
  tokenAnnotationKeys,
} from './translate-parts/pod-annotations.js';
import { defaultHostname, kubernetesHostAlias, usesClusterDns, virtualDnsConfig } from './translate-parts/dns.js';
import { kubernetesServiceEnv, serviceLinkEnv, translateContainerEnv } from './translate-parts/env.js';
import {
  DEFAULT_REWRITE_HOSTS_IMAGE,
  rewriteHostsInitContainer,
  withRewrittenHosts,
} from './translate-parts/hosts.js';
import { clusterDomainOf, type PodTranslateOptions } from './translate-parts/options.js';
import { uniqueReferences, type PodReference } from './translate-parts/references.js';
import { hostAffinity, hostTopologySpread, mergeTolerations } from './translate-parts/scheduling.js';
import { tokenAnnotation, tokenRequests, tokenSecret, tokenSecretName } from './translate-parts/token.js';
import { PROPAGATED_MOUNT_PATHS, translateVolume } from './translate-parts/volumes.js';

export type { PodTranslateOptions, PodReference };
export { tokenRequests, virtualPodStatus, hostPodSpecUpdate, parseToleration } from './translate-parts/exports.js';

export interface PodTranslation {
  readonly pod: Pod;
  /** Objects the pod references (virtual names), deduplicated and sorted. */
  readonly references: PodReference[];
  /** Secret mode: the host Secret holding the pod's service-account tokens (create before the pod). */
  readonly tokenSecret?: Secret;
}

const SYSTEM_PRIORITY_CLASSES: readonly string[] = ['system-node-critical', 'system-cluster-critical'];

function hostPriorityClass(options: PodTranslateOptions, name: string | undefined): string | undefined {
  const wanted = name || options.defaultPriorityClassName || undefined;
  if (wanted === undefined || SYSTEM_PRIORITY_CLASSES.includes(wanted)) return wanted;
  if (options.priorityClassesToHost) return hostNameCluster(options.names, wanted);
  // fromHost: the virtual classes are copies of the host's, under the same names
  return options.priorityClassesFromHost ? wanted : undefined;
}

function hostRuntimeClass(options: PodTranslateOptions, name: string | undefined): string | undefined {
  if (!name || options.hostRuntimeClassName === undefined) return name || undefined;
  return options.hostRuntimeClassName ?? undefined;
}

function generatedEnv(options: PodTranslateOptions, spec: PodSpec): EnvVar[] {
  const out: EnvVar[] = [];
  // As kubelet: on unless the pod turns it off (the API server defaults it to true).
  if (spec.enableServiceLinks !== false) out.push(...serviceLinkEnv(options.services ?? []));
  if (options.kubeIP) out.push(...kubernetesServiceEnv(options.kubeIP));
  const byName = new Map(out.map((e) => [e.name, e]));
  return [...byName.values()];
}

/** Containers mounting the log and kubelet paths see host changes (HostToContainer), as vCluster. */
function withPropagation(container: Container): Container {
  if (container.volumeMounts === undefined) return container;
  return {
    ...container,
    volumeMounts: container.volumeMounts.map((m) => {
      const path = m.mountPath.endsWith('/') ? m.mountPath.slice(0, -1) : m.mountPath;
      return PROPAGATED_MOUNT_PATHS.includes(path) ? { ...m, mountPropagation: 'HostToContainer' } : m;
    }),
  };
}

function withImage<C extends { image?: string }>(options: PodTranslateOptions, container: C): C {
  const image = container.image === undefined ? undefined : options.translateImage?.[container.image];
  return image === undefined ? container : { ...container, image };
}

/** Whether the pod is scheduled inside the virtual cluster. */
export function usesVirtualScheduler(spec: PodSpec | undefined, options: PodTranslateOptions): boolean {
  const scheduler = spec?.schedulerName;
  return scheduler !== undefined && (options.virtualSchedulerNames ?? []).includes(scheduler);
}

/** A pod scheduled by a virtual scheduler goes to the host only once it is bound to a node. */
export function readyForHost(virtual: Pod, options: PodTranslateOptions): boolean {
  return !usesVirtualScheduler(virtual.spec, options) || !!virtual.spec?.nodeName;
}

/**
 * Ephemeral containers of the virtual pod that the host pod lacks, translated for the host's
 * ephemeralcontainers subresource (they only ever flow virtual → host).
 */
export function newEphemeralContainers(
  virtual: Pod,
  host: Pod,
  options: PodTranslateOptions,
): EphemeralContainer[] {
  const existing = new Set((host.spec?.ephemeralContainers ?? []).map((c) => c.name));
  const refs: PodReference[] = [];
  const envOptions = {
    names: options.names,
    namespace: virtual.metadata?.namespace ?? '',
    generated: generatedEnv(options, virtual.spec ?? { containers: [] }),
  };
  return (virtual.spec?.ephemeralContainers ?? [])
    .filter((c) => !existing.has(c.name))
    .map((c) => withImage(options, translateContainerEnv(c, envOptions, refs)));
}

export function toHostPod(virtual: Pod, options: PodTranslateOptions): PodTranslation {
  const names = options.names;
  const meta = virtual.metadata ?? {};
  const podName = meta.name ?? '';
  const namespace = meta.namespace ?? '';
  const domain = clusterDomainOf(options);
  const refs: PodReference[] = [];
  const vSpec: PodSpec = virtual.spec ?? { containers: [] };
  const tokenMode = options.tokenMode ?? 'secret';
  const tokens = options.tokens ?? {};
  const suffixes = options.tokenAnnotationSuffixes ?? {};

  // metadata
  const metadata = namespacedHostMeta(options, meta, GVK.Pod);
  metadata.labels = { ...(metadata.labels ?? {}), ...namespaceLabelsForPod(names, options.namespaceLabels) };
  const annotations: Record<string, string> = {
    ...(metadata.annotations ?? {}),
    ...podBookkeepingAnnotations(virtual),
  };
  if (tokenMode === 'annotation') {
    for (const request of tokenRequests(virtual, domain)) {
      const token = tokens[request.key];
      if (token !== undefined) annotations[tokenAnnotation(suffixes[request.key] ?? request.key)] = token;
    }
  }
  metadata.annotations = annotations;

  // spec
  const spec: PodSpec = deepCopy(vSpec);
  const virtualSa = vSpec.serviceAccountName || vSpec.serviceAccount || 'default';
  if (options.serviceAccountsToHost) refs.push({ kind: 'ServiceAccount', name: virtualSa, namespace });
  spec.serviceAccountName = hostPodServiceAccountName(
    options,
    virtualSa,
    namespace,
    options.serviceAccountsToHost ?? false,
  );
  delete spec.serviceAccount;
  spec.automountServiceAccountToken = false;
  spec.enableServiceLinks = false;

  const secretName = tokenSecretName(options, podName, namespace);
  const volumeCtx = {
    names,
    podName,
    namespace,
    refs,
    token: { mode: tokenMode, secretName, suffixes },
    ...(options.podUids === undefined ? {} : { podUids: options.podUids }),
  };
  if (vSpec.volumes !== undefined) spec.volumes = vSpec.volumes.map((v) => translateVolume(volumeCtx, v));

  const envOptions = { names, namespace, generated: generatedEnv(options, vSpec) };
  const containers = (list: Container[]): Container[] =>
    list.map((c) => withImage(options, translateContainerEnv(c, envOptions, refs)));
  spec.containers = containers(vSpec.containers).map(withPropagation);
  if (vSpec.initContainers !== undefined) spec.initContainers = containers(vSpec.initContainers);
  if (vSpec.ephemeralContainers !== undefined) {
    spec.ephemeralContainers = vSpec.ephemeralContainers.map((c) =>
      withImage(options, translateContainerEnv(c, envOptions, refs)),
    );
  }
  if (vSpec.imagePullSecrets !== undefined) {
    spec.imagePullSecrets = vSpec.imagePullSecrets.map((s) => {
      if (!s.name) return s;
      refs.push({ kind: 'Secret', name: s.name, namespace });
      return { name: hostName(names, s.name, namespace) };
    });
  }

  // DNS and the in-cluster `kubernetes` service
  if (options.kubeIP)
    spec.hostAliases = [
      ...(vSpec.hostAliases ?? []).map((a) => deepCopy(a)),
      kubernetesHostAlias(options.kubeIP, domain),
    ];
  if (options.dnsIP && usesClusterDns(vSpec)) {
    spec.dnsPolicy = 'None';
    spec.dnsConfig = virtualDnsConfig(vSpec.dnsConfig, options.dnsIP, namespace, domain);
  }

  // scheduling
  const nodeSelector = { ...(vSpec.nodeSelector ?? {}), ...(options.nodeSelector ?? {}) };
  if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
  const affinity = hostAffinity(names, vSpec.affinity, namespace);
  if (affinity !== undefined) spec.affinity = affinity;
  if (vSpec.topologySpreadConstraints !== undefined)
    spec.topologySpreadConstraints = hostTopologySpread(names, vSpec.topologySpreadConstraints, namespace);
  const tolerations = mergeTolerations(vSpec.tolerations, options.enforceTolerations);
  if (tolerations.length > 0) spec.tolerations = tolerations;
  const priorityClassName = hostPriorityClass(options, vSpec.priorityClassName);
  if (priorityClassName === undefined) delete spec.priorityClassName;
  else spec.priorityClassName = priorityClassName;
  delete spec.priority; // the host's admission recomputes it from the (translated) class
  // the host's RuntimeClass admission sets the overhead (and scheduling) from the host's class
  delete spec.overhead;
  const runtimeClassName = options.runtimeClassName || hostRuntimeClass(options, vSpec.runtimeClassName);
  if (runtimeClassName) spec.runtimeClassName = runtimeClassName;
  else delete spec.runtimeClassName;
  if (usesVirtualScheduler(vSpec, options)) {
    delete spec.affinity;
    delete spec.topologySpreadConstraints;
    delete spec.nodeSelector;
  }
  if (options.dropPodResources) delete spec.resources;

  // hostname, subdomain and /etc/hosts
  const hostname = vSpec.hostname || defaultHostname(podName);
  spec.hostname = hostname;
  delete spec.subdomain;
  let finalSpec = spec;
  const rewriteHosts = options.rewriteHosts ?? { enabled: true };
  if (
    vSpec.subdomain &&
    rewriteHosts.enabled &&
    meta.annotations?.[DISABLE_SUBDOMAIN_REWRITE_ANNOTATION] !== 'true'
  ) {
    const init = rewriteHostsInitContainer(
      hostname,
      vSpec.subdomain,
      namespace,
      domain,
      rewriteHosts.image ?? DEFAULT_REWRITE_HOSTS_IMAGE,
    );
    finalSpec = withRewrittenHosts(spec, init);
    annotations[HOSTS_REWRITTEN_ANNOTATION] = 'true';
  }

  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: finalSpec };
  const result: PodTranslation = { pod, references: uniqueReferences(refs) };
  const hasTokens = tokenRequests(virtual, domain).length > 0;
  if (tokenMode === 'secret' && hasTokens)
    return { ...result, tokenSecret: tokenSecret(virtual, tokens, options) };
  return result;
}

/** Host pod annotation keys never copied back to the virtual pod. */
export { tokenAnnotationKeys };
