/**
 * Test support: runs one syncer through the generic sync controller on two fake clusters (fake
 * clients, real informers), and the table of cases every plain toHost kind must pass — create, update
 * both ways, delete both ways, a host copy deleted out of band, an unmanaged host object holding the
 * translated name. Used by the kinds' syncer.test.ts.
 */
import assert from 'node:assert/strict';
import { FakeKubeClient } from '../../k8s/fake.js';
import { InformerFactory, type ListWatchScope } from '../../k8s/informer.js';
import { Kinds, type Event, type ObjectKey, type TypedObject } from '../../k8s/types.js';
import { silentLogger } from '../../lib/logger.js';
import { syncController } from '../../syncer/engine/sync-controller.js';
import { MARKER_LABEL } from '../../syncer/translate/constants.js';
import type { NameContext } from '../../syncer/translate/names.js';
import type { KubeObject, Syncer } from '../../syncer/types.js';

export interface SyncHarness {
  readonly virtual: FakeKubeClient;
  readonly host: FakeKubeClient;
  /** Waits until `check` holds (it returns without throwing), or fails with its last error. */
  until(what: string, check: () => void | Promise<void>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly names: NameContext;
  readonly virtualObjects?: readonly TypedObject[];
  readonly hostObjects?: readonly TypedObject[];
  /** The host cache's scope. @default the host namespace and managed-by=<vc> */
  readonly hostScope?: ListWatchScope;
}

/** Starts informers on both fake clusters and the syncer's controller. */
export async function startSyncHarness<T extends KubeObject>(syncer: Syncer<T>, o: HarnessOptions): Promise<SyncHarness> {
  const virtual = new FakeKubeClient({ objects: o.virtualObjects ?? [] });
  const host = new FakeKubeClient({ objects: o.hostObjects ?? [] });
  const abort = new AbortController();
  const vf = new InformerFactory(virtual);
  const hf = new InformerFactory(host);
  const scope = o.hostScope ?? { namespace: o.names.hostNamespace, labelSelector: `${MARKER_LABEL}=${o.names.vclusterName}` };
  const controller = syncController<T>({
    syncer,
    ctx: { names: o.names, virtual, host, log: silentLogger(), signal: abort.signal },
    virtual: vf.informerFor<T>(syncer.kind),
    host: hf.informerFor<T>(syncer.kind, scope),
    workers: 1,
  });
  const informers = [vf.start(abort.signal), hf.start(abort.signal)];
  await Promise.all([vf.waitForSync(), hf.waitForSync()]);
  const running = controller.start(abort.signal);
  return {
    virtual,
    host,
    async until(what, check, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await check();
          return;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: err });
        }
        await new Promise<void>((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      abort.abort();
      await Promise.all([...informers, running]);
    },
  };
}

/** What the common cases need to know about one kind. */
export interface KindFixture<T extends KubeObject> {
  readonly syncer: Syncer<T>;
  readonly names: NameContext;
  readonly hostScope?: ListWatchScope;
  /** A virtual object of the kind (with a uid). */
  readonly virtual: T & TypedObject;
  /** Where its host copy lives. */
  readonly hostKey: ObjectKey;
  /** Checks a host copy against the virtual object it stands for. */
  readonly checkHost: (host: T, virtual: T) => void;
  /** A tenant's change of the spec, and how the host copy shows it. */
  readonly editVirtual: (virtual: T) => T;
  readonly checkEdited: (host: T) => void;
  /** Extra virtual objects (e.g. the Secrets an Ingress names). */
  readonly extraVirtual?: readonly TypedObject[];
}

export interface HarnessCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}

const keyOfObject = (o: KubeObject): ObjectKey =>
  o.metadata?.namespace ? { namespace: o.metadata.namespace, name: o.metadata.name ?? '' } : { name: o.metadata?.name ?? '' };

