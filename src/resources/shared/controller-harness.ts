/**
 * Test support for the kinds that run their own controller instead of the generic sync controller
 * (events, nodes, the fromHost classes): two fake clusters (fake clients, real informers), the
 * controller built from them, and the same waiting helpers as the sync harness (sync-harness.ts).
 */
import { FakeKubeClient } from '../../k8s/fake.js';
import { InformerFactory } from '../../k8s/informer.js';
import type { TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import type { Controller } from '../../runtime/controller.js';
import type { NameContext } from '../../syncer/translate/names.js';
import type { SyncContext } from '../../syncer/types.js';
import { pollUntil, waitSettled, type SyncHarness } from './sync-harness.js';

export interface ControllerHarnessOptions {
  readonly names: NameContext;
  readonly virtualObjects?: readonly TypedObject[];
  readonly hostObjects?: readonly TypedObject[];
  /** The virtual cluster's clock (creationTimestamp), e.g. to age objects past a grace period. @default now */
  readonly virtualNow?: () => string;
}

/** Both clusters' informer factories: the controller asks them for the caches it reads. */
export interface HarnessInformers {
  readonly virtual: InformerFactory;
  readonly host: InformerFactory;
}

/** Builds the controller under test from the sync context and the informer factories. */
export type ControllerBuilder = (ctx: SyncContext, informers: HarnessInformers) => Controller;

/** Starts informers on both fake clusters, waits for their caches, then starts the controller. */
export async function startControllerHarness(build: ControllerBuilder, o: ControllerHarnessOptions): Promise<SyncHarness> {
  const virtual = new FakeKubeClient({ objects: o.virtualObjects ?? [], ...(o.virtualNow ? { now: o.virtualNow } : {}) });
  const host = new FakeKubeClient({ objects: o.hostObjects ?? [] });
  const abort = new AbortController();
  const informers = { virtual: new InformerFactory(virtual), host: new InformerFactory(host) };
  const controller = build({ names: o.names, virtual, host, log: silentLogger(), signal: abort.signal }, informers);
  const running = [informers.virtual.start(abort.signal), informers.host.start(abort.signal)];
  await Promise.all([informers.virtual.waitForSync(), informers.host.waitForSync()]);
  running.push(controller.start(abort.signal));
  return {
    virtual,
    host,
    until: pollUntil,
    settled: (quietMs) => waitSettled(virtual, host, quietMs),
    async stop() {
      abort.abort();
      await Promise.all(running);
    },
  };
}

/** Runs `body` on a started harness and always stops it. */
export async function withControllerHarness(
  build: ControllerBuilder,
  o: ControllerHarnessOptions,
  body: (h: SyncHarness) => Promise<void>,
): Promise<void> {
  const h = await startControllerHarness(build, o);
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}
