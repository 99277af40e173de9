/**
 * Registry entry of the nodes controller: runs with the pod syncer (fake nodes for the pods it binds);
 * with sync.fromHost.nodes it mirrors the host nodes matching the selector.
 */
import { Kinds, type Node, type Pod } from '../../k8s/types.js';
import type { SyncerEntry } from '../../syncer/engine/registry.js';
import { nodesController } from './syncer.js';

export const NODES_ENTRY: SyncerEntry = {
  name: 'nodes',
  enabled: (config) => config.sync.toHost.pods.enabled,
  create: (deps) => {
    const nodes = deps.config.sync.fromHost.nodes;
    const selector = Object.entries(nodes.selector.labels).map(([k, v]) => `${k}=${v}`).join(',');
    return {
      controller: nodesController(deps.contextFor('nodes'), {
        virtualNodes: deps.virtualInformers.informerFor<Node>(Kinds.Node),
        virtualPods: deps.virtualInformers.informerFor<Pod>(Kinds.Pod),
        ...(nodes.enabled ? { hostNodes: deps.hostInformers.informerFor<Node>(Kinds.Node, selector ? { labelSelector: selector } : {}) } : {}),
        all: nodes.selector.all || selector !== '',
        clearImageStatus: nodes.clearImageStatus,
        ...(deps.kubeletProxy ? { kubelet: deps.kubeletProxy } : {}),
      }),
    };
  },
};
