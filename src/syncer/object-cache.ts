/**
 * The last state the syncer saw or wrote of each object, per side (vCluster's
 * BidirectionalObjectCache, vcluster-behavior.md §2.4). In memory only: after a restart the first
 * sight of an object yields a virtual "old" without labels, which forces one virtual → host label
 * resync, and the host object as its own "old" (no host change assumed).
 */
import { deepCopy, type KubeObject } from './translate/object.js';

export interface OldStates<T> {
  readonly virtualOld: T | undefined;
  readonly hostOld: T | undefined;
}

export class ObjectCache<T extends KubeObject> {
  readonly #virtual = new Map<string, T>();
  readonly #host = new Map<string, T>();

  /** The old states for a reconcile of `key` (the virtual key), given what exists now. */
  oldStates(key: string, virtual: T | undefined, host: T | undefined): OldStates<T> {
    let virtualOld = this.#virtual.get(key);
    let hostOld = this.#host.get(key);
    if (virtualOld === undefined && virtual !== undefined) virtualOld = firstSight(virtual);
    if (hostOld === undefined && host !== undefined) hostOld = deepCopy(host);
    return { virtualOld, hostOld };
  }

  /** Remembers the states after a successful reconcile (undefined forgets that side). */
  remember(key: string, virtual: T | undefined, host: T | undefined): void {
    if (virtual === undefined) this.#virtual.delete(key);
    else this.#virtual.set(key, deepCopy(virtual));
    if (host === undefined) this.#host.delete(key);
    else this.#host.set(key, deepCopy(host));
  }

  forget(key: string): void {
    this.#virtual.delete(key);
    this.#host.delete(key);
  }

  /** Drops entries whose objects exist on neither side any more. */
  prune(exists: (key: string) => boolean): number {
    let dropped = 0;
    for (const key of new Set([...this.#virtual.keys(), ...this.#host.keys()])) {
      if (exists(key)) continue;
      this.forget(key);
      dropped++;
    }
    return dropped;
  }

  get size(): number {
    return new Set([...this.#virtual.keys(), ...this.#host.keys()]).size;
  }
}

/** A virtual object as "seen" before a restart: labels unknown, the oldest resourceVersion. */
function firstSight<T extends KubeObject>(virtual: T): T {
  const old = deepCopy(virtual);
  if (old.metadata !== undefined) {
    delete old.metadata.labels;
    old.metadata.resourceVersion = '1';
  }
  return old;
}
