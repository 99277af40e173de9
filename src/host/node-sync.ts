/** Makes the host have exactly N simulated nodes, and waits for them to be Ready. */
import { stringify } from 'yaml';
import { HOST_NODE_PREFIX, hostNode } from './nodes.js';
import type { Kubectl } from '../k8s/kubectl.js';

export async function reconcileNodes(kubectl: Kubectl, count: number, kubeletVersion: string): Promise<void> {
  const wanted = Array.from({ length: count }, (_, i) => hostNode(i, kubeletVersion));
  await kubectl(['apply', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'List', items: wanted }));
  const { stdout } = await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'jsonpath={.items[*].metadata.name}']);
  const keep = new Set(wanted.map((n) => n.metadata.name));
  const extra = stdout
    .split(/\s+/)
    .filter((n) => n.startsWith(HOST_NODE_PREFIX) && !keep.has(n));
  if (extra.length > 0) await kubectl(['delete', 'node', '--wait=false', ...extra]);
}

export async function waitNodesReady(kubectl: Kubectl, timeoutSeconds: number): Promise<void> {
  await kubectl(['wait', '--for=condition=Ready', 'node', '-l', 'type=kwok', `--timeout=${timeoutSeconds}s`]);
}
