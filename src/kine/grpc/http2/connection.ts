/**
 * The server side of one HTTP/2 connection (cleartext, prior knowledge: RFC 9113 §3.3), with just
 * what gRPC needs: streams opened by the client, header blocks (HEADERS + CONTINUATION, HPACK),
 * DATA both ways under flow control, RST_STREAM, SETTINGS, PING, WINDOW_UPDATE and GOAWAY. No push,
 * no priorities, no upgrade.
 *
 * Why our own and not node:http2: node sends a response's trailers one event-loop turn after its
 * DATA (it defers `sendTrailers` with setImmediate), so every unary answer left in two socket writes
 * and the client woke twice per call. Here everything queued in one loop iteration leaves in one write: a
 * unary answer is one write, and the answers of a group commit share one.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../../lib/logger.js';
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
  PREFACE,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} from './frames.js';
import { HpackDecoder, HpackError, type HeaderList } from './hpack.js';

/** What the application does with a stream's incoming side. */
export interface StreamHandler {
  data(chunk: Buffer): void;
  /** The client half-closed its side. */
  end(): void;
  /** The client reset the stream or the connection is gone; nothing more can be sent. */
  reset(): void;
}

export interface ConnectionOptions {
  readonly log: Logger;
  /** A new request: its header list; returns the handler of its body. */
  readonly onStream: (stream: H2Stream, headers: HeaderList) => StreamHandler;
  /** Largest decoded header list accepted (a bigger one is a connection error). @default 1 MiB */
  readonly maxHeaderListBytes?: number;
  /** Called once when the socket has closed. */
  readonly onClose?: () => void;
}

/** Receive windows we grant: per stream and for the connection. */
const STREAM_WINDOW = 1 << 20;
const CONNECTION_WINDOW = 16 << 20;
/** The largest frame we accept (what we advertise: the protocol default). */
const MAX_RECEIVE_FRAME = DEFAULT_MAX_FRAME;
const EMPTY = Buffer.alloc(0);

class ConnectionError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Queued {
  buf: Buffer;
  readonly taken: (() => void) | undefined;
}

export class H2Stream {
  /** Bytes we may still send on this stream (the peer's window). */
  sendWindow: number;
  /** Bytes received and not yet acknowledged with a WINDOW_UPDATE. */
  recvUnacked = 0;
  localClosed = false;
  remoteClosed = false;
  headersSent = false;
  handler: StreamHandler | undefined;
  readonly queue: Queued[] = [];
  pendingTrailers: Buffer | undefined;

  constructor(
    readonly id: number,
    private readonly conn: H2Connection,
    initialWindow: number,
  ) {
    this.sendWindow = initialWindow;
  }

  get closed(): boolean {
    return this.localClosed;
  }

  /** Response headers (an HPACK block); with `endStream` a trailers-only answer. */
  headers(block: Buffer, endStream = false): void {
    if (this.localClosed) return;
    this.headersSent = true;
    this.conn.sendHeaders(this, block, endStream);
  }

  /** Queues a DATA payload; `taken` runs once flow control has let all of it out. */
  data(buf: Buffer, taken?: () => void): void {
    if (this.localClosed) return;
    this.queue.push({ buf, taken });
    this.conn.pump(this);
  }

  /** Trailing headers ending the stream, sent after every queued DATA byte. */
  trailers(block: Buffer): void {
    if (this.localClosed || this.pendingTrailers !== undefined) return;
    this.pendingTrailers = block;
    this.conn.pump(this);
  }

  /** Abandons the stream with RST_STREAM. */
  reset(code: number = H2Error.CANCEL): void {
    this.conn.resetStream(this, code);
  }
}

export class H2Connection {
  private readonly streams = new Map<number, H2Stream>();
  private readonly blocked = new Set<H2Stream>();
  private readonly hpack = new HpackDecoder();
  private input: Buffer = EMPTY;
  private prefaceSeen = false;
  private out: Buffer[] = [];
  private flushScheduled = false;
  private sendWindow = DEFAULT_WINDOW;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private recvUnacked = 0;
  private lastStreamId = 0;
  private headerBlock: { streamId: number; endStream: boolean; chunks: Buffer[]; size: number } | undefined;
  private goingAway = false;
  /** socket.end() is under way: nothing more may be queued. */
  private ending = false;
  private endScheduled = false;
  private closed = false;
  private readonly maxHeaderListBytes: number;

