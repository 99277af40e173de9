/**
 * One bidirectional-streaming call, independent of the HTTP/2 underneath (grpc-server.ts on our own
 * HTTP/2, node-http2-server.ts on node:http2): request frames decoded into the handler, responses
 * framed out with a count of the writes the transport has not taken yet, one end (trailers) and one
 * close for the handler, and an entry in the server's open calls so a stopping server can end it.
 */
import { FRAME_HEADER_BYTES, FrameDecoder, sealFrame } from './framing.js';
import { decode, encode } from './protobuf.js';
import { GrpcCode, type GrpcStatus } from './status.js';
import { failure } from './call-status.js';
import type { BidiCall, BidiMethod, Route } from './grpc-server.js';

/** What a transport offers one call's stream. */
export interface BidiTransport {
  /** Whether the stream still takes data. */
  readonly usable: () => boolean;
  /** Queues one response frame; `done` runs once the transport has taken it. */
  readonly write: (frame: Buffer, done: () => void) => void;
  /** Sends the trailers: OK when `status` is undefined (an OK status is passed as undefined). */
  readonly finish: (status: GrpcStatus | undefined) => void;
}

export interface BidiCallOptions {
  readonly maxReceiveBytes: number;
  readonly toStatus: (e: unknown) => GrpcStatus;
  /** The server's open calls: each is ended with its status when the server stops. */
  readonly openCalls: Set<(status: GrpcStatus) => void>;
}

/** The transport's side of the call: request bytes, the client's half-close, the stream gone. */
export interface BidiStreamEvents {
  readonly data: (chunk: Buffer) => void;
  readonly end: () => void;
  readonly close: () => void;
}

export function startBidiCall(route: Route, fn: BidiMethod, t: BidiTransport, o: BidiCallOptions): BidiStreamEvents {
  const frames = new FrameDecoder(o.maxReceiveBytes);
  let pending = 0;
  let drained: (() => void)[] = [];
  let ended = false;
  let closed = false;
  const afterWrite = (): void => {
    pending--;
    if (pending === 0 && drained.length > 0) {
      const fns = drained;
      drained = [];
      for (const f of fns) f();
    }
  };
  let onClose = (): void => undefined;
  const endCall = (status?: GrpcStatus): void => {
    if (ended) return;
    ended = true;
    o.openCalls.delete(endCall);
    t.finish(status === undefined || status.code === GrpcCode.OK ? undefined : status);
    onClose(); // the call is over for the handler, whether or not the client has half-closed yet
  };
  const call: BidiCall = {
    write: (msg) => {
      if (ended || !t.usable()) return;
      const frame = sealFrame(encode(route.response, msg, FRAME_HEADER_BYTES));
      pending++;
      t.write(frame, afterWrite);
    },
    get pending() {
      return pending;
    },
    onDrained: (f) => {
      if (pending === 0) f();
      else drained.push(f);
    },
    end: endCall,
  };
  o.openCalls.add(endCall);
  const handler = fn(call);
  onClose = (): void => {
    if (closed) return;
    closed = true;
    ended = true;
    o.openCalls.delete(endCall);
    handler.close();
  };
  return {
    data: (chunk) => {
      if (ended) return;
      try {
        for (const msg of frames.push(chunk)) {
          handler.message(decode(route.request, msg));
          if (ended) return;
        }
      } catch (err) {
        endCall(failure(err, o.toStatus));
      }
    },
    end: () => {
      if (!ended) handler.end();
    },
    close: () => onClose(),
  };
}
