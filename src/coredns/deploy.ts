/**
 * Applies CoreDNS into the virtual cluster (server-side apply, so a restart brings the objects back to
 * what this version renders), retrying with backoff until it succeeds or the control plane stops — as
 * vCluster applies its CoreDNS manifests in the background at start.
 */
import type { KubeClient } from '../k8s/client.js';
import { toVClusterError } from '../k8s/errors.js';
import { formatError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { sleep } from '../lib/sleep.js';
import { corednsObjects, type CorednsOptions } from './manifests.js';

export const COREDNS_FIELD_MANAGER = 'vcluster-coredns';

/** Applies every CoreDNS object once (throws on the first failure). */
export async function applyCoredns(virtual: KubeClient, o: CorednsOptions): Promise<void> {
  for (const obj of corednsObjects(o)) {
    const key = { ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata.name };
    try {
      await virtual.patch(obj, key, obj, {
        type: 'apply',
        fieldManager: COREDNS_FIELD_MANAGER,
        force: true,
      });
    } catch (err) {
      throw toVClusterError(err, `apply ${obj.kind} ${key.namespace ? `${key.namespace}/` : ''}${key.name}`);
    }
  }
}

/** Applies CoreDNS, retrying (1 s doubling to 30 s) until done or aborted. Never throws. */
export async function deployCoredns(
  virtual: KubeClient,
  o: CorednsOptions,
  log: Logger,
  signal: AbortSignal,
): Promise<boolean> {
  for (let delay = 1_000; !signal.aborted; delay = Math.min(delay * 2, 30_000)) {
    try {
      await applyCoredns(virtual, o);
      log.info({ image: o.image, realNode: o.realNode }, 'coredns applied');
      return true;
    } catch (err) {
      if (signal.aborted) break;
      log.warn({ err: formatError(err), retryInMs: delay }, 'applying coredns failed');
      await sleep(delay, signal);
    }
  }
  return false;
}
