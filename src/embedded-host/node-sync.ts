/** Makes the host have exactly N simulated nodes, and waits for them to be Ready (through the in-process KubeClient). */
import type { KubeClient } from '../k8s/client.js';
import { isNotFound } from '../k8s/errors.js';
import { Kinds, type Node } from '../k8s/types.js';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { sleep } from '../lib/sleep.js';
import { HOST_NODE_PREFIX, hostNode } from './nodes.js';

/** The field manager of the simulated Node objects (server-side apply). */
export const HOST_NODES_FIELD_MANAGER = 'vcluster-host';
const POLL_MS = 250;

export async function reconcileNodes(client: KubeClient, count: number, kubeletVersion: string, kubeletPort: number): Promise<void> {
  const wanted = Array.from({ length: count }, (_, i) => hostNode(i, kubeletVersion, kubeletPort));
  for (const node of wanted) {
    await client.patch(Kinds.Node, { name: node.metadata.name }, node, { type: 'apply', fieldManager: HOST_NODES_FIELD_MANAGER, force: true });
  }
  const keep = new Set(wanted.map((n) => n.metadata.name));
  const { items } = await client.list<Node>(Kinds.Node, { labelSelector: 'type=kwok' });
  for (const name of items.map((n) => n.metadata?.name ?? '')) {
    if (!name.startsWith(HOST_NODE_PREFIX) || keep.has(name)) continue;
    await client.delete(Kinds.Node, { name }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/** True when the node's Ready condition is True. Pure. */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function timedOut(what: string, timeoutSeconds: number): VClusterError {
  return new VClusterError(`${what} within ${timeoutSeconds} s`, { code: ErrorCode.TIMEOUT });
}

/** Waits until every simulated node (label type=kwok) that is not being deleted is Ready. */
export async function waitNodesReady(client: KubeClient, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const { items } = await client.list<Node>(Kinds.Node, { labelSelector: 'type=kwok' });
    const notReady = items.filter((n) => !n.metadata?.deletionTimestamp && !isNodeReady(n)).map((n) => n.metadata?.name ?? '');
    if (notReady.length === 0) return;
    if (Date.now() > deadline) throw timedOut(`node(s) ${notReady.join(', ')} did not become Ready`, timeoutSeconds);
    await sleep(POLL_MS);
  }
}

/** Waits until the real nodes (label vcluster-ts.io/node-type=real) are registered and Ready. */
export async function waitRealNodesReady(client: KubeClient, names: readonly string[], timeoutSeconds: number): Promise<void> {
  if (names.length === 0) return;
  const deadline = Date.now() + timeoutSeconds * 1000;
  // the kubelet registers its Node a moment after it starts: wait for the objects, then for Ready
  for (;;) {
    const { items } = await client.list<Node>(Kinds.Node, { labelSelector: 'vcluster-ts.io/node-type=real' });
    const byName = new Map(items.map((n) => [n.metadata?.name ?? '', n]));
    const missing = names.filter((n) => !byName.has(n));
    const notReady = names.filter((n) => {
      const node = byName.get(n);
      return node !== undefined && !isNodeReady(node);
    });
    if (missing.length === 0 && notReady.length === 0) return;
    if (Date.now() > deadline) {
      throw missing.length > 0
        ? timedOut(`real node(s) ${missing.join(', ')} did not register`, timeoutSeconds)
        : timedOut(`real node(s) ${notReady.join(', ')} did not become Ready`, timeoutSeconds);
    }
    await sleep(POLL_MS);
  }
}

/** Waits until the kube-controller-manager made the default ServiceAccount of namespace default. */
export async function waitDefaultServiceAccount(client: KubeClient, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    try {
      await client.get(Kinds.ServiceAccount, { namespace: 'default', name: 'default' });
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (Date.now() > deadline) throw timedOut('the default ServiceAccount did not appear', timeoutSeconds);
    await sleep(200);
  }
}
