/** One HTTP/2 stream as the application sees it: send headers, DATA and trailers; learn of resets. */
import { H2Error } from './frames.js';

/** What the application does with a stream's incoming side. */
export interface StreamHandler {
  data(chunk: Buffer): void;
  /** The client half-closed its side. */
  end(): void;
  /** The client reset the stream or the connection is gone; nothing more can be sent. */
  reset(): void;
}

/** The connection operations a stream calls. */
export interface StreamOwner {
  sendHeaders(stream: H2Stream, block: Buffer, endStream: boolean): void;
  /** Sends what flow control allows of the stream's queue. */
  pump(stream: H2Stream): void;
  resetStream(stream: H2Stream, code: number): void;
  /** Bytes were added to (positive) or taken from (negative) a stream's queue. */
  queued(bytes: number): void;
}

export interface Queued {
  buf: Buffer;
  readonly taken: (() => void) | undefined;
}

export class H2Stream {
  /** Bytes we may still send on this stream (the peer's window; may go negative, RFC 9113 §6.9.2). */
  sendWindow: number;
  /** Bytes the peer may still send on this stream (our window). */
  recvWindow: number;
  /** Bytes received and not yet acknowledged with a WINDOW_UPDATE. */
  recvUnacked = 0;
  /** Request body bytes received, and the content-length the request declared. */
  received = 0;
  expectedLength: number | undefined;
  localClosed = false;
  remoteClosed = false;
  headersSent = false;
  handler: StreamHandler | undefined;
  readonly queue: Queued[] = [];
  pendingTrailers: Buffer | undefined;
  /** End the stream with an empty DATA frame once the queue is empty. */
  pendingEnd = false;
  /** Reset (by either side, or with the connection): its handler is given nothing more. */
  aborted = false;
  /** Since when queued DATA has waited for the peer to open this stream's send window (the connection's clock). */
  windowBlockedSince: number | undefined;

  constructor(
    readonly id: number,
    private readonly owner: StreamOwner,
    initialSendWindow: number,
    initialRecvWindow: number,
  ) {
    this.sendWindow = initialSendWindow;
    this.recvWindow = initialRecvWindow;
  }

  get closed(): boolean {
    return this.localClosed;
  }

  /** Response headers (an HPACK block); with `endStream` a trailers-only answer. */
  headers(block: Buffer, endStream = false): void {
    if (this.localClosed) return;
    this.headersSent = true;
    this.owner.sendHeaders(this, block, endStream);
  }

  /** Queues a DATA payload; `taken` runs once flow control has let all of it out. */
  data(buf: Buffer, taken?: () => void): void {
    if (this.localClosed || this.pendingEnd || this.pendingTrailers !== undefined) return;
    this.queue.push({ buf, taken });
    this.owner.queued(buf.length);
    this.owner.pump(this);
  }

  /** Trailing headers ending the stream, sent after every queued DATA byte. */
  trailers(block: Buffer): void {
    if (this.localClosed || this.pendingTrailers !== undefined || this.pendingEnd) return;
    this.pendingTrailers = block;
    this.owner.pump(this);
  }

  /** Ends the stream without trailers (END_STREAM on an empty DATA frame after the queued data). */
  end(): void {
    if (this.localClosed || this.pendingTrailers !== undefined || this.pendingEnd) return;
    this.pendingEnd = true;
    this.owner.pump(this);
  }

  /** Abandons the stream with RST_STREAM. */
  reset(code: number = H2Error.CANCEL): void {
    this.owner.resetStream(this, code);
  }
}
