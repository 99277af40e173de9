/**
 * A shared informer: list, then watch from the list's resourceVersion, keeping an indexed cache
 * and telling any number of handlers about adds, updates and deletes. A 410 Gone (expired
 * resourceVersion) relists at once and reports the difference; other failures reconnect after an
 * exponential backoff. The list/watch source, the delay and the backoff are injected, so the logic
 * is unit-tested without a server (client-node's ListWatch does the same with its delayFn).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VClusterError, ErrorCode } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { IndexedCache, type CacheDelta, type IndexFunc } from './cache.js';
import type { KubeClient, ObjectList } from './client.js';
import { isGone, KubeApiError } from './errors.js';
import { keyOf, type KubeObject, type ObjectKey, type ResourceType, type WatchEvent } from './types.js';

/** Where an informer gets its objects: a list, and a watch that continues from it. */
export interface ListWatchSource<T extends KubeObject> {
  list(signal: AbortSignal): Promise<ObjectList<T>>;
  /** Resolves when the stream ends; rejects on failure (a 410 as KubeApiError or an ERROR event). */
  watch(resourceVersion: string, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void>;
}

export interface ListWatchScope {
  /** Only this namespace (omit for all namespaces or cluster-scoped kinds). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** A ListWatchSource over a KubeClient. */
export function listWatchSource<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  scope: ListWatchScope = {},
): ListWatchSource<T> {
  return {
    list: (signal) => client.list<T>(type, { ...scope, signal }),
    watch: (resourceVersion, onEvent, signal) =>
      client.watch<T>(type, { ...scope, resourceVersion }, onEvent, signal),
  };
}

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  /** `obj` is the last state seen (the object from the DELETED event, or the cached one on relist). */
  onDelete?(obj: T): void;
}

export type DelayFunc = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * Applied to every object before it is cached and handed to handlers (client-go's TransformFunc):
 * drops what no reader needs, so the cache holds less. Returns a new object or its input unchanged.
 */
export type ObjectTransform = <T extends KubeObject>(obj: T) => T;

/**
 * Drops `metadata.managedFields` (server-side apply bookkeeping, often a third of an object's JSON):
 * no syncer reads it, and an update sent without it keeps the server's (the API server takes the
 * live managedFields when a request carries none). Does not mutate its input.
 */
export const stripManagedFields: ObjectTransform = (obj) => {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
};

export interface InformerOptions<T extends KubeObject> {
  readonly source: ListWatchSource<T>;
  readonly indexers?: Readonly<Record<string, IndexFunc<T>>>;
  /** @default setTimeout-based, aborted by the signal */
  readonly delay?: DelayFunc;
  /** Delay before reconnect attempt n (0-based). @default 500 ms × 2^n, at most 30 s */
  readonly backoff?: (attempt: number) => number;
  /** A watch that ends sooner than this without events counts as a failure. @default 1000 */
  readonly minWatchMs?: number;
  readonly now?: () => number;
  /**
   * Every `resyncMs`, re-deliver every cached object as an update with old === new (client-go's
   * resync), so level-based controllers revisit everything. @default 0 (off)
   */
  readonly resyncMs?: number;
  /** @default none: objects are cached as the API server sent them */
  readonly transform?: ObjectTransform;
  readonly log?: Logger;
  /** For logs, e.g. `host/Pod`. */
  readonly name?: string;
}

export const defaultBackoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempt, 16));

const defaultDelay: DelayFunc = async (ms, signal) => {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the loop checks the signal
  }
};

/** The watch's ERROR event, thrown out of the stream. */
class WatchErrorEvent extends KubeApiError {}

export class Informer<T extends KubeObject> {
  readonly #cache: IndexedCache<T>;
  readonly #handlers = new Set<InformerHandlers<T>>();
  readonly #source: ListWatchSource<T>;
  readonly #delay: DelayFunc;
  readonly #backoff: (attempt: number) => number;
  readonly #minWatchMs: number;
  readonly #now: () => number;
  readonly #resyncMs: number;
  readonly #log: Logger | undefined;
  readonly #transform: ObjectTransform | undefined;
  #resourceVersion = '';
  #synced = false;
  #started = false;
  #readyResolve!: () => void;
  #readyReject!: (err: Error) => void;
  readonly #ready: Promise<void>;

  constructor(options: InformerOptions<T>) {
    this.#cache = new IndexedCache<T>(options.indexers);
    this.#source = options.source;
    this.#delay = options.delay ?? defaultDelay;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#minWatchMs = options.minWatchMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#resyncMs = options.resyncMs ?? 0;
    this.#transform = options.transform;
    this.#log = options.log?.child({ informer: options.name ?? 'informer' });
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.#ready.catch(() => undefined); // a rejection nobody awaits is not an error
  }

  /** Resolves after the first complete list; rejects if the informer stops before that. */
  ready(): Promise<void> {
    return this.#ready;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The resourceVersion the cache is at. */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  get(key: string | ObjectKey): T | undefined {
    return this.#cache.get(key);
  }

  list(namespace?: string): T[] {
    return this.#cache.list(namespace);
  }

  byIndex(index: string, value: string): T[] {
    return this.#cache.byIndex(index, value);
  }

  keys(): string[] {
    return this.#cache.keys();
  }

