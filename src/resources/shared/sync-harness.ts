/**
 * Test support: runs one syncer through the generic sync controller on two fake clusters (fake
 * clients, real informers), and the table of cases every plain toHost kind must pass — create, update
 * both ways, delete both ways, a host copy deleted out of band, an unmanaged host object holding the
 * translated name. Used by the kinds' syncer.test.ts.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FakeKubeClient } from '../../k8s/fake.js';
import { InformerFactory, type ListWatchScope } from '../../k8s/informer.js';
import { Kinds, type Event, type ObjectKey, type ResourceType, type TypedObject } from '../../k8s/types.js';
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
  /**
   * Waits until neither cluster has changed for `quietMs` (the controller has caught up: the host's own
   * next change is then seen as a change, not as the first sight of the host copy).
   */
  settled(quietMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly names: NameContext;
  readonly virtualObjects?: readonly TypedObject[];
  readonly hostObjects?: readonly TypedObject[];
  /** The host cache's scope. @default the host namespace and managed-by=<vc> */
  readonly hostScope?: ListWatchScope;
}

/** A syncer, or how to make one from the virtual cluster's informers (e.g. Endpoints read the Services). */
export type SyncerSource<T extends KubeObject> = Syncer<T> | ((virtualInformers: InformerFactory) => Syncer<T>);

/** Polls `check` every 10 ms until it returns without throwing, or fails with its last error. */
export async function pollUntil(what: string, check: () => void | Promise<void>, timeoutMs = 3_000): Promise<void> {
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
}

/** Waits until neither client has changed for `quietMs`. */
export async function waitSettled(virtual: FakeKubeClient, host: FakeKubeClient, quietMs = 150): Promise<void> {
  const state = (): string => `${virtual.resourceVersion}/${host.resourceVersion}`;
  let last = state();
  let since = Date.now();
  const deadline = Date.now() + 3_000;
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('the clusters never settled');
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    if (state() !== last) {
      last = state();
      since = Date.now();
    }
  }
}

/** Starts informers on both fake clusters and the syncer's controller. */
export async function startSyncHarness<T extends KubeObject>(source: SyncerSource<T>, o: HarnessOptions): Promise<SyncHarness> {
  const virtual = new FakeKubeClient({ objects: o.virtualObjects ?? [] });
  const host = new FakeKubeClient({ objects: o.hostObjects ?? [] });
  const abort = new AbortController();
  const vf = new InformerFactory(virtual);
  const hf = new InformerFactory(host);
  const syncer = typeof source === 'function' ? source(vf) : source;
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
    until: pollUntil,
    settled: (quietMs) => waitSettled(virtual, host, quietMs),
    async stop() {
      abort.abort();
      await Promise.all([...informers, running]);
    },
  };
}

/** What the common cases need to know about one kind. */
export interface KindFixture<T extends KubeObject> {
  readonly syncer: SyncerSource<T>;
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
  /**
   * What the host writes on its copy that flows back (status, host-assigned fields): one case each.
   * `write` makes the host's change through the host client; `check` looks at the virtual object.
   */
  readonly fromHost?: readonly HostWrite<T>[];
  /** What a host copy deleted out of band leads to. @default 'recreate' */
  readonly hostDeleted?: 'recreate' | 'virtual-deleted';
  /** An unmanaged host object holding the translated name gets the tenant a Warning event. @default true */
  readonly warnsOnNameTaken?: boolean;
  /** Cases (by id) that show a known bug: run as node:test todo, with the reason. */
  readonly todo?: Partial<Record<HarnessCaseId, string>>;
}

/** A change the host makes on the host copy, and how the virtual object shows it. */
export interface HostWrite<T extends KubeObject> {
  readonly name: string;
  readonly write: (host: FakeKubeClient, copy: T & TypedObject) => Promise<unknown>;
  readonly check: (virtual: T) => void;
}

export type HarnessCaseId =
  | 'create'
  | 'update-to-host'
  | 'labels-from-host'
  | 'annotations'
  | 'from-host'
  | 'delete-virtual'
  | 'delete-host'
  | 'orphan'
  | 'unmanaged';

export interface HarnessCase {
  readonly id: HarnessCaseId;
  readonly name: string;
  readonly run: () => Promise<void>;
  /** Set when the case shows a known bug (see KindFixture.todo). */
  readonly todo?: string;
}

/** Registers the cases with node:test (`todo` ones reported, not failed). */
export function itCases(cases: readonly HarnessCase[]): void {
  for (const c of cases) it(c.name, c.todo === undefined ? {} : { todo: c.todo }, c.run);
}

const keyOfObject = (o: KubeObject): ObjectKey =>
  o.metadata?.namespace ? { namespace: o.metadata.namespace, name: o.metadata.name ?? '' } : { name: o.metadata?.name ?? '' };

/**
 * The cases every toHost kind passes: create, update both ways (spec virtual → host, labels and
 * annotations 3-way, what the host writes back), delete both ways, a host copy deleted out of band, a
 * managed host copy whose virtual object is gone, an unmanaged host object holding the translated name.
 */
