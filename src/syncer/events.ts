/** Warning events on virtual objects, so tenants see why a sync failed (vCluster's SyncError events). */
import type { TypedObject } from '../k8s/types.js';
import type { KubeObject, SyncContext } from './types.js';

export async function warnOnVirtual(
  ctx: SyncContext,
  virtual: KubeObject,
  reason: string,
  message: string,
): Promise<void> {
  const meta = virtual.metadata ?? {};
  const now = new Date().toISOString();
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${meta.name ?? 'object'}.`, namespace: meta.namespace ?? 'default' },
    involvedObject: {
      apiVersion: virtual.apiVersion ?? 'v1',
      kind: virtual.kind ?? '',
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
    },
    reason,
    message,
    type: 'Warning',
    source: { component: 'vcluster-syncer' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
  try {
    await ctx.virtual.create(event as unknown as TypedObject);
  } catch (err) {
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not record warning event');
  }
}