  constructor(
    private readonly socket: Socket,
    private readonly o: ConnectionOptions,
  ) {
    this.maxHeaderListBytes = o.maxHeaderListBytes ?? 1 << 20;
    if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    this.push(
      settingsFrame([
        [Setting.MAX_CONCURRENT_STREAMS, 0x7fffffff],
        [Setting.INITIAL_WINDOW_SIZE, STREAM_WINDOW],
        [Setting.MAX_HEADER_LIST_SIZE, this.maxHeaderListBytes],
      ]),
    );
    this.push(windowUpdateFrame(0, CONNECTION_WINDOW - DEFAULT_WINDOW));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => o.log.debug({ err }, 'http2 connection error'));
    socket.on('close', () => this.onSocketClose());
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

  /** Sends what flow control allows of the stream's queue, then its trailers once the queue is empty. */
  pump(stream: H2Stream): void {
    while (stream.queue.length > 0) {
      const head = stream.queue[0];
      if (head === undefined) break;
      const allowed = Math.min(this.sendWindow, stream.sendWindow, this.peerMaxFrame);
      if (allowed <= 0 && head.buf.length > 0) {
        // to the back of the line: the next connection WINDOW_UPDATE serves the others first
        this.blocked.delete(stream);
        this.blocked.add(stream);
        return;
      }
      const n = Math.max(0, Math.min(head.buf.length, allowed));
      const hdr = Buffer.allocUnsafe(FRAME_HEADER);
      writeFrameHeader(hdr, 0, n, FrameType.DATA, 0, stream.id);
      this.push(hdr);
      if (n > 0) this.push(head.buf.subarray(0, n));
      this.sendWindow -= n;
      stream.sendWindow -= n;
      if (n === head.buf.length) {
        stream.queue.shift();
        head.taken?.();
      } else {
        head.buf = head.buf.subarray(n);
      }
    }
    this.blocked.delete(stream);
    const trailers = stream.pendingTrailers;
    if (trailers !== undefined && !stream.localClosed) this.sendHeaders(stream, trailers, true);
  }

  resetStream(stream: H2Stream, code: number): void {
    if (!this.streams.has(stream.id)) return;
    this.push(rstStreamFrame(stream.id, code));
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
    if (this.goingAway && this.streams.size === 0) this.endSocket();
  }

  private push(buf: Buffer): void {
    if (this.closed || this.ending) return;
    this.out.push(buf);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // at the end of this loop iteration (check phase): the watch events a commit publishes and
      // the answers its promises resolve (several microtask hops later) leave in one write
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const out = this.out;
    this.out = [];
    if (this.closed || out.length === 0 || this.socket.destroyed) return;
    if (out.length === 1 && out[0] !== undefined) {
      this.socket.write(out[0]);
      return;
    }
    this.socket.write(Buffer.concat(out));
  }

  private endSocket(): void {
    if (this.endScheduled) return;
    this.endScheduled = true;
    setImmediate(() => {
      this.flush();
      this.ending = true;
      // give a slow reader time to take the last bytes, counted from when they are all handed over
      this.socket.once('finish', () => setTimeout(() => this.socket.destroy(), 1000).unref());
      this.socket.end();
    });
  }

