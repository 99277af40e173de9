/** Registry entry of the pod syncer (sync.toHost.pods): its options from the config and the engine's caches. */
import { policiesOf } from '../../config/index.js';
import { Kinds, type Service, type Toleration } from '../../k8s/types.js';
import type { SyncerDeps, SyncerEntry } from '../../syncer/engine/registry.js';
import { hostName } from '../../syncer/translate/names.js';
import { resolveHostRuntimeClass } from '../runtimeclasses/syncer.js';
import { runtimeClassSources } from '../runtimeclasses/entry.js';
import { createPodSyncer, type PodSyncerDeps } from './syncer.js';
import { parseToleration } from './translate.js';

export function podSyncerDeps(deps: SyncerDeps): PodSyncerDeps {
  const { config, names, hostScope, virtualInformers, hostInformers } = deps;
  const { toHost, fromHost } = config.sync;
  const runtimeClasses = runtimeClassSources(deps);
  return {
    kubeIP: deps.kubeIP,
    clusterDomain: config.networking.advanced.clusterDomain,
    kubeletVersion: deps.kubeletVersion,
    serviceAccountsToHost: toHost.serviceAccounts.enabled,
    ...(toHost.priorityClasses.enabled ? { priorityClasses: 'toHost' as const } : {}),
    ...(fromHost.priorityClasses.enabled ? { priorityClasses: 'fromHost' as const } : {}),
    tokenMode: toHost.pods.useSecretsForSATokens ? 'secret' : 'annotation',
    podSecurityStandard: policiesOf(config).podSecurityStandard,
    enforceTolerations: toHost.pods.enforceTolerations
      .map(parseToleration)
      .filter((t): t is Toleration => t !== undefined),
    hostRuntimeClass: (name) => resolveHostRuntimeClass(runtimeClasses, name),
    ...(deps.kubeletProxy ? { kubelet: deps.kubeletProxy } : {}),
    ...(deps.clusterDns && toHost.services.enabled
      ? {
          dnsIP: () => {
            const twin = hostInformers
              .informerFor<Service>(Kinds.Service, hostScope)
              .get(`${names.hostNamespace}/${hostName(names, 'kube-dns', 'kube-system')}`);
            const ip = twin?.spec?.clusterIP;
            return ip && ip !== 'None' ? ip : undefined;
          },
        }
      : {}),
    servicesOf: (namespace) => virtualInformers.informerFor<Service>(Kinds.Service).list(namespace),
    hostCopyExists: (kind, name) =>
      hostInformers.informerFor(kind === 'ConfigMap' ? Kinds.ConfigMap : Kinds.Secret, hostScope).get(`${names.hostNamespace}/${name}`) !== undefined,
    ...(deps.mappings ? { mappings: deps.mappings } : {}),
  };
}

export const PODS_ENTRY: SyncerEntry = {
  name: 'pods',
  enabled: (config) => config.sync.toHost.pods.enabled,
  create: (deps) => ({ syncer: createPodSyncer(podSyncerDeps(deps)) }),
};