export function toHostCases<T extends KubeObject>(f: KindFixture<T>): HarnessCase[] {
  const kind: ResourceType = { apiVersion: f.virtual.apiVersion, kind: f.virtual.kind };
  const vkey = keyOfObject(f.virtual);
  const withHarness = async (
    body: (h: SyncHarness) => Promise<void>,
    hostObjects: readonly TypedObject[] = [],
    virtualObjects: readonly TypedObject[] = [f.virtual],
  ): Promise<void> => {
    const h = await startSyncHarness(f.syncer, {
      names: f.names,
      virtualObjects: [...virtualObjects, ...(f.extraVirtual ?? [])],
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
  const created = async (h: SyncHarness): Promise<void> => {
    await h.until('the host copy', () => f.checkHost(hostCopy(h), f.virtual));
    await h.settled();
  };
  const cases: Omit<HarnessCase, 'todo'>[] = [
    {
      id: 'create',
      name: 'create: the virtual object gets its translated host copy',
      run: () => withHarness(async (h) => created(h)),
    },
    {
      id: 'update-to-host',
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
      id: 'labels-from-host',
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
      id: 'annotations',
      name: 'annotations 3-way: a virtual annotation reaches the host copy, a host one comes back, the identity ones do not',
      run: () =>
        withHarness(async (h) => {
          await created(h);
          const current = h.virtual.peek<T & TypedObject>(kind, vkey)!;
          await h.virtual.update({ ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), 'tenant.example.com/note': 'from-tenant' } } });
          await h.until('the virtual annotation on the host', () => assert.equal(hostCopy(h).metadata?.annotations?.['tenant.example.com/note'], 'from-tenant'));
          const copy = hostCopy(h) as T & TypedObject;
          await h.host.update({ ...copy, metadata: { ...copy.metadata, annotations: { ...(copy.metadata.annotations ?? {}), 'host.example.com/audit': 'seen' } } });
          await h.until('the host annotation in the vcluster', () => {
            const annotations = h.virtual.peek<T>(kind, vkey)?.metadata?.annotations ?? {};
            assert.equal(annotations['host.example.com/audit'], 'seen');
            assert.equal(annotations['tenant.example.com/note'], 'from-tenant');
            assert.ok(!Object.keys(annotations).some((k) => k.startsWith('vcluster.loft.sh/object-')), JSON.stringify(annotations));
          });
        }),
    },
    ...(f.fromHost ?? []).map((w) => ({
      id: 'from-host' as const,
      name: `update host → virtual: ${w.name}`,
      run: () =>
        withHarness(async (h) => {
          await created(h);
          await w.write(h.host, hostCopy(h) as T & TypedObject);
          await h.until('the host change in the vcluster', () => {
            const v = h.virtual.peek<T>(kind, vkey);
            assert.ok(v, 'the virtual object exists');
            w.check(v);
          });
        }),
    })),
    {
      id: 'delete-virtual',
      name: 'delete virtual → host: the host copy goes with the virtual object',
      run: () =>
        withHarness(async (h) => {
          await created(h);
          await h.virtual.delete(kind, vkey);
          await h.until('the host copy gone', () => assert.equal(h.host.peek(kind, f.hostKey), undefined));
        }),
    },
    f.hostDeleted === 'virtual-deleted'
      ? {
          id: 'delete-host',
          name: 'delete host (out of band) → the virtual object is deleted (its controller makes a new one), no host copy is recreated',
          run: () =>
            withHarness(async (h) => {
              await created(h);
              await h.host.delete(kind, f.hostKey);
              await h.until('the virtual object gone', () => assert.equal(h.virtual.peek(kind, vkey), undefined));
              assert.equal(h.host.peek(kind, f.hostKey), undefined);
            }),
        }
      : {
          id: 'delete-host',
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
      id: 'orphan',
      name: 'a managed host copy whose virtual object is gone (deleted while the syncer was down) is deleted',
      run: async () => {
        let orphan: TypedObject | undefined;
        await withHarness(async (h) => {
          await created(h);
          orphan = hostCopy(h) as T & TypedObject;
        });
        assert.ok(orphan);
        await withHarness(
          async (h) => {
            await h.until('the orphan gone', () => assert.equal(h.host.peek(kind, f.hostKey), undefined));
            assert.equal(h.virtual.peek(kind, vkey), undefined, 'nothing is made in the vcluster');
          },
          [orphan],
          [],
        );
      },
    },
    {
      id: 'unmanaged',
      name:
        f.warnsOnNameTaken === false
          ? 'an unmanaged host object holding the translated name is never touched'
          : 'an unmanaged host object holding the translated name is never touched; the tenant is told',
      run: async () => {
        const foreign = {
          apiVersion: f.virtual.apiVersion,
          kind: f.virtual.kind,
          metadata: { ...f.hostKey, labels: { app: 'not-ours' } },
        } as TypedObject;
        await withHarness(async (h) => {
          if (f.warnsOnNameTaken === false) {
            await h.until('the create attempt', () =>
              assert.ok(h.host.writes().some((w) => w.name === f.hostKey.name && w.verb === 'create'), JSON.stringify(h.host.writes())),
            );
            // one more round of the controller: a virtual change (an annotation) is reconciled too
            const current = h.virtual.peek<T & TypedObject>(kind, vkey)!;
            await h.virtual.update({ ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), poke: '1' } } });
            await h.until('a second create attempt', () =>
              assert.ok(h.host.writes().filter((w) => w.name === f.hostKey.name && w.verb === 'create').length >= 2, JSON.stringify(h.host.writes())),
            );
          } else {
            await h.until('a Warning event', async () => {
              const events = (await h.virtual.list<Event>(Kinds.Event)).items;
              assert.ok(events.some((e) => e.type === 'Warning' && e.involvedObject.name === vkey.name), JSON.stringify(events));
            });
          }
          const kept = h.host.peek<TypedObject>(kind, f.hostKey);
          assert.deepEqual(kept?.metadata.labels, { app: 'not-ours' });
          assert.ok(!h.host.writes().some((w) => w.name === f.hostKey.name && w.verb !== 'create'), JSON.stringify(h.host.writes()));
        }, [foreign]);
      },
    },
  ];
  return cases.map((c) => {
    const todo = f.todo?.[c.id];
    return todo === undefined ? c : { ...c, todo };
  });
}
