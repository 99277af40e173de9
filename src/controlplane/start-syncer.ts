/**
 * The syncer as `vcluster start` runs it once the virtual API serves: clients for both sides (the
 * virtual admin kubeconfig, the host kubeconfig saved at create), the host Service's ClusterIP, then
 * the manager with the resources registry (the syncer framework imports no resource).
 */
import { openKubeClient } from '../k8s/client.js';
import { Kinds, type Service } from '../k8s/types.js';
import type { ReadyControlPlane } from './start.js';
import { startSyncerManager } from '../syncer/engine/manager.js';
import { SyncerMetrics } from '../syncer/engine/metrics.js';
import { Registry } from '../lib/metrics.js';
import { serveMetrics } from '../lib/metrics-server.js';
import { openEtcdKv } from '../syncer/mappings/etcd-kv.js';
import { MappingsStore } from '../syncer/mappings/store.js';
import { randomUUID } from 'node:crypto';
import { backingStoreOf } from '../config/index.js';
import { startClusterDns } from '../coredns/start.js';
import { startInClusterApi } from './in-cluster-api.js';
import { freePort } from '../lib/net.js';
import { updateVClusterState } from './state.js';
import { KubeletProxy } from '../syncer/kubelet-proxy/server.js';
import { HostApiSource } from '../syncer/kubelet-proxy/upstream.js';
import { RESOURCES } from '../resources/registry.js';

/** The kubelet proxy on the port of state.json (chosen and saved now for a vcluster created before it existed). */
async function startKubeletProxy(ready: ReadyControlPlane): Promise<{ proxy: KubeletProxy; hostApi: HostApiSource }> {
  let port = ready.state.ports.kubeletProxy;
  if (port === undefined) {
    port = await freePort();
    await updateVClusterState(ready.dir.stateFile, { ports: { ...ready.state.ports, kubeletProxy: port } });
  }
  const hostApi = new HostApiSource(ready.dir.hostKubeconfig);
  const proxy = new KubeletProxy({
    names: { vclusterName: ready.state.name, hostNamespace: ready.state.namespace },
    port,
    tls: { cert: ready.pki.leaves.apiserver.cert, key: ready.pki.leaves.apiserver.key, clientCa: ready.pki.ca.cert },
    hostApi,
    log: ready.log,
  });
  await proxy.start();
  return { proxy, hostApi };
}

export async function startSyncer(
  ready: ReadyControlPlane,
  kubeletVersion: string,
): Promise<() => Promise<void>> {
  const sync = ready.config.experimental.syncSettings;
  const virtual = await openKubeClient({
    kubeconfigPath: ready.dir.adminKubeconfig,
    qps: sync.virtualQPS,
    burst: sync.virtualBurst,
    userAgent: 'vcluster-syncer',
  });
  const host = await openKubeClient({
    kubeconfigPath: ready.dir.hostKubeconfig,
    qps: sync.hostQPS,
    burst: sync.hostBurst,
    userAgent: 'vcluster-syncer',
  });
  // The mappings live in the vcluster's own store: our kine's socket (its log in the embedded SQLite
  // database or the external PostgreSQL one); an external etcd has no kine.
  const viaKine = backingStoreOf(ready.config).type !== 'external-etcd';
  const kv = viaKine ? openEtcdKv(`unix://${ready.dir.kineSocket}`) : undefined;
  const mappings = kv
    ? new MappingsStore(kv, randomUUID(), ready.log.child({ component: 'mappings' }))
    : undefined;
  if (mappings) ready.log.info({ mappings: await mappings.load() }, 'mappings store loaded');
  else
    ready.log.warn(
      {},
      'no mappings store for this backing store: referenced ConfigMaps/Secrets are not garbage-collected',
    );
  const service = await host.get<Service>(Kinds.Service, {
    namespace: ready.state.namespace,
    name: ready.state.name,
  });
  const registry = new Registry();
  const metrics = new SyncerMetrics(registry);
  const metricsPort = ready.state.ports.metrics;
  const server = metricsPort ? await serveMetrics(registry, metricsPort) : undefined;
  if (server) ready.log.info({ url: `http://127.0.0.1:${metricsPort}/metrics` }, 'serving syncer metrics');
  const kubelet = await startKubeletProxy(ready);
  // The local driver's in-cluster endpoint of the virtual API (the kubernetes driver's is pod NAME-0).
  const inClusterApi =
    ready.state.driver === 'local'
      ? await startInClusterApi({ host, name: ready.state.name, namespace: ready.state.namespace, apiServerPort: ready.state.ports.apiServer, log: ready.log })
      : undefined;
  const dns = await startClusterDns({ config: ready.config, virtual, host, log: ready.log, signal: ready.signal });
  const stop = await startSyncerManager(
    {
      registry: RESOURCES,
      virtual,
      host,
      names: { vclusterName: ready.state.name, hostNamespace: ready.state.namespace },
      config: ready.config,
      log: ready.log,
      kubeIP: service.spec?.clusterIP,
      kubeletVersion,
      kubeletProxy: kubelet.proxy,
      clusterDns: dns.enabled,
      metrics,
      ...(mappings ? { mappings } : {}),
    },
    ready.signal,
  );
  return async () => {
    await stop();
    await inClusterApi?.close();
    await kubelet.proxy.close();
    kubelet.hostApi.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    virtual.close();
    host.close();
    kv?.close();
  };
}
