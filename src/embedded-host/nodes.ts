/**
 * The simulated nodes of the embedded host: Node objects kwok manages, each with its own InternalIP and
 * podCIDR so pods on different nodes get different IPs. Pure.
 */
import { KWOK_NODE_ANNOTATION } from '../controlplane/components/kwok.js';

export const HOST_NODE_PREFIX = 'kwok-node-';
/** Pod CIDR of node i is 10.244.<i>.0/24. */
export const HOST_POD_CIDR = '10.244.0.0/16';
export const MAX_HOST_NODES = 200;

export interface NodeObject {
  readonly apiVersion: 'v1';
  readonly kind: 'Node';
  readonly metadata: {
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
  };
  readonly spec: { readonly podCIDR: string; readonly podCIDRs: string[]; readonly providerID: string };
  readonly status: Record<string, unknown>;
}

export function hostNodeName(index: number): string {
  return `${HOST_NODE_PREFIX}${index}`;
}

/**
 * Simulated node i. It advertises 127.0.0.1 and kwok's own port as its kubelet, so any kubelet call
 * the apiserver makes for it (logs, exec) stays on loopback; its Hostname is never dialled (the
 * apiserver prefers InternalIP).
 */
export function hostNode(index: number, kubeletVersion: string, kubeletPort: number): NodeObject {
  const name = hostNodeName(index);
  const cidr = `10.244.${index}.0/24`;
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr], providerID: `kwok://${name}` },
    status: {
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: 'kwok',
        kernelVersion: 'kwok',
        osImage: 'kwok simulated node',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
    },
  };
}
