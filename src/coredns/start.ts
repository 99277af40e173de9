/**
 * Whether the virtual cluster gets its CoreDNS (controlPlane.coredns.enabled, `auto` = the host has a
 * real node), and applying it in the background when it does.
 */
import { corednsEnabled, type Config } from '../config/index.js';
import type { KubeClient } from '../k8s/client.js';
import { Kinds, type Node } from '../k8s/types.js';
import { formatError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { IMAGE_REFS } from '../images/catalog.js';
import { deployCoredns } from './deploy.js';

/** The label of the embedded host's real nodes (src/embedded-host/node/layout.ts). */
const REAL_NODE_SELECTOR = 'vcluster-ts.io/node-type=real';

export interface ClusterDnsOptions {
  readonly config: Config;
  readonly virtual: KubeClient;
  readonly host: KubeClient;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

export interface ClusterDns {
  readonly enabled: boolean;
  /** Resolves once the background apply ended (applied, or the control plane stops). */
  readonly applied: Promise<boolean>;
}

async function hostHasRealNode(host: KubeClient, log: Logger): Promise<boolean> {
  try {
    const nodes = await host.list<Node>(Kinds.Node, { labelSelector: REAL_NODE_SELECTOR });
    return nodes.items.length > 0;
  } catch (err) {
    log.info({ err: formatError(err) }, 'cannot list host nodes: taking the host to have no real node');
    return false;
  }
}

export async function startClusterDns(o: ClusterDnsOptions): Promise<ClusterDns> {
  const realNode = await hostHasRealNode(o.host, o.log);
  const enabled = corednsEnabled(o.config, realNode);
  if (!enabled) {
    o.log.info({ setting: o.config.controlPlane.coredns.enabled, realNode }, 'no coredns in the virtual cluster');
    return { enabled, applied: Promise.resolve(false) };
  }
  const applied = deployCoredns(
    o.virtual,
    { image: IMAGE_REFS.coredns, clusterDomain: o.config.networking.advanced.clusterDomain, realNode },
    o.log.child({ component: 'coredns' }),
    o.signal,
  );
  return { enabled, applied };
}
