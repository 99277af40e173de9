/**
 * The address a virtual node advertises for its kubelet: an IP (never a name, so the virtual
 * kube-apiserver never asks DNS), one loopback address per node so the proxy knows which node a
 * request is for (/stats/summary), all served by the syncer's kubelet proxy on one port. The
 * virtual kube-apiserver runs beside the syncer (same machine with the local driver, same pod with
 * the kubernetes driver), so loopback reaches it in both drivers. Pure.
 */
import { createHash } from 'node:crypto';

/** Where every node's address falls back when a per-node loopback address cannot be bound. */
export const SHARED_KUBELET_ADDRESS = '127.0.0.1';

/**
 * `127.a.b.c` from the SHA-256 of the node name, never 127.0.0.x (127.0.0.1 and the resolver stubs
 * live there) and never a .0 or .255 last octet.
 */
export function nodeKubeletAddress(nodeName: string): string {
  const d = createHash('sha256').update(nodeName, 'utf8').digest();
  const a = (d[0] ?? 0) % 255 || 1; // 1..254
  const b = d[1] ?? 0;
  const c = Math.min(Math.max(d[2] ?? 1, 1), 254);
  return `127.${a}.${b}.${c}`;
}
