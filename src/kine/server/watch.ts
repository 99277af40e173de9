/**
 * etcd Watch service: one WatchSession per gRPC stream. Responses are written in the order they
 * are produced; since the backend publishes synchronously at commit, a watch is always "synced",
 * so progress requests are answered at once with the current revision.
 */
import type { Logger } from '../../lib/logger.js';
import { then, type Backend, type WatchRegistration, type WatchStart } from '../backend/backend.js';
import type { WatchListener } from '../backend/watch-hub.js';
import { Errors } from '../errors.js';
import type { BidiCall, BidiMethod } from '../grpc/grpc-server.js';
import { GrpcCode } from '../grpc/status.js';
import type { KvEvent } from '../types.js';
import { header } from './handlers.js';
import { asObject, boolField, bytesField, encodeEvent, intField, type Wire } from './wire.js';

export interface WatchServiceOptions {
  readonly backend: Backend;
  readonly log: Logger;
  /** Interval of progress notifications for watches with progress_notify (kine: 5 s). */
  readonly progressIntervalMs: number;
  /** Responses larger than this are split when the watch asked for fragments. */
  readonly maxResponseBytes: number;
}

interface ActiveWatch {
  readonly id: number;
  registration: WatchRegistration | undefined;
  readonly progressNotify: boolean;
  readonly prevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly fragment: boolean;
  readonly range: { readonly key: Buffer; readonly end: Buffer };
  sentSinceTick: boolean;
  /** Set while the client is not reading: live events are dropped and re-read from the store from here on drain (etcd's "unsynced" watchers). */
  resumeFrom: number | undefined;
  /** An asynchronous backend is replaying what it missed: live events are dropped (the replay reaches past them). */
  resyncing: boolean;
}

/** Messages buffered on a stream before its watches stop taking live events. */
const HIGH_WATER_MESSAGES = 1024;

const INVALID_WATCH_ID = -1;

