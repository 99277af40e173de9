/**
 * The server side of one HTTP/2 connection (cleartext with prior knowledge, RFC 9113 §3.3, or
 * inside TLS), with just what gRPC needs: streams opened by the client, header blocks (HEADERS +
 * CONTINUATION, HPACK), DATA both ways under flow control, RST_STREAM, SETTINGS, PING,
 * WINDOW_UPDATE and GOAWAY. No push, no priorities, no upgrade.
 *
 * Why our own and not node:http2: node sends a response's trailers one event-loop turn after its
 * DATA (it defers `sendTrailers` with setImmediate), so every unary answer left in two socket writes
 * and the client woke twice per call. Here everything queued in one loop iteration leaves in one write: a
 * unary answer is one write, and the answers of a group commit share one.
 *
 * Every resource a peer can make us hold is bounded (limits.ts): concurrent streams (REFUSED_STREAM
 * beyond), resets per second (rapid reset: GOAWAY ENHANCE_YOUR_CALM), unwritten PING/SETTINGS
 * acknowledgements, CONTINUATION frames per header block, our receive windows (FLOW_CONTROL_ERROR
 * when overrun), bytes queued for a peer that does not read (we stop producing DATA for it once the
 * socket's buffer is full, and drop it past a byte or time bound), how long a peer may keep a
 * send window shut on queued DATA (the stream is reset; for the connection window, the peer is
 * dropped), and the time to send the preface or to stay idle. A request reset in the same read as
 * its HEADERS is reset before its handler gets any of it.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../../lib/logger.js';
import { Http2ConnectionError, Http2StreamError } from './errors.js';
import { FrameReader, type RawFrame } from './frame-reader.js';
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  Flag,
  FRAME_HEADER,
  FrameType,
  frame,
  goawayFrame,
  H2Error,
  MAX_WINDOW,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} from './frames.js';
import { HpackDecoder, HpackError, type HeaderList } from './hpack.js';
import { DEFAULT_H2_LIMITS, type H2Limits } from './limits.js';
import { checkRequestHeaders, checkTrailers } from './request-headers.js';
import { H2Stream, type StreamHandler, type StreamOwner } from './stream.js';
import { TokenBucket } from '../../../lib/token-bucket.js';

export { H2Stream, type StreamHandler } from './stream.js';

export interface ConnectionOptions {
  readonly log: Logger;
  /** A new request: its header list; returns the handler of its body. */
  readonly onStream: (stream: H2Stream, headers: HeaderList) => StreamHandler;
  /** Bounds on what the peer may make us hold; unset fields take DEFAULT_H2_LIMITS. */
  readonly limits?: Partial<H2Limits>;
  /** Called once when the socket has closed. */
  readonly onClose?: () => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** Bytes queued across all connections of a server, shared by them (see limits.maxServerQueuedBytes). */
  readonly serverQueue?: { queuedBytes: number };
}

/** The largest frame we accept (what we advertise: the protocol default). */
const MAX_RECEIVE_FRAME = DEFAULT_MAX_FRAME;

/** Longest run of frame handling for one connection before other work gets a turn. */
const SLICE_MS = 10;
const EMPTY = Buffer.alloc(0);

/**
 * A handler call owed for a frame already parsed. The calls for the bytes at hand are made once
 * all their frames are parsed, so a request reset in the same read does no work.
 */
type Delivery =
  | { readonly kind: 'open'; readonly s: H2Stream; readonly headers: HeaderList }
  | { readonly kind: 'data'; readonly s: H2Stream; readonly chunk: Buffer }
  | { readonly kind: 'end'; readonly s: H2Stream };

interface HeaderBlock {
  readonly streamId: number;
  readonly endStream: boolean;
  readonly selfDependent: boolean;
  readonly chunks: Buffer[];
  size: number;
  frames: number;
}

