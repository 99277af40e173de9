/** Makes the host have exactly N simulated nodes, and waits for them to be Ready. */
import { stringify } from 'yaml';
import { HOST_NODE_PREFIX, hostNode } from './nodes.js';
import type { Kubectl } from '../k8s/kubectl.js';

export async function reconcileNodes(kubectl: Kubectl, count: number, kubeletVersion: string, kubeletPort: number): Promise<void> {
  const wanted = Array.from({ length: count }, (_, i) => hostNode(i, kubeletVersion, kubeletPort));
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

/** Waits until the real nodes (label vcluster-ts.io/node-type=real) are Ready. */
export async function waitRealNodesReady(kubectl: Kubectl, names: readonly string[], timeoutSeconds: number): Promise<void> {
  if (names.length === 0) return;
  const deadline = Date.now() + timeoutSeconds * 1000;
  // the kubelet registers its Node a moment after it starts: wait for the objects, then for Ready
  for (;;) {
    const { stdout } = await kubectl(['get', 'nodes', '-l', 'vcluster-ts.io/node-type=real', '-o', 'jsonpath={.items[*].metadata.name}']);
    const have = new Set(stdout.split(/\s+/).filter(Boolean));
    if (names.every((n) => have.has(n))) break;
    if (Date.now() > deadline) throw new Error(`real node(s) ${names.filter((n) => !have.has(n)).join(', ')} did not register within ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
  await kubectl(['wait', '--for=condition=Ready', ...names.map((n) => `node/${n}`), `--timeout=${left}s`]);
}

/** Waits until the kube-controller-manager made the default ServiceAccount of namespace default. */
export async function waitDefaultServiceAccount(kubectl: Kubectl, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const { stdout } = await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '--ignore-not-found', '-o', 'name']);
    if (stdout.trim()) return;
    if (Date.now() > deadline) throw new Error(`the default ServiceAccount did not appear within ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