export class WatchSession {
  private readonly watches = new Map<number, ActiveWatch>();
  private nextId = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: BidiCall,
    private readonly o: WatchServiceOptions,
  ) {
    if (o.progressIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), o.progressIntervalMs);
      this.timer.unref();
    }
  }

  private write(msg: Wire): void {
    if (!this.closed) this.call.write(msg);
  }

  handle(raw: unknown): void {
    const o = asObject(raw, 'watch request');
    if (o.create_request !== undefined && o.create_request !== null) this.create(asObject(o.create_request, 'watch create request'));
    else if (o.cancel_request !== undefined && o.cancel_request !== null) this.cancel(intField(asObject(o.cancel_request, 'watch cancel request'), 'watch_id'));
    else if (o.progress_request !== undefined && o.progress_request !== null) this.progress();
    // an empty request is ignored, as etcd does
  }

  private create(c: Wire): void {
    const backend = this.o.backend;
    let key = bytesField(c, 'key');
    if (key.length === 0) key = Buffer.from([0]);
    const end = bytesField(c, 'range_end');
    const start = intField(c, 'start_revision');
    const rev = backend.currentRevision();
    if (start < 0) {
      this.write({ header: header(rev), watch_id: INVALID_WATCH_ID, created: true, canceled: true, cancel_reason: Errors.compacted().message });
      return;
    }
    let id = intField(c, 'watch_id');
    if (id !== 0 && this.watches.has(id)) {
      this.write({
        header: header(rev),
        watch_id: INVALID_WATCH_ID,
        created: true,
        canceled: true,
        cancel_reason: 'mvcc: duplicate watch ID provided on the WatchStream',
      });
      return;
    }
    if (id === 0) {
      while (this.watches.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    }
    const filters = Array.isArray(c.filters) ? (c.filters as unknown[]) : [];
    const w: ActiveWatch = {
      id,
      registration: undefined,
      progressNotify: boolField(c, 'progress_notify'),
      prevKv: boolField(c, 'prev_kv'),
      noPut: filters.includes('NOPUT') || filters.includes(0),
      noDelete: filters.includes('NODELETE') || filters.includes(1),
      fragment: boolField(c, 'fragment'),
      range: { key, end },
      sentSinceTick: false,
      resumeFrom: undefined,
      resyncing: false,
    };
    this.watches.set(id, w);
    this.write({ header: header(rev), watch_id: id, created: true });
    const listener: WatchListener = { range: { key, end }, onEvents: (events, revision) => this.send(w, events, revision) };
    const res = backend.watch({ key, end }, start, listener);
    if (res instanceof Promise) {
      res.then(
        (r) => this.started(w, r),
        (err: unknown) => {
          this.o.log.warn({ err, watch: id }, 'watch start failed');
          if (this.watches.get(id) !== w) return;
          this.watches.delete(id);
          this.write({ header: header(this.o.backend.currentRevision()), watch_id: id, canceled: true, cancel_reason: err instanceof Error ? err.message : String(err) });
        },
      );
    } else {
      this.started(w, res);
    }
  }

  private started(w: ActiveWatch, res: WatchStart): void {
    const active = this.watches.get(w.id) === w;
    if (res.kind === 'compacted') {
      if (!active) return;
      this.watches.delete(w.id);
      // etcd sends this from its mvcc layer with a zero header revision
      this.write({ header: header(0), watch_id: w.id, canceled: true, compact_revision: res.compactRevision });
      return;
    }
    // cancelled (or the stream closed) while an asynchronous backend was starting it
    if (!active) res.registration.cancel();
    else w.registration = res.registration;
  }

  private send(w: ActiveWatch, events: readonly KvEvent[], revision: number): void {
    if (w.resumeFrom !== undefined || w.resyncing) return; // will be re-read from the store
    if (this.watches.get(w.id) !== w) return; // cancelled while an asynchronous backend was replaying
    if (this.call.pending > HIGH_WATER_MESSAGES && events[0] !== undefined) {
      w.resumeFrom = events[0].kv.modRevision;
      this.call.onDrained(() => this.resync());
      return;
    }
    this.deliver(w, events, revision);
  }

  /** The client reads again: replay what the lagging watches missed, or cancel them if it was compacted. */
  private resync(): void {
    for (const w of this.watches.values()) {
      const from = w.resumeFrom;
      if (from === undefined) continue;
      w.resumeFrom = undefined;
      const done = then(this.o.backend.replay(w.range, from, (events, revision) => this.deliver(w, events, revision)), (ok) => {
        w.resyncing = false;
        if (ok || this.watches.get(w.id) !== w) return;
        w.registration?.cancel();
        this.watches.delete(w.id);
        this.write({ header: header(0), watch_id: w.id, canceled: true, compact_revision: this.o.backend.compactRevision() });
      });
      if (done instanceof Promise) {
        w.resyncing = true;
        done.catch((err: unknown) => this.o.log.warn({ err, watch: w.id }, 'watch resync failed'));
      }
    }
  }

  private deliver(w: ActiveWatch, events: readonly KvEvent[], revision: number): void {
    const selected = events.filter((e) => !(e.type === 'PUT' ? w.noPut : w.noDelete));
    if (selected.length === 0) return;
    w.sentSinceTick = true;
    const encoded = selected.map((e) => encodeEvent(e, w.prevKv));
    if (!w.fragment) {
      this.write({ header: header(revision), watch_id: w.id, events: encoded });
      return;
    }
    // Fragment by an estimate of the encoded size (etcd splits at --max-request-bytes).
    let batch: Wire[] = [];
    let size = 0;
    const parts: Wire[][] = [];
    for (let i = 0; i < encoded.length; i++) {
      const e = selected[i];
      const n = e === undefined ? 0 : e.kv.key.length * 2 + e.kv.value.length + (w.prevKv ? (e.prevKv?.value.length ?? 0) : 0) + 64;
      if (batch.length > 0 && size + n > this.o.maxResponseBytes) {
        parts.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(encoded[i] as Wire);
      size += n;
    }
    parts.push(batch);
    parts.forEach((p, i) => this.write({ header: header(revision), watch_id: w.id, events: p, fragment: i < parts.length - 1 }));
  }

  private cancel(id: number): void {
    const w = this.watches.get(id);
    if (w === undefined) return;
    w.registration?.cancel();
    this.watches.delete(id);
    this.write({ header: header(this.o.backend.currentRevision()), watch_id: id, canceled: true });
  }

  /** WatchProgressRequest: every event up to the current revision has already been written. */
  private progress(): void {
    // etcd answers only when every watch is synced; the apiserver asks again
    for (const w of this.watches.values()) if (!synced(w)) return;
    this.write({ header: header(this.o.backend.currentRevision()), watch_id: INVALID_WATCH_ID });
  }

  private tick(): void {
    const rev = this.o.backend.currentRevision();
    for (const w of this.watches.values()) {
      if (!w.progressNotify || !synced(w)) continue;
      if (!w.sentSinceTick) this.write({ header: header(rev), watch_id: w.id });
      w.sentSinceTick = false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const w of this.watches.values()) w.registration?.cancel();
    this.watches.clear();
  }
}

/** Every event up to the backend's revision has been written (not lagging, not still replaying). */
function synced(w: ActiveWatch): boolean {
  return w.resumeFrom === undefined && !w.resyncing && w.registration !== undefined;
}

export function watchService(o: WatchServiceOptions, sessions: Set<WatchSession>): BidiMethod {
  return (call) => {
    const session = new WatchSession(call, o);
    sessions.add(session);
    const done = (): void => {
      session.close();
      sessions.delete(session);
    };
    return {
      message: (raw) => {
        try {
          session.handle(raw);
        } catch (err) {
          o.log.debug({ err }, 'bad watch request');
          done();
          call.end({ code: GrpcCode.INVALID_ARGUMENT, details: err instanceof Error ? err.message : String(err) });
        }
      },
      end: () => {
        done();
        call.end();
      },
      close: done,
    };
  };
}
