import type { Informer } from '../../k8s/informer.js';
import type { Pod } from '../../k8s/types.js';

/** What the node and pod syncers need from the kubelet proxy: the address and port a virtual node advertises. */
export interface KubeletEndpoints {
  /** status.daemonEndpoints.kubeletEndpoint.Port of every virtual node. */
  readonly port: number;
  /** The InternalIP node `nodeName` advertises; the proxy listens there once this resolves. */
  addressOf(nodeName: string): Promise<string>;
  /** The node is gone from the virtual cluster: its address may stop listening. */
  release(nodeName: string): void;
}

/** What the syncer manager wires into the kubelet proxy: its cache of this vcluster's host pods. */
export interface KubeletProxyWiring extends KubeletEndpoints {
  useHostPods(informer: Informer<Pod>): void;
}
