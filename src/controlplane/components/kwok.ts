import type { ComponentSpec } from './spec.js';

/** Annotation marking the simulated nodes kwok manages. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface KwokConfig {
  readonly binary: string;
  readonly kubeconfig: string;
  /** The stages file (required since kwok v0.8.0). */
  readonly stagesFile: string;
  /** Pool for pods on nodes without a podCIDR. */
  readonly cidr: string;
  /** Port of kwok's own health/metrics server. */
  readonly serverPort: number;
  /** The address kwok gives the nodes it creates (loopback: no kubelet call ever leaves the machine). */
  readonly nodeIp?: string;
  /** @default 40 */
  readonly nodeLeaseDurationSeconds?: number;
}

export function buildKwok(c: KwokConfig): ComponentSpec {
  return {
    name: 'kwok',
    command: c.binary,
    args: [
      `--kubeconfig=${c.kubeconfig}`,
      `--config=${c.stagesFile}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--cidr=${c.cidr}`,
      `--node-lease-duration-seconds=${c.nodeLeaseDurationSeconds ?? 40}`,
      `--server-address=127.0.0.1:${c.serverPort}`,
      ...(c.nodeIp ? [`--node-ip=${c.nodeIp}`, `--node-port=${c.serverPort}`] : []),
    ],
    readiness: { kind: 'http', url: `http://127.0.0.1:${c.serverPort}/healthz` },
  };
}
