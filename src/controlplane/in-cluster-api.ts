/**
 * The local driver's in-cluster endpoint of the virtual API (what the kubernetes driver gets from Service
 * NAME selecting pod NAME-0): pods reach the virtual API at the ClusterIP of the host Service NAME
 * (KUBERNETES_SERVICE_HOST, `kubernetes.default.svc`), so that Service needs an endpoint the pods can
 * reach. On the embedded host the real nodes reach this machine only at the root-side address of their
 * veth pair — the address the host's own `default/kubernetes` advertises, where the host supervisor
 * relays its API. `vcluster start` relays the virtual API there too (a port of its own) and writes it as
 * the Endpoints of Service NAME. On any other host (no such local address) nothing is done.
 */
import { networkInterfaces } from 'node:os';
import { startApiRelay, type ApiRelay } from '../embedded-host/api-relay.js';
import type { KubeClient } from '../k8s/client.js';
import { ignoreNotFound, isAlreadyExists } from '../k8s/errors.js';
import { Kinds, type Endpoints, type TypedObject } from '../k8s/types.js';
import { freePort } from '../lib/net.js';
import type { Logger } from '../lib/logger.js';
import { releaseLabels } from '../vclusters/naming.js';

/** The addresses of this machine's interfaces. */
export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

/** The first address the host advertises for its own API that is an address of this machine. Pure. */
export function relayAddress(hostApiEndpoints: Endpoints | undefined, local: ReadonlySet<string>): string | undefined {
  for (const subset of hostApiEndpoints?.subsets ?? []) {
    for (const a of subset.addresses ?? []) if (a.ip !== '127.0.0.1' && local.has(a.ip)) return a.ip;
  }
  return undefined;
}

/** The Endpoints of host Service NAME: the relay, as port `https` (the Service's port name). Pure. */
export function inClusterEndpoints(name: string, namespace: string, address: string, port: number): Endpoints & TypedObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace, labels: releaseLabels(name) },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
}

export interface InClusterApiOptions {
  readonly host: KubeClient;
  readonly name: string;
  readonly namespace: string;
  /** The virtual kube-apiserver's loopback port. */
  readonly apiServerPort: number;
  readonly log: Logger;
}

/** Starts the relay and writes the Endpoints; undefined when this host has no reachable local address. */
export async function startInClusterApi(o: InClusterApiOptions): Promise<ApiRelay | undefined> {
  const hostApi = await ignoreNotFound(o.host.get<Endpoints>(Kinds.Endpoints, { namespace: 'default', name: 'kubernetes' }));
  const address = relayAddress(hostApi, localAddresses());
  if (address === undefined) {
    o.log.info({}, 'no in-cluster relay: the host advertises no address of this machine');
    return undefined;
  }
  const port = await freePort();
  const relay = startApiRelay({ address, port, targetPort: o.apiServerPort, log: o.log.child({ component: 'in-cluster-api' }), timeoutMs: 10_000 });
  await relay.listening;
  const wanted = inClusterEndpoints(o.name, o.namespace, address, port);
  const key = { namespace: o.namespace, name: o.name };
  const current = await ignoreNotFound(o.host.get<Endpoints>(Kinds.Endpoints, key));
  try {
    if (current === undefined) await o.host.create(wanted);
    else await o.host.update({ ...wanted, metadata: { ...current.metadata, ...wanted.metadata } });
  } catch (err) {
    if (!isAlreadyExists(err)) {
      await relay.close();
      throw err;
    }
  }
  o.log.info({ address, port, service: `${o.namespace}/${o.name}` }, 'virtual API relayed for in-cluster clients');
  return relay;
}