  /**
   * Registers handlers; when the cache already holds objects they are replayed as adds (as
   * client-go does for late handlers). Returns the function that unregisters them.
   */
  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    if (this.#synced) for (const obj of this.#cache.list()) this.#call(() => handlers.onAdd?.(obj));
    return () => this.#handlers.delete(handlers);
  }

  /** Runs until `signal` aborts. Call once. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new VClusterError('informer: start called twice', { code: ErrorCode.INTERNAL });
    this.#started = true;
    const resyncing = this.#resyncMs > 0 ? this.#resyncLoop(signal) : Promise.resolve();
    let needList = true;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          const list = await this.#source.list(signal);
          if (signal.aborted) break;
          const transform = this.#transform;
          this.#apply(this.#cache.replace(transform ? list.items.map((obj) => transform(obj)) : list.items));
          this.#resourceVersion = list.resourceVersion;
          needList = false;
          failures = 0;
          if (!this.#synced) {
            this.#synced = true;
            this.#readyResolve();
          }
          this.#log?.debug({ objects: this.#cache.size, resourceVersion: list.resourceVersion }, 'listed');
        }
        const began = this.#now();
        let events = 0;
        await this.#source.watch(
          this.#resourceVersion,
          (event) => {
            events++;
            this.#onEvent(event);
          },
          signal,
        );
        if (events > 0) failures = 0;
        else if (this.#now() - began < this.#minWatchMs && !signal.aborted) {
          await this.#delay(this.#backoff(failures++), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.#log?.debug({ resourceVersion: this.#resourceVersion }, 'resource version expired, relisting');
          needList = true;
          continue;
        }
        const wait = this.#backoff(failures++);
        this.#log?.warn({ err, retryInMs: wait, listing: needList }, 'list/watch failed, retrying');
        await this.#delay(wait, signal);
      }
    }
    if (!this.#synced)
      this.#readyReject(
        new VClusterError('informer stopped before its first list', { code: ErrorCode.UNAVAILABLE }),
      );
    await resyncing;
  }

  async #resyncLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.#delay(this.#resyncMs, signal);
      if (signal.aborted || !this.#synced) continue;
      this.#apply(
        this.#cache.list().map((obj): CacheDelta<T> => ({ type: 'update', old: obj, object: obj })),
      );
    }
  }

  #onEvent(event: WatchEvent<T>): void {
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const obj = this.#transform ? this.#transform(event.object) : event.object;
        const old = this.#cache.upsert(obj);
        this.#bump(obj);
        this.#apply([old ? { type: 'update', old, object: obj } : { type: 'add', object: obj }]);
        return;
      }
      case 'DELETED': {
        const obj = this.#transform ? this.#transform(event.object) : event.object;
        this.#cache.remove(keyOf(obj));
        this.#bump(obj);
        this.#apply([{ type: 'delete', object: obj }]);
        return;
      }
      case 'BOOKMARK':
        this.#bump(event.object);
        return;
      case 'ERROR': {
        const status = event.object;
        throw new WatchErrorEvent(status.code ?? 500, status);
      }
    }
  }

  #bump(obj: KubeObject): void {
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.#resourceVersion = rv;
  }

  #apply(deltas: readonly CacheDelta<T>[]): void {
    for (const delta of deltas) {
      for (const h of this.#handlers) {
        switch (delta.type) {
          case 'add':
            this.#call(() => h.onAdd?.(delta.object));
            break;
          case 'update':
            this.#call(() => h.onUpdate?.(delta.old, delta.object));
            break;
          case 'delete':
            this.#call(() => h.onDelete?.(delta.object));
            break;
        }
      }
    }
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log?.error({ err }, 'informer handler failed');
    }
  }
}

/**
 * Shares one informer per (kind, scope) among controllers; starts them all and waits for them.
 */
export class InformerFactory {
  readonly #informers = new Map<string, Informer<KubeObject>>();
  #signal: AbortSignal | undefined;
  readonly #running: Promise<void>[] = [];

  constructor(
    private readonly client: KubeClient,
    private readonly defaults: Omit<InformerOptions<KubeObject>, 'source' | 'indexers' | 'name'> = {},
  ) {}

  /** The informer for `type` in `scope`, created on first use (and started if the factory runs). */
  informerFor<T extends KubeObject>(
    type: ResourceType,
    scope: ListWatchScope = {},
    indexers: Readonly<Record<string, IndexFunc<T>>> = {},
  ): Informer<T> {
    const key = JSON.stringify([
      type.apiVersion,
      type.kind,
      scope.namespace ?? '',
      scope.labelSelector ?? '',
      scope.fieldSelector ?? '',
    ]);
    let informer = this.#informers.get(key) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>({
        ...this.defaults,
        source: listWatchSource<T>(this.client, type, scope),
        indexers,
        name: `${type.kind}${scope.namespace ? `/${scope.namespace}` : ''}`,
      });
      this.#informers.set(key, informer as unknown as Informer<KubeObject>);
      if (this.#signal) this.#running.push(informer.start(this.#signal));
    }
    return informer;
  }

  /** Starts every informer (and those created later); resolves when `signal` aborts and all stopped. */
  async start(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    for (const informer of this.#informers.values()) this.#running.push(informer.start(signal));
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.allSettled(this.#running);
  }

  /** Resolves when every informer created so far has listed once. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.ready()));
  }
}
