/**
 * Fake nodes: when a virtual pod lands on a host node that is not mirrored (sync.fromHost.nodes off),
 * the pod syncer makes a virtual Node of that name (translate.ts fakeNode) so the pod's nodeName
 * points at something; the nodes controller (syncer.ts) removes it once no pod uses it.
 */
import { randomUUID } from 'node:crypto';
import { isAlreadyExists } from '../../k8s/errors.js';
import type { Node, TypedObject } from '../../k8s/types.js';
import type { KubeletEndpoints } from '../../syncer/kubelet-proxy/endpoints.js';
import type { SyncContext } from '../../syncer/types.js';
import { fakeNode } from './translate.js';

export interface FakeNodeDeps {
  readonly kubeletVersion: string;
  /** The syncer's kubelet proxy: the address and port fake nodes advertise. */
  readonly kubelet?: KubeletEndpoints;
}

const typed = <T extends object>(obj: T): T & TypedObject => obj as T & TypedObject;

export async function ensureFakeNode(ctx: SyncContext, deps: FakeNodeDeps, nodeName: string): Promise<void> {
  const node: Node = fakeNode(nodeName, {
    kubeletVersion: deps.kubeletVersion,
    ...(deps.kubelet ? { internalIP: await deps.kubelet.addressOf(nodeName), kubeletPort: deps.kubelet.port } : {}),
    ids: { machineID: randomUUID().replace(/-/g, ''), systemUUID: randomUUID(), bootID: randomUUID() },
    now: new Date().toISOString(),
  });
  try {
    const created = await ctx.virtual.create(typed(node));
    // Node status is not taken from a create: set it explicitly.
    await ctx.virtual.updateStatus(typed({ ...created, status: node.status }));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}
