/** Everything a pod translation needs, beyond the pod itself. */
import type { Service, Toleration } from '../../../syncer/translate/kube-types.js';
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
  /** sync.toHost.priorityClasses */
  readonly priorityClassesToHost?: boolean;
  /** sync.toHost.pods.priorityClassName: default for pods without one. */
  readonly defaultPriorityClassName?: string;
  /** sync.toHost.pods.runtimeClassName: override. */
  readonly runtimeClassName?: string;
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
}

export function clusterDomainOf(options: PodTranslateOptions): string {
  return options.clusterDomain ?? 'cluster.local';
}
