/** Test support: one generic sync controller over fake clients, run for one key, with its log captured. */
import { Writable } from 'node:stream';
import type { FakeKubeClient } from '../../k8s/fake.js';
import { InformerFactory } from '../../k8s/informer.js';
import type { ResourceType } from '../../k8s/types.js';
import { createLogger } from '../../lib/logger.js';
import type { ReconcileReport } from '../../runtime/controller.js';
import type { NameContext } from '../translate/names.js';
import type { KubeObject, SyncContext, Syncer } from '../types.js';
import { syncController } from './sync-controller.js';

export const testNames: NameContext = { vclusterName: 'vc1', hostNamespace: 'team-a' };

/** A context over both clients whose debug log lines are kept. */
export function captureLog(names: NameContext = testNames): {
  ctx: (virtual: FakeKubeClient, host: FakeKubeClient) => SyncContext;
  lines: () => string[];
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const log = createLogger({ level: 'debug', destination });
  return {
    ctx: (virtual, host) => ({ names, virtual, host, log: log.child({ controller: 'test' }), signal: new AbortController().signal }),
    lines: () => chunks.join('').split('\n').filter(Boolean),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Runs the syncer's controller (host cache: ctx's host namespace) until `key` settles; its reconcile reports. */
export async function runSyncOnce<T extends KubeObject>(
  syncer: Syncer<T>,
  virtual: FakeKubeClient,
  host: FakeKubeClient,
  ctx: SyncContext,
  key: { namespace: string; name: string },
  extraVirtual: readonly ResourceType[] = [],
): Promise<ReconcileReport[]> {
  const abort = new AbortController();
  const vf = new InformerFactory(virtual);
  const hf = new InformerFactory(host);
  for (const k of extraVirtual) vf.informerFor(k);
  const reports: ReconcileReport[] = [];
  const controller = syncController<T>({
    syncer,
    ctx,
    virtual: vf.informerFor<T>(syncer.kind),
    host: hf.informerFor<T>(syncer.kind, { namespace: ctx.names.hostNamespace }),
    onReconcile: (r) => reports.push(r),
    workers: 1,
  });
  const running = [vf.start(abort.signal), hf.start(abort.signal)];
  await Promise.all([vf.waitForSync(), hf.waitForSync()]);
  const started = controller.start(abort.signal);
  controller.enqueue(key);
  await settle();
  abort.abort();
  await Promise.all([...running, started]);
  return reports;
}