export class H2Connection implements StreamOwner {
  private readonly streams = new Map<number, H2Stream>();
  private readonly blocked = new Set<H2Stream>();
  /** Handler calls for frames parsed and not yet delivered, in the order of their frames. */
  private deliveries: Delivery[] = [];
  /** A continuation of onData (parsing or delivering) is scheduled; the socket is paused until it is done. */
  private stepScheduled = false;
  private readonly hpack = new HpackDecoder();
  private readonly reader = new FrameReader(MAX_RECEIVE_FRAME);
  private readonly limits: H2Limits;
  private readonly resets: TokenBucket;
  private readonly now: () => number;
  private readonly serverQueue: { queuedBytes: number };
  private settingsSeen = false;
  private out: Buffer[] = [];
  private outBytes = 0;
  /** PING/SETTINGS acknowledgements in `out`. */
  private pendingControl = 0;
  /** Bytes in stream queues, waiting for flow control or for a paused socket. */
  private queuedBytes = 0;
  private flushScheduled = false;
  /** The socket's buffer is over the high-water mark: no DATA is produced until it drains. */
  private paused = false;
  private sendWindow = DEFAULT_WINDOW;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private recvWindow: number;
  private recvUnacked = 0;
  private lastStreamId = 0;
  private headerBlock: HeaderBlock | undefined;
  private goingAway = false;
  /** socket.end() is under way: nothing more may be queued. */
  private ending = false;
  private endScheduled = false;
  private closed = false;
  private lastActivity: number;
  private prefaceTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  /** Since when queued DATA has waited for the peer to open the connection's send window. */
  private windowBlockedSince: number | undefined;
  private flowTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly o: ConnectionOptions,
  ) {
    this.limits = { ...DEFAULT_H2_LIMITS, ...o.limits };
    this.recvWindow = Math.max(DEFAULT_WINDOW, this.limits.connectionWindowBytes);
    this.now = o.now ?? Date.now;
    this.serverQueue = o.serverQueue ?? { queuedBytes: 0 };
    this.lastActivity = this.now();
    this.resets = new TokenBucket(this.limits.resetsPerSecond, this.limits.resetBurst, { now: this.now });
    if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    this.push(
      settingsFrame([
        [Setting.MAX_CONCURRENT_STREAMS, this.limits.maxConcurrentStreams],
        [Setting.INITIAL_WINDOW_SIZE, this.limits.streamWindowBytes],
        [Setting.MAX_HEADER_LIST_SIZE, this.limits.maxHeaderListBytes],
      ]),
    );
    if (this.recvWindow > DEFAULT_WINDOW) this.push(windowUpdateFrame(0, this.recvWindow - DEFAULT_WINDOW));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => o.log.debug({ err }, 'http2 connection error'));
    socket.on('close', () => this.onSocketClose());
    if (this.limits.prefaceTimeoutMs > 0) {
      this.prefaceTimer = setTimeout(() => this.drop('no connection preface in time'), this.limits.prefaceTimeoutMs);
      this.prefaceTimer.unref();
    }
    this.armIdle(this.limits.idleTimeoutMs);
  }

  /** Open streams (for graceful shutdown). */
  get activeStreams(): number {
    return this.streams.size;
  }

  /** Refuses new streams from now on (GOAWAY NO_ERROR); closes the socket once open streams finish. */
  goAway(): void {
    if (this.goingAway || this.closed) return;
    this.goingAway = true;
    this.push(goawayFrame(this.lastStreamId, H2Error.NO_ERROR));
    if (this.streams.size === 0) this.endSocket();
  }

  destroy(): void {
    this.socket.destroy();
  }

  // ---- sending ----

  sendHeaders(stream: H2Stream, block: Buffer, endStream: boolean): void {
    const max = this.peerMaxFrame;
    let first = true;
    for (let at = 0; first || at < block.length; at += max) {
      const part = block.subarray(at, at + max);
      const last = at + max >= block.length;
      const type = first ? FrameType.HEADERS : FrameType.CONTINUATION;
      const flags = (last ? Flag.END_HEADERS : 0) | (first && endStream ? Flag.END_STREAM : 0);
      this.push(frame(type, flags, stream.id, part));
      first = false;
    }
    if (endStream) this.closeLocal(stream);
  }

  /** Sends what flow control allows of the stream's queue, then its end once the queue is empty. */
  pump(stream: H2Stream): void {
    if (stream.localClosed) return;
    if (this.paused) {
      // the peer is not reading: produce nothing more for it until the socket drains
      if (stream.queue.length > 0 || stream.pendingTrailers !== undefined || stream.pendingEnd) this.blocked.add(stream);
      return;
    }
    while (stream.queue.length > 0) {
      const head = stream.queue[0];
      if (head === undefined) break;
      if (this.outBytes + this.socket.writableLength >= this.limits.writeHighWaterBytes) {
        // enough for this write: the rest after the flush, if the socket takes it
        this.blocked.add(stream);
        return;
      }
      const allowed = Math.min(this.sendWindow, stream.sendWindow, this.peerMaxFrame);
      if (allowed <= 0 && head.buf.length > 0) {
        // to the back of the line: the next connection WINDOW_UPDATE serves the others first
        this.blocked.delete(stream);
        this.blocked.add(stream);
        this.windowShut(stream);
        return;
      }
      const n = Math.max(0, Math.min(head.buf.length, allowed));
      const hdr = Buffer.allocUnsafe(FRAME_HEADER);
      writeFrameHeader(hdr, 0, n, FrameType.DATA, 0, stream.id);
      this.push(hdr);
      if (n > 0) this.push(head.buf.subarray(0, n));
      this.sendWindow -= n;
      stream.sendWindow -= n;
      if (n > 0) stream.windowBlockedSince = undefined;
      this.queuedBytes -= n;
      this.serverQueue.queuedBytes -= n;
      if (n === head.buf.length) {
        stream.queue.shift();
        head.taken?.();
      } else {
        head.buf = head.buf.subarray(n);
      }
      if (this.paused) {
        this.blocked.add(stream);
        return;
      }
    }
    this.blocked.delete(stream);
    if (stream.localClosed) return;
    const trailers = stream.pendingTrailers;
    if (trailers !== undefined) this.sendHeaders(stream, trailers, true);
    else if (stream.pendingEnd) {
      this.push(frame(FrameType.DATA, Flag.END_STREAM, stream.id));
      this.closeLocal(stream);
    }
  }

  queued(bytes: number): void {
    this.queuedBytes += bytes;
    this.serverQueue.queuedBytes += bytes;
    if (bytes > 0 && this.paused) this.checkQueuedWhilePaused();
  }

  resetStream(stream: H2Stream, code: number): void {
    if (!this.streams.has(stream.id)) return;
    this.push(rstStreamFrame(stream.id, code));
    stream.aborted = true;
    stream.localClosed = true;
    stream.remoteClosed = true;
    this.retire(stream);
  }

  private closeLocal(stream: H2Stream): void {
    stream.localClosed = true;
    if (!stream.remoteClosed) {
      // the answer is complete while the client could still send: tell it to stop (as Go's server does)
      this.push(rstStreamFrame(stream.id, H2Error.NO_ERROR));
      stream.remoteClosed = true;
    }
    this.retire(stream);
  }

  private retire(stream: H2Stream): void {
    this.streams.delete(stream.id);
    this.blocked.delete(stream);
    for (const q of stream.queue) this.queued(-q.buf.length);
    stream.queue.length = 0;
    if (this.goingAway && this.streams.size === 0) this.endSocket();
  }

  private push(buf: Buffer): void {
    if (this.closed || this.ending) return;
    this.out.push(buf);
    this.outBytes += buf.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // at the end of this loop iteration (check phase): the watch events a commit publishes and
      // the answers its promises resolve (several microtask hops later) leave in one write
      setImmediate(() => this.flush());
    }
  }

  /** A PING or SETTINGS acknowledgement; too many unwritten ones is a flood. */
  private pushControl(buf: Buffer): void {
    this.push(buf);
    if (++this.pendingControl > this.limits.maxPendingControlFrames) {
      throw new Http2ConnectionError(H2Error.ENHANCE_YOUR_CALM, 'too many PING/SETTINGS frames waiting to be acknowledged');
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.paused || this.out.length === 0 || this.socket.destroyed) return;
    const out = this.out;
    this.out = [];
    this.outBytes = 0;
    this.pendingControl = 0;
    this.socket.write(out.length === 1 && out[0] !== undefined ? out[0] : Buffer.concat(out));
    if (this.socket.writableLength >= this.limits.writeHighWaterBytes) this.pause();
    else if (this.blocked.size > 0) for (const s of [...this.blocked]) this.pump(s);
  }

  /** The peer is not taking our bytes: stop producing DATA until the socket drains, drop it if that takes too long. */
  private pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.socket.once('drain', () => this.resume());
    this.stallTimer = setTimeout(() => this.drop('peer not reading (slow reader timeout)'), this.limits.slowReaderTimeoutMs);
    this.stallTimer.unref();
    this.checkQueuedWhilePaused();
  }

  private resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.flush();
    for (const s of [...this.blocked]) {
      if (this.paused) break;
      this.pump(s);
    }
  }

  private checkQueuedWhilePaused(): void {
    const total = this.queuedBytes + this.outBytes + this.socket.writableLength;
    if (total > this.limits.maxQueuedBytes) this.drop(`peer not reading with ${String(total)} bytes queued`);
    else if (this.serverQueue.queuedBytes > this.limits.maxServerQueuedBytes) this.drop(`peer not reading while the server has ${String(this.serverQueue.queuedBytes)} bytes queued`);
  }

  /** Queued DATA waits for a WINDOW_UPDATE: start the clock of each window that is shut. */
  private windowShut(stream: H2Stream): void {
    const now = this.now();
    stream.windowBlockedSince = stream.sendWindow <= 0 ? (stream.windowBlockedSince ?? now) : undefined;
    if (this.sendWindow <= 0) this.windowBlockedSince ??= now;
    if (this.flowTimer === undefined && this.limits.flowControlStallMs > 0) this.armFlowTimer(this.limits.flowControlStallMs);
  }

  private armFlowTimer(ms: number): void {
    this.flowTimer = setTimeout(() => {
      this.flowTimer = undefined;
      try {
        this.checkWindowStalls();
      } catch (err) {
        // a stream's reset handler threw: as in onData, the connection cannot go on
        this.o.log.error({ err }, 'http2 connection failed');
        this.fail(H2Error.INTERNAL_ERROR, 'internal error');
      }
    }, Math.max(ms, 1));
    this.flowTimer.unref();
  }

  /**
   * A peer may keep a window shut (RFC 9113 §6.9), but not hold our queued answers forever: a
   * stream whose window stays shut past the limit is reset with CANCEL (we give up on it; the peer
   * broke no rule, so not FLOW_CONTROL_ERROR) and its queue freed; if the connection's window is
   * the one shut, every stream waits on it and the peer is dropped (GOAWAY ENHANCE_YOUR_CALM, §10.5).
   */
  private checkWindowStalls(): void {
    if (this.closed) return;
    const limit = this.limits.flowControlStallMs;
    const now = this.now();
    const waiting = [...this.blocked].filter((s) => s.queue.some((q) => q.buf.length > 0));
    if (this.sendWindow > 0 || waiting.length === 0) this.windowBlockedSince = undefined;
    else if (this.windowBlockedSince !== undefined && now - this.windowBlockedSince >= limit) {
      this.fail(H2Error.ENHANCE_YOUR_CALM, 'connection flow-control window held shut');
      return;
    }
    let next = this.windowBlockedSince;
    for (const s of waiting) {
      const since = s.windowBlockedSince;
      if (since === undefined || s.sendWindow > 0) continue;
      if (now - since >= limit) {
        this.o.log.debug({ stream: s.id, waitedMs: now - since }, 'http2 stream window held shut; sending RST_STREAM');
        this.push(rstStreamFrame(s.id, H2Error.CANCEL));
        this.abandon(s);
      } else if (next === undefined || since < next) next = since;
    }
    if (next !== undefined) this.armFlowTimer(next + limit - now);
  }

  /** Closes at once, without a word: for peers that do not read or never speak. */
  private drop(reason: string): void {
    if (this.closed) return;
    this.o.log.warn({ reason, streams: this.streams.size }, 'http2 connection dropped');
    this.closed = true;
    this.socket.destroy();
    this.resetAll();
  }

  private endSocket(): void {
    if (this.endScheduled) return;
    this.endScheduled = true;
    setImmediate(() => {
      this.flush();
      this.ending = true;
      // give a slow reader time to take the last bytes, counted from when they are all handed over
      this.socket.once('finish', () => setTimeout(() => this.socket.destroy(), 1000).unref());
      setTimeout(() => this.socket.destroy(), this.limits.slowReaderTimeoutMs).unref();
      this.socket.end();
    });
  }

  private armIdle(ms: number): void {
    if (this.limits.idleTimeoutMs <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      const quiet = this.now() - this.lastActivity;
      if (this.streams.size > 0 || quiet < this.limits.idleTimeoutMs) {
        this.armIdle(this.streams.size > 0 ? this.limits.idleTimeoutMs : this.limits.idleTimeoutMs - quiet);
        return;
      }
      this.o.log.debug({ quietMs: quiet }, 'http2 connection idle; sending GOAWAY');
      this.goAway();
    }, Math.max(ms, 1));
    this.idleTimer.unref();
  }

  // ---- receiving ----

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = this.now();
    // one connection gets a slice of the event loop at a time: a burst of expensive requests from
    // one peer must not starve the others
    const until = performance.now() + SLICE_MS;
    let yielded = false;
    try {
      this.reader.push(chunk, (f) => {
        this.onFrameOrStreamError(f);
        if (this.closed) return false;
        if (performance.now() < until) return true;
        yielded = true;
        return false;
      });
      // handlers run only once every frame at hand is parsed: a request whose RST_STREAM came in
      // the same read is reset before it can start any work
      if ((yielded && this.reader.buffered > 0) || !this.deliver(until)) this.continueLater();
    } catch (err) {
      if (err instanceof Http2ConnectionError) this.fail(err.h2Code, err.message);
      else {
        this.o.log.error({ err }, 'http2 connection failed');
        this.fail(H2Error.INTERNAL_ERROR, 'internal error');
      }
    }
  }

  /** The rest of onData's work in a later turn of the loop; the peer's bytes wait in the socket meanwhile. */
  private continueLater(): void {
    if (this.stepScheduled) return;
    this.stepScheduled = true;
    this.socket.pause();
    setImmediate(() => {
      this.stepScheduled = false;
      if (this.closed) return;
      this.socket.resume();
      this.onData(EMPTY);
    });
  }

  /** Makes the owed handler calls in order, at least one, until the slice is over; true once none is left. */
  private deliver(until: number): boolean {
    const q = this.deliveries;
    let i = 0;
    try {
      while (i < q.length && !this.closed) {
        const d = q[i++];
        if (d !== undefined) this.deliverOne(d);
        if (performance.now() >= until) break;
      }
    } finally {
      q.splice(0, i);
    }
    return this.closed || this.deliveries.length === 0;
  }

  private deliverOne(d: Delivery): void {
    const s = d.s;
    if (d.kind === 'open') {
      s.handler = this.o.onStream(s, d.headers);
      // reset before its turn (RST_STREAM in the same read, or a stream error): that is all it learns
      if (s.aborted) s.handler.reset();
    } else if (!s.aborted) {
      if (d.kind === 'data') s.handler?.data(d.chunk);
      else s.handler?.end();
    }
  }

  private onFrameOrStreamError(f: RawFrame): void {
    try {
      this.onFrame(f);
    } catch (err) {
      if (!(err instanceof Http2StreamError)) throw err;
      this.o.log.debug({ stream: err.streamId, code: err.h2Code, message: err.message }, 'http2 stream error; sending RST_STREAM');
      this.push(rstStreamFrame(err.streamId, err.h2Code));
      const s = this.streams.get(err.streamId);
      if (s !== undefined) this.abandon(s);
      this.chargeReset();
    }
  }

  /** The stream is gone for both sides (a reset either way): retire it and tell its handler. */
  private abandon(s: H2Stream): void {
    s.aborted = true;
    s.localClosed = true;
    s.remoteClosed = true;
    this.retire(s);
    s.handler?.reset();
  }

  /** A stream the peer reset, or one we had to refuse or reset because of it: rapid-reset defence. */
  private chargeReset(): void {
    if (!this.resets.tryTake()) throw new Http2ConnectionError(H2Error.ENHANCE_YOUR_CALM, 'too many stream resets');
  }

  private onFrame(f: RawFrame): void {
    if (!this.settingsSeen) {
      if (f.type !== FrameType.SETTINGS || (f.flags & Flag.ACK) !== 0) {
        throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'the client preface must be followed by SETTINGS');
      }
      this.settingsSeen = true;
      clearTimeout(this.prefaceTimer);
    }
    if (this.headerBlock !== undefined && (f.type !== FrameType.CONTINUATION || f.streamId !== this.headerBlock.streamId)) {
      throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'expected CONTINUATION');
    }
    switch (f.type) {
      case FrameType.DATA:
        return this.onDataFrame(f);
      case FrameType.HEADERS:
        return this.onHeadersFrame(f);
      case FrameType.CONTINUATION:
        return this.onContinuation(f);
      case FrameType.PRIORITY:
        return this.onPriority(f);
      case FrameType.RST_STREAM:
        return this.onRstStream(f);
      case FrameType.SETTINGS:
        return this.onSettings(f);
      case FrameType.PING:
        if (f.streamId !== 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'PING on a stream');
        if (f.length !== 8) throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, 'PING payload must be 8 bytes');
        if ((f.flags & Flag.ACK) === 0) this.pushControl(frame(FrameType.PING, Flag.ACK, 0, f.payload));
        return;
      case FrameType.GOAWAY:
        if (f.streamId !== 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'GOAWAY on a stream');
        // the client opens no more streams; the ones open finish normally
        return;
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(f);
      case FrameType.PUSH_PROMISE:
        throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'a client must not send PUSH_PROMISE');
      default:
        return; // unknown frame types are ignored
    }
  }

  private onDataFrame(f: RawFrame): void {
    const id = f.streamId;
    if (id === 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'DATA on stream 0');
    // the whole frame (padding included) counts against the connection window, whatever the stream's state
    if (f.length > this.recvWindow) throw new Http2ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'DATA beyond the connection window');
    this.recvWindow -= f.length;
    this.recvUnacked += f.length;
    if (this.recvUnacked >= this.limits.connectionWindowBytes / 2) {
      this.push(windowUpdateFrame(0, this.recvUnacked));
      this.recvWindow += this.recvUnacked;
      this.recvUnacked = 0;
    }
    const body = unpad(f.flags, f.payload);
    const s = this.streams.get(id);
    if (s === undefined) {
      if (id > this.lastStreamId) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, `DATA on idle stream ${String(id)}`);
      throw new Http2StreamError(id, H2Error.STREAM_CLOSED, 'DATA on a closed stream');
    }
    if (s.remoteClosed) throw new Http2StreamError(id, H2Error.STREAM_CLOSED, 'DATA after END_STREAM');
    if (f.length > s.recvWindow) throw new Http2StreamError(id, H2Error.FLOW_CONTROL_ERROR, 'DATA beyond the stream window');
    s.recvWindow -= f.length;
    const end = (f.flags & Flag.END_STREAM) !== 0;
    if (f.length === 0 && !end) this.chargeReset(); // empty DATA frames cost us work and the peer nothing
    s.received += body.length;
    const expected = s.expectedLength;
    if (expected !== undefined && (s.received > expected || (end && s.received !== expected))) {
      throw new Http2StreamError(id, H2Error.PROTOCOL_ERROR, 'body length differs from content-length');
    }
    if (!end) {
      s.recvUnacked += f.length;
      if (s.recvUnacked >= this.limits.streamWindowBytes / 2) {
        this.push(windowUpdateFrame(id, s.recvUnacked));
        s.recvWindow += s.recvUnacked;
        s.recvUnacked = 0;
      }
    }
    // the client's side is closed before the handler sees the last bytes, so an answer given
    // synchronously from them needs no RST_STREAM to stop a client that has already stopped
    if (end) s.remoteClosed = true;
    if (body.length > 0) this.deliveries.push({ kind: 'data', s, chunk: body });
    if (end) this.remoteEnd(s);
  }

  private onHeadersFrame(f: RawFrame): void {
    const id = f.streamId;
    if (id === 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'HEADERS on stream 0');
    let fragment = unpad(f.flags, f.payload);
    let selfDependent = false;
    if (f.flags & Flag.PRIORITY) {
      if (fragment.length < 5) throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, 'HEADERS priority block truncated');
      selfDependent = (fragment.readUInt32BE(0) & 0x7fffffff) === id;
      fragment = fragment.subarray(5);
    }
    const endStream = (f.flags & Flag.END_STREAM) !== 0;
    if (f.flags & Flag.END_HEADERS) this.onHeaderBlock(id, endStream, selfDependent, fragment);
    else this.headerBlock = { streamId: id, endStream, selfDependent, chunks: [fragment], size: fragment.length, frames: 1 };
  }

  private onContinuation(f: RawFrame): void {
    const hb = this.headerBlock;
    if (hb === undefined || hb.streamId !== f.streamId) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'CONTINUATION without HEADERS');
    hb.chunks.push(f.payload);
    hb.size += f.length;
    if (hb.size > this.limits.maxHeaderListBytes) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'header block too large');
    if (++hb.frames > this.limits.maxContinuationFrames) {
      throw new Http2ConnectionError(H2Error.ENHANCE_YOUR_CALM, 'too many CONTINUATION frames');
    }
    if (f.flags & Flag.END_HEADERS) {
      this.headerBlock = undefined;
      this.onHeaderBlock(hb.streamId, hb.endStream, hb.selfDependent, Buffer.concat(hb.chunks));
    }
  }

  private onHeaderBlock(id: number, endStream: boolean, selfDependent: boolean, block: Buffer): void {
    let headers: HeaderList;
    try {
      // always decoded, even for a stream we refuse: the HPACK table must stay in step with the peer's
      headers = this.hpack.decode(block, this.limits.maxHeaderListBytes);
    } catch (err) {
      if (err instanceof HpackError) throw new Http2ConnectionError(H2Error.COMPRESSION_ERROR, err.message);
      throw err;
    }
    const existing = this.streams.get(id);
    if (existing !== undefined) return this.onTrailers(existing, endStream, headers);
    if (id % 2 === 0) {
      throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, `HEADERS on stream ${String(id)}, which the client cannot open`);
    }
    if (id <= this.lastStreamId) throw new Http2ConnectionError(H2Error.STREAM_CLOSED, `HEADERS on closed stream ${String(id)}`);
    this.lastStreamId = id;
    if (selfDependent) throw new Http2StreamError(id, H2Error.PROTOCOL_ERROR, 'stream depends on itself');
    if (this.goingAway) throw new Http2StreamError(id, H2Error.REFUSED_STREAM, 'going away');
    if (this.streams.size >= this.limits.maxConcurrentStreams) {
      throw new Http2StreamError(id, H2Error.REFUSED_STREAM, 'too many concurrent streams');
    }
    if (this.paused) throw new Http2StreamError(id, H2Error.REFUSED_STREAM, 'the client is not reading our answers');
    if (this.queuedBytes > this.limits.maxQueuedBytes || (this.queuedBytes > 0 && this.serverQueue.queuedBytes > this.limits.maxServerQueuedBytes)) {
      throw new Http2StreamError(id, H2Error.REFUSED_STREAM, 'too many bytes queued for this connection');
    }
    const check = checkRequestHeaders(headers);
    if (!check.ok) throw new Http2StreamError(id, H2Error.PROTOCOL_ERROR, `malformed request: ${check.reason}`);
    if (endStream && check.contentLength !== undefined && check.contentLength !== 0) {
      throw new Http2StreamError(id, H2Error.PROTOCOL_ERROR, 'body length differs from content-length');
    }
    const s = new H2Stream(id, this, this.peerInitialWindow, this.limits.streamWindowBytes);
    s.expectedLength = check.contentLength;
    this.streams.set(id, s);
    if (endStream) s.remoteClosed = true;
    this.deliveries.push({ kind: 'open', s, headers });
    if (endStream) this.remoteEnd(s);
  }

  /** A second header block on an open stream: trailers, which must end the client's side. */
  private onTrailers(s: H2Stream, endStream: boolean, headers: HeaderList): void {
    if (s.remoteClosed) throw new Http2StreamError(s.id, H2Error.STREAM_CLOSED, 'HEADERS after END_STREAM');
    if (!endStream) throw new Http2StreamError(s.id, H2Error.PROTOCOL_ERROR, 'second HEADERS without END_STREAM');
    const bad = checkTrailers(headers);
    if (bad !== undefined) throw new Http2StreamError(s.id, H2Error.PROTOCOL_ERROR, `malformed trailers: ${bad}`);
    if (s.expectedLength !== undefined && s.received !== s.expectedLength) {
      throw new Http2StreamError(s.id, H2Error.PROTOCOL_ERROR, 'body length differs from content-length');
    }
    s.remoteClosed = true;
    this.remoteEnd(s);
  }

  /**
   * After the client's END_STREAM has been parsed: the handler's end() is owed after its last bytes
   * (callers set `remoteClosed` before, so an answer given from those bytes sees the stream half-closed).
   */
  private remoteEnd(s: H2Stream): void {
    if (s.localClosed) this.retire(s);
    this.deliveries.push({ kind: 'end', s });
  }

  private onPriority(f: RawFrame): void {
    if (f.streamId === 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'PRIORITY on stream 0');
    if (f.length !== 5) throw new Http2StreamError(f.streamId, H2Error.FRAME_SIZE_ERROR, 'PRIORITY payload must be 5 bytes');
    if ((f.payload.readUInt32BE(0) & 0x7fffffff) === f.streamId) {
      throw new Http2StreamError(f.streamId, H2Error.PROTOCOL_ERROR, 'stream depends on itself');
    }
  }

  private onRstStream(f: RawFrame): void {
    if (f.streamId === 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
    if (f.length !== 4) throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, 'RST_STREAM payload must be 4 bytes');
    if (f.streamId > this.lastStreamId) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'RST_STREAM on an idle stream');
    const s = this.streams.get(f.streamId);
    if (s === undefined) return;
    this.abandon(s);
    this.chargeReset();
  }

  private onSettings(f: RawFrame): void {
    if (f.streamId !== 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if (f.flags & Flag.ACK) {
      if (f.length !== 0) throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
      return;
    }
    if (f.length % 6 !== 0) throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, 'SETTINGS payload is not a multiple of 6');
    const p = f.payload;
    for (let at = 0; at < p.length; at += 6) {
      const id = p.readUInt16BE(at);
      const v = p.readUInt32BE(at + 2);
      if (id === Setting.ENABLE_PUSH) {
        if (v > 1) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'ENABLE_PUSH other than 0 or 1');
      } else if (id === Setting.INITIAL_WINDOW_SIZE) {
        if (v > MAX_WINDOW) throw new Http2ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'INITIAL_WINDOW_SIZE above 2^31-1');
        const delta = v - this.peerInitialWindow;
        this.peerInitialWindow = v;
        for (const s of this.streams.values()) {
          s.sendWindow += delta;
          if (s.sendWindow > MAX_WINDOW) throw new Http2ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'stream window above 2^31-1');
        }
      } else if (id === Setting.MAX_FRAME_SIZE) {
        if (v < DEFAULT_MAX_FRAME || v > 0xffffff) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, `MAX_FRAME_SIZE ${String(v)} out of range`);
        this.peerMaxFrame = v;
      }
      // HEADER_TABLE_SIZE: our encoder keeps no table; the others do not concern a server
    }
    this.pushControl(frame(FrameType.SETTINGS, Flag.ACK, 0));
    for (const s of [...this.blocked]) this.pump(s);
  }

  private onWindowUpdate(f: RawFrame): void {
    if (f.length !== 4) throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, 'WINDOW_UPDATE payload must be 4 bytes');
    const inc = f.payload.readUInt32BE(0) & 0x7fffffff;
    if (f.streamId === 0) {
      if (inc === 0) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
      if (this.sendWindow + inc > MAX_WINDOW) throw new Http2ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'connection window above 2^31-1');
      this.sendWindow += inc;
      if (this.sendWindow > 0) this.windowBlockedSince = undefined;
      for (const s of [...this.blocked]) this.pump(s);
      return;
    }
    if (f.streamId > this.lastStreamId) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'WINDOW_UPDATE on an idle stream');
    const s = this.streams.get(f.streamId);
    if (s === undefined) return; // a closed stream: may still be in flight
    if (inc === 0) throw new Http2StreamError(s.id, H2Error.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
    if (s.sendWindow + inc > MAX_WINDOW) throw new Http2StreamError(s.id, H2Error.FLOW_CONTROL_ERROR, 'stream window above 2^31-1');
    s.sendWindow += inc;
    this.pump(s);
  }

  private fail(code: number, message: string): void {
    if (this.closed) return;
    this.o.log.debug({ code, message }, 'http2 connection error; sending GOAWAY');
    if (!this.socket.destroyed && !this.ending) {
      this.out.push(goawayFrame(this.lastStreamId, code, message));
      this.paused = false; // the GOAWAY goes out even to a peer that reads slowly
      this.flush();
    }
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.resetAll();
  }

  private onSocketClose(): void {
    this.closed = true;
    this.resetAll();
    this.o.onClose?.();
  }

  private resetAll(): void {
    clearTimeout(this.prefaceTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.stallTimer);
    clearTimeout(this.flowTimer);
    this.out = [];
    this.outBytes = 0;
    this.deliveries = [];
    const open = [...this.streams.values()];
    this.streams.clear();
    this.blocked.clear();
    for (const s of open) {
      s.aborted = true;
      s.localClosed = true;
      s.remoteClosed = true;
      s.queue.length = 0;
      try {
        s.handler?.reset();
      } catch (err) {
        this.o.log.error({ err, stream: s.id }, 'stream reset handler failed');
      }
    }
    this.serverQueue.queuedBytes -= this.queuedBytes;
    this.queuedBytes = 0;
  }
}

/** The payload of a DATA or HEADERS frame without its padding (PADDED flag: 1 length byte + padding). */
function unpad(flags: number, payload: Buffer): Buffer {
  if ((flags & Flag.PADDED) === 0) return payload;
  const pad = payload[0];
  if (pad === undefined || pad >= payload.length) throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'padding longer than the frame');
  return payload.subarray(1, payload.length - pad);
}
