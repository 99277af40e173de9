/**
 * The informer's store: objects by `namespace/name`, with a namespace index and any number of
 * named secondary indexes (client-go's cache.Indexer). Pure and synchronous.
 */
import { keyOf, type KubeObject, type ObjectKey } from './types.js';

/** The index values of an object (an object may sit under several values, or none). */
export type IndexFunc<T> = (obj: T) => readonly string[];

export type CacheDelta<T> =
  | { readonly type: 'add'; readonly object: T }
  | { readonly type: 'update'; readonly old: T; readonly object: T }
  | { readonly type: 'delete'; readonly object: T };

export const NAMESPACE_INDEX = 'namespace';

export class IndexedCache<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers: ReadonlyMap<string, IndexFunc<T>>;
  /** index name → index value → keys */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    this.#indexers = new Map<string, IndexFunc<T>>([
      [NAMESPACE_INDEX, (obj) => [obj.metadata?.namespace ?? '']],
      ...Object.entries(indexers),
    ]);
    for (const name of this.#indexers.keys()) this.#indices.set(name, new Map());
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string | ObjectKey): T | undefined {
    return this.#items.get(typeof key === 'string' ? key : keyOf(key));
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** Every object, or those of one namespace. */
  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.#items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** Objects whose index `name` yields `value`. Throws for an unknown index. */
  byIndex(name: string, value: string): T[] {
    const index = this.#indices.get(name);
    if (!index) throw new RangeError(`cache: no index ${JSON.stringify(name)}`);
    const out: T[] = [];
    for (const key of index.get(value) ?? []) {
      const item = this.#items.get(key);
      if (item) out.push(item);
    }
    return out;
  }

  /** The values an index knows. */
  indexValues(name: string): string[] {
    return [...(this.#indices.get(name)?.keys() ?? [])];
  }

  /** Adds or replaces; returns the previous object. */
  upsert(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.#items.get(key);
    if (old) this.#unindex(key, old);
    this.#items.set(key, obj);
    this.#index(key, obj);
    return old;
  }

  /** Removes by key or object; returns what was cached. */
  remove(keyOrObj: string | T): T | undefined {
    const key = typeof keyOrObj === 'string' ? keyOrObj : keyOf(keyOrObj);
    const old = this.#items.get(key);
    if (!old) return undefined;
    this.#unindex(key, old);
    this.#items.delete(key);
    return old;
  }

  /**
   * Replaces the whole content (a relist) and returns what changed: adds, deletes, and updates
   * for objects whose resourceVersion differs.
   */
  replace(items: readonly T[]): CacheDelta<T>[] {
    const deltas: CacheDelta<T>[] = [];
    const seen = new Set<string>();
    for (const obj of items) {
      const key = keyOf(obj);
      seen.add(key);
      const old = this.upsert(obj);
      if (!old) deltas.push({ type: 'add', object: obj });
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        deltas.push({ type: 'update', old, object: obj });
    }
    for (const key of [...this.#items.keys()]) {
      if (seen.has(key)) continue;
      const old = this.remove(key);
      if (old) deltas.push({ type: 'delete', object: old });
    }
    return deltas;
  }

  #index(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (!index) continue;
      for (const value of new Set(fn(obj))) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  #unindex(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (!index) continue;
      for (const value of new Set(fn(obj))) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
