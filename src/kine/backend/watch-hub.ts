/**
 * Live fan-out of committed events to watchers. The backend publishes right after each commit,
 * synchronously, so every watcher sees every event in revision order with no polling.
 */
import { keyInRange } from '../sqlite/key-text.js';
import type { KeyRange, KvEvent } from '../types.js';
import type { WatchStart } from './backend.js';

export interface WatchListener {
  readonly range: KeyRange;
  /** Events in revision order; `revision` is the store revision after them. */
  onEvents(events: readonly KvEvent[], revision: number): void;
}

export class WatchHub {
  private readonly listeners = new Set<WatchListener>();

  add(l: WatchListener): void {
    this.listeners.add(l);
  }

  remove(l: WatchListener): void {
    this.listeners.delete(l);
  }

  /** Adds `l` and returns the started watch, whose cancel removes it. */
  register(l: WatchListener): WatchStart {
    this.add(l);
    return { kind: 'started', registration: { cancel: () => this.remove(l) } };
  }

  size(): number {
    return this.listeners.size;
  }

  publish(events: readonly KvEvent[], revision: number): void {
    if (events.length === 0) return;
    for (const l of this.listeners) {
      let matched: KvEvent[] | undefined;
      for (const e of events) {
        if (keyInRange(e.kv.key, l.range)) (matched ??= []).push(e);
      }
      if (matched !== undefined) l.onEvents(matched, revision);
    }
  }
}