  // ---- receiving ----

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const buf = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    let pos = 0;
    try {
      if (!this.prefaceSeen) {
        if (buf.length < PREFACE.length) {
          if (!PREFACE.subarray(0, buf.length).equals(buf)) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'not an HTTP/2 connection preface');
          this.input = buf;
          return;
        }
        if (!buf.subarray(0, PREFACE.length).equals(PREFACE)) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'not an HTTP/2 connection preface');
        this.prefaceSeen = true;
        pos = PREFACE.length;
      }
      while (buf.length - pos >= FRAME_HEADER) {
        const len = ((buf[pos] ?? 0) << 16) | ((buf[pos + 1] ?? 0) << 8) | (buf[pos + 2] ?? 0);
        if (len > MAX_RECEIVE_FRAME) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, `frame of ${String(len)} bytes exceeds ${String(MAX_RECEIVE_FRAME)}`);
        if (buf.length - pos - FRAME_HEADER < len) break;
        const type = buf[pos + 3] ?? 0;
        const flags = buf[pos + 4] ?? 0;
        const streamId = buf.readUInt32BE(pos + 5) & 0x7fffffff;
        const payload = buf.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len);
        pos += FRAME_HEADER + len;
        this.onFrame(type, flags, streamId, payload);
        if (this.closed) return;
      }
    } catch (err) {
      if (err instanceof ConnectionError) this.fail(err.code, err.message);
      else {
        this.o.log.error({ err }, 'http2 connection failed');
        this.fail(H2Error.INTERNAL_ERROR, 'internal error');
      }
      return;
    }
    this.input = pos >= buf.length ? EMPTY : buf.subarray(pos);
  }

  private onFrame(type: number, flags: number, streamId: number, payload: Buffer): void {
    if (this.headerBlock !== undefined && (type !== FrameType.CONTINUATION || streamId !== this.headerBlock.streamId)) {
      throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'expected CONTINUATION');
    }
    switch (type) {
      case FrameType.DATA:
        return this.onDataFrame(flags, streamId, payload);
      case FrameType.HEADERS:
        return this.onHeadersFrame(flags, streamId, payload);
      case FrameType.CONTINUATION:
        return this.onContinuation(flags, streamId, payload);
      case FrameType.RST_STREAM: {
        const s = this.streams.get(streamId);
        if (s === undefined) return;
        s.localClosed = true;
        s.remoteClosed = true;
        this.retire(s);
        s.handler?.reset();
        return;
      }
      case FrameType.SETTINGS:
        return this.onSettings(flags, streamId, payload);
      case FrameType.PING:
        if (payload.length !== 8) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'PING payload must be 8 bytes');
        if ((flags & Flag.ACK) === 0) this.push(frame(FrameType.PING, Flag.ACK, 0, payload));
        return;
      case FrameType.GOAWAY:
        // the client opens no more streams; the ones open finish normally
        return;
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(streamId, payload);
      case FrameType.PUSH_PROMISE:
        throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'a client must not send PUSH_PROMISE');
      default:
        return; // PRIORITY and unknown frame types are ignored
    }
  }

  private onDataFrame(flags: number, streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'DATA on stream 0');
    this.recvUnacked += payload.length;
    if (this.recvUnacked >= CONNECTION_WINDOW / 2) {
      this.push(windowUpdateFrame(0, this.recvUnacked));
      this.recvUnacked = 0;
    }
    const body = unpad(flags, payload);
    const s = this.streams.get(streamId);
    if (s === undefined || s.remoteClosed) {
      if (streamId > this.lastStreamId) throw new ConnectionError(H2Error.PROTOCOL_ERROR, `DATA on idle stream ${String(streamId)}`);
      return; // a stream we already closed: its bytes were counted against the connection window above
    }
    const end = (flags & Flag.END_STREAM) !== 0;
    if (!end) {
      s.recvUnacked += payload.length;
      if (s.recvUnacked >= STREAM_WINDOW / 2) {
        this.push(windowUpdateFrame(streamId, s.recvUnacked));
        s.recvUnacked = 0;
      }
    }
    // the client's side is closed before the handler sees the last bytes, so an answer given
    // synchronously from them needs no RST_STREAM to stop a client that has already stopped
    if (end) s.remoteClosed = true;
    if (body.length > 0) s.handler?.data(body);
    if (end) this.remoteEnd(s);
  }

  private onHeadersFrame(flags: number, streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'HEADERS on stream 0');
    let fragment = unpad(flags, payload);
    if (flags & Flag.PRIORITY) {
      if (fragment.length < 5) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'HEADERS priority block truncated');
      fragment = fragment.subarray(5);
    }
    const endStream = (flags & Flag.END_STREAM) !== 0;
    if (flags & Flag.END_HEADERS) this.onHeaderBlock(streamId, endStream, fragment);
    else this.headerBlock = { streamId, endStream, chunks: [fragment], size: fragment.length };
  }

  private onContinuation(flags: number, streamId: number, payload: Buffer): void {
    const hb = this.headerBlock;
    if (hb === undefined || hb.streamId !== streamId) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'CONTINUATION without HEADERS');
    hb.chunks.push(payload);
    hb.size += payload.length;
    if (hb.size > this.maxHeaderListBytes) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'header block too large');
    if (flags & Flag.END_HEADERS) {
      this.headerBlock = undefined;
      this.onHeaderBlock(streamId, hb.endStream, Buffer.concat(hb.chunks));
    }
  }

  private onHeaderBlock(streamId: number, endStream: boolean, block: Buffer): void {
    let headers: HeaderList;
    try {
      headers = this.hpack.decode(block, this.maxHeaderListBytes);
    } catch (err) {
      if (err instanceof HpackError) throw new ConnectionError(H2Error.COMPRESSION_ERROR, err.message);
      throw err;
    }
    const existing = this.streams.get(streamId);
    if (existing !== undefined) {
      // trailers from the client (gRPC clients send none, but they are legal): they end its side
      if (!endStream) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'second HEADERS without END_STREAM');
      if (existing.remoteClosed) return;
      existing.remoteClosed = true;
      this.remoteEnd(existing);
      return;
    }
    if (streamId % 2 === 1 && streamId <= this.lastStreamId) return; // a stream we have already closed
    if (streamId % 2 === 0) {
      throw new ConnectionError(H2Error.PROTOCOL_ERROR, `HEADERS on stream ${String(streamId)}, which the client cannot open`);
    }
    this.lastStreamId = streamId;
    const s = new H2Stream(streamId, this, this.peerInitialWindow);
    if (this.goingAway) {
      this.push(rstStreamFrame(streamId, H2Error.REFUSED_STREAM));
      return;
    }
    this.streams.set(streamId, s);
    if (endStream) s.remoteClosed = true;
    s.handler = this.o.onStream(s, headers);
    if (endStream) this.remoteEnd(s);
  }

  /**
   * After the client's END_STREAM has been delivered (callers set `remoteClosed` before handing
   * the handler the last bytes, so an answer given from them sees the stream half-closed).
   */
  private remoteEnd(s: H2Stream): void {
    if (s.localClosed) this.retire(s);
    s.handler?.end();
  }

  private onSettings(flags: number, streamId: number, payload: Buffer): void {
    if (streamId !== 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if (flags & Flag.ACK) return;
    if (payload.length % 6 !== 0) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'SETTINGS payload is not a multiple of 6');
    for (let at = 0; at < payload.length; at += 6) {
      const id = payload.readUInt16BE(at);
      const v = payload.readUInt32BE(at + 2);
      if (id === Setting.INITIAL_WINDOW_SIZE) {
        if (v > MAX_WINDOW) throw new ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'INITIAL_WINDOW_SIZE above 2^31-1');
        const delta = v - this.peerInitialWindow;
        this.peerInitialWindow = v;
        for (const s of this.streams.values()) s.sendWindow += delta;
      } else if (id === Setting.MAX_FRAME_SIZE) {
        if (v < DEFAULT_MAX_FRAME || v > 0xffffff) throw new ConnectionError(H2Error.PROTOCOL_ERROR, `MAX_FRAME_SIZE ${String(v)} out of range`);
        this.peerMaxFrame = v;
      }
      // HEADER_TABLE_SIZE: our encoder keeps no table; the others do not concern a server
    }
    this.push(frame(FrameType.SETTINGS, Flag.ACK, 0));
    for (const s of [...this.blocked]) this.pump(s);
  }

  private onWindowUpdate(streamId: number, payload: Buffer): void {
    if (payload.length !== 4) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'WINDOW_UPDATE payload must be 4 bytes');
    const inc = payload.readUInt32BE(0) & 0x7fffffff;
    if (streamId === 0) {
      if (inc === 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
      this.sendWindow += inc;
      for (const s of [...this.blocked]) this.pump(s);
      return;
    }
    const s = this.streams.get(streamId);
    if (s === undefined) return;
    s.sendWindow += inc;
    this.pump(s);
  }

  private fail(code: number, message: string): void {
    this.o.log.debug({ code, message }, 'http2 connection error; sending GOAWAY');
    this.out.push(goawayFrame(this.lastStreamId, code, message));
    this.flush();
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
    const open = [...this.streams.values()];
    this.streams.clear();
    this.blocked.clear();
    for (const s of open) {
      s.localClosed = true;
      s.remoteClosed = true;
      try {
        s.handler?.reset();
      } catch (err) {
        this.o.log.error({ err, stream: s.id }, 'stream reset handler failed');
      }
    }
  }
}

/** The payload of a DATA or HEADERS frame without its padding (PADDED flag: 1 length byte + padding). */
function unpad(flags: number, payload: Buffer): Buffer {
  if ((flags & Flag.PADDED) === 0) return payload;
  const pad = payload[0];
  if (pad === undefined || pad >= payload.length) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'padding longer than the frame');
  return payload.subarray(1, payload.length - pad);
}