/** The cases every plain toHost kind passes. */
export function toHostCases<T extends KubeObject>(f: KindFixture<T>): HarnessCase[] {
  const kind = f.syncer.kind;
  const vkey = keyOfObject(f.virtual);
  const withHarness = async (body: (h: SyncHarness) => Promise<void>, hostObjects: readonly TypedObject[] = []): Promise<void> => {
    const h = await startSyncHarness(f.syncer, {
      names: f.names,
      virtualObjects: [f.virtual, ...(f.extraVirtual ?? [])],
      hostObjects,
      ...(f.hostScope ? { hostScope: f.hostScope } : {}),
    });
    try {
      await body(h);
    } finally {
      await h.stop();
    }
  };
  const hostCopy = (h: SyncHarness): T => {
    const copy = h.host.peek<T>(kind, f.hostKey);
    assert.ok(copy, 'the host copy exists');
    return copy;
  };
  const created = (h: SyncHarness): Promise<void> => h.until('the host copy', () => f.checkHost(hostCopy(h), f.virtual));
  return [
    {
      name: 'create: the virtual object gets its translated host copy',
      run: () => withHarness(async (h) => created(h)),
    },
    {
      name: 'update virtual → host: a spec change and a new label reach the host copy',
      run: () =>
        withHarness(async (h) => {
          await created(h);
          const current = h.virtual.peek<T & TypedObject>(kind, vkey)!;
          const edited = f.editVirtual(current);
          await h.virtual.update({ ...edited, metadata: { ...edited.metadata, labels: { ...(edited.metadata?.labels ?? {}), tier: 'gold' } } } as T & TypedObject);
          await h.until('the edit on the host', () => {
            f.checkEdited(hostCopy(h));
            assert.equal(hostCopy(h).metadata?.labels?.tier, 'gold');
          });
        }),
    },
    {
      name: 'update host → virtual: a label set on the host copy comes back, the markers do not',
      run: () =>
        withHarness(async (h) => {
          await created(h);
          const copy = hostCopy(h) as T & TypedObject;
          await h.host.update({ ...copy, metadata: { ...copy.metadata, labels: { ...(copy.metadata.labels ?? {}), 'owner.example.com/team': 'infra' } } });
          await h.until('the host label in the vcluster', () => {
            const labels = h.virtual.peek<T>(kind, vkey)?.metadata?.labels ?? {};
            assert.equal(labels['owner.example.com/team'], 'infra');
            assert.equal(labels[MARKER_LABEL], undefined);
          });
          // the spec stays the virtual one
          f.checkHost(hostCopy(h), f.virtual);
        }),
    },
    {
      name: 'delete virtual → host: the host copy goes with the virtual object',
      run: () =>
        withHarness(async (h) => {
          await created(h);
          await h.virtual.delete(kind, vkey);
          await h.until('the host copy gone', () => assert.equal(h.host.peek(kind, f.hostKey), undefined));
        }),
    },
    {
      name: 'delete host (out of band) → recreated from the virtual object, never the other way round',
      run: () =>
        withHarness(async (h) => {
          await created(h);
          const uid = hostCopy(h).metadata?.uid;
          await h.host.delete(kind, f.hostKey);
          await h.until('a new host copy', () => {
            assert.notEqual(hostCopy(h).metadata?.uid, uid);
            f.checkHost(hostCopy(h), f.virtual);
          });
          assert.ok(h.virtual.peek(kind, vkey), 'the virtual object is still there');
        }),
    },
    {
      name: 'an unmanaged host object holding the translated name is never touched; the tenant is told',
      run: async () => {
        const foreign = {
          apiVersion: f.virtual.apiVersion,
          kind: f.virtual.kind,
          metadata: { ...f.hostKey, labels: { app: 'not-ours' } },
        } as TypedObject;
        await withHarness(async (h) => {
          await h.until('a Warning event', async () => {
            const events = (await h.virtual.list<Event>(Kinds.Event)).items;
            assert.ok(events.some((e) => e.type === 'Warning' && e.involvedObject.name === vkey.name), JSON.stringify(events));
          });
          const kept = h.host.peek<TypedObject>(kind, f.hostKey);
          assert.deepEqual(kept?.metadata.labels, { app: 'not-ours' });
          assert.ok(!h.host.writes().some((w) => w.name === f.hostKey.name && w.verb !== 'create'), JSON.stringify(h.host.writes()));
        }, [foreign]);
      },
    },
  ];
}
