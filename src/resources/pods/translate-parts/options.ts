/** Everything a pod translation needs, beyond the pod itself. */
import type { Service, Toleration } from '../../../k8s/types.js';
import type { TranslateOptions } from '../../shared/options.js';

export interface PodTranslateOptions extends TranslateOptions {
  /** @default "cluster.local" */
  readonly clusterDomain?: string;
  /** ClusterIP of the vcluster's own host Service (the in-cluster `kubernetes` address). */
  readonly kubeIP?: string;
  /** Host ClusterIP of the synced kube-dns Service (`kube-dns-x-kube-system-x-<vc>`). */
  readonly dnsIP?: string;
  /** Labels of the pod's virtual namespace (become ns-label keys on the host pod). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Virtual Services of the pod's namespace, for service-link env vars. */
  readonly services?: readonly Service[];
  /** sync.toHost.serviceAccounts */
  readonly serviceAccountsToHost?: boolean;
  /** sync.toHost.priorityClasses: the pod's class becomes `vcluster-<class>-x-<host ns>-x-<vc>`. */
  readonly priorityClassesToHost?: boolean;
  /** sync.fromHost.priorityClasses: the pod's class is a host class, its name kept. */
  readonly priorityClassesFromHost?: boolean;
  /** sync.toHost.pods.priorityClassName: default for pods without one. */
  readonly defaultPriorityClassName?: string;
  /** sync.toHost.pods.runtimeClassName: override. */
  readonly runtimeClassName?: string;
  /**
   * The host RuntimeClass standing for the pod's class, as the syncer found it on the host
   * (runtimeclasses/translate.ts, hostRuntimeClassFor): null = none there, so the host pod names no
   * class and runs with the host's default runtime. @default the virtual pod's class name, unchanged
   */
  readonly hostRuntimeClassName?: string | null;
  /** sync.toHost.pods.enforceTolerations, already parsed. */
  readonly enforceTolerations?: readonly Toleration[];
  /** fromHost.nodes.selector.labels, merged into nodeSelector. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** How service-account tokens reach the host pod. @default "secret" */
  readonly tokenMode?: 'secret' | 'annotation';
  /** Tokens requested in the virtual cluster, keyed by `tokenKey(volume, index)`. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** annotation mode: the random 8-character suffix per token key (chosen by the caller). */
  readonly tokenAnnotationSuffixes?: Readonly<Record<string, string>>;
  /** sync.toHost.pods.rewriteHosts */
  readonly rewriteHosts?: { readonly enabled: boolean; readonly image?: string };
  /** sync.toHost.pods.translateImage: virtual image → host image. */
  readonly translateImage?: Readonly<Record<string, string>>;
  /** Drop pod-level spec.resources (hosts older than Kubernetes 1.34 reject it). */
  readonly dropPodResources?: boolean;
  /**
   * Scheduler names served inside the virtual cluster (virtual scheduler / hybrid scheduling):
   * such pods keep the virtual scheduler's decision, so affinity, topology spread and
   * nodeSelector are dropped on the host and the pod is synced only once nodeName is set.
   */
  readonly virtualSchedulerNames?: readonly string[];
  /** Virtual pod UID → host pod UID, for hostPaths below /var/lib/kubelet/pods/<uid>/ (log agents). */
  readonly podUids?: Readonly<Record<string, string>>;
}

export function clusterDomainOf(options: PodTranslateOptions): string {
  return options.clusterDomain ?? 'cluster.local';
}
