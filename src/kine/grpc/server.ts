/**
 * A minimal gRPC server on node:http2 (cleartext HTTP/2 with prior knowledge, as etcd clients
 * speak it on unix sockets and loopback): unary and bidirectional-streaming methods registered by
 * path, messages coded by ./protobuf.ts. No compression, no TLS, no reflection: only what kine needs.
 */
import { createServer, constants as h2, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Logger } from '../../lib/logger.js';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameError, sealFrame } from './framing.js';
import { decode, encode, ProtobufError, type MessageSpec, type Wire } from './protobuf.js';
import { encodeGrpcMessage, GrpcCode, type GrpcStatus } from './status.js';

export type UnaryMethod = (req: Wire) => Wire | Promise<Wire>;

/** The server side of a bidirectional stream, as a handler sees it. */
export interface BidiCall {
  write(msg: Wire): void;
  /** Messages written and not yet taken by the transport (the client is slow or not reading). */
  readonly pending: number;
  /** Runs `fn` once every pending message has been taken. */
  onDrained(fn: () => void): void;
  /** Ends the stream with OK, or with an error status. */
  end(status?: GrpcStatus): void;
}

export interface BidiHandler {
  message(req: Wire): void;
  /** The client half-closed the stream. */
  end(): void;
  /** The stream is gone (ended, reset or the connection closed). Called once. */
  close(): void;
}

export type BidiMethod = (call: BidiCall) => BidiHandler;

interface Route {
  readonly request: MessageSpec;
  readonly response: MessageSpec;
  readonly unary?: UnaryMethod;
  readonly bidi?: BidiMethod;
}

export interface GrpcServerOptions {
  readonly log: Logger;
  /** Largest request message accepted (RESOURCE_EXHAUSTED beyond). */
  readonly maxReceiveBytes: number;
  /** Turns anything a handler throws into a status. */
  readonly toStatus: (err: unknown) => GrpcStatus;
}

const GRPC_CONTENT_TYPE = 'application/grpc';

function failure(err: unknown, fallback: (e: unknown) => GrpcStatus): GrpcStatus {
  if (err instanceof FrameError) return err.status;
  if (err instanceof ProtobufError) return { code: GrpcCode.INTERNAL, details: `grpc: error unmarshalling request: ${err.message}` };
  return fallback(err);
}

export class GrpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly h2: Http2Server;
  private readonly sessions = new Set<Http2Session>();
  private readonly openCalls = new Set<(status: GrpcStatus) => void>();

  constructor(private readonly o: GrpcServerOptions) {
    this.h2 = createServer({
      settings: { maxConcurrentStreams: 0x7fffffff, initialWindowSize: 1 << 20, enablePush: false },
      maxSessionMemory: 256,
      peerMaxConcurrentStreams: 0x7fffffff,
    });
    this.h2.on('session', (s: Http2Session) => {
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
      s.on('error', (err) => o.log.debug({ err }, 'http2 session error'));
      s.once('localSettings', () => {
        try {
          s.setLocalWindowSize(16 << 20);
        } catch {
          // the session is already closing
        }
      });
    });
    this.h2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => this.onStream(stream, headers));
    this.h2.on('sessionError', (err) => o.log.debug({ err }, 'http2 session error'));
  }

  unary(path: string, request: MessageSpec, response: MessageSpec, fn: UnaryMethod): void {
    this.routes.set(path, { request, response, unary: fn });
  }

  bidi(path: string, request: MessageSpec, response: MessageSpec, fn: BidiMethod): void {
    this.routes.set(path, { request, response, bidi: fn });
  }

  /** Listens on a unix socket path, or on host:port (port 0: any free port); resolves to the port (0 for unix). */
  listen(target: { readonly path: string } | { readonly host: string; readonly port: number }): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.h2.once('error', onError);
      const done = (): void => {
        this.h2.off('error', onError);
        this.h2.on('error', (err) => this.o.log.error({ err }, 'grpc server error'));
        const addr = this.h2.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : 0);
      };
      if ('path' in target) this.h2.listen(target.path, done);
      else this.h2.listen(target.port, target.host, done);
    });
  }

  /** Ends open streams with UNAVAILABLE, closes connections (destroyed after `graceMs`), stops listening. */
  async close(graceMs = 1000): Promise<void> {
    for (const end of [...this.openCalls]) end({ code: GrpcCode.UNAVAILABLE, details: 'etcdserver: server stopped' });
    const closed = new Promise<void>((res) => this.h2.close(() => res()));
    for (const s of this.sessions) s.close();
    const timer = setTimeout(() => {
      for (const s of this.sessions) s.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', (err) => this.o.log.debug({ err }, 'http2 stream error'));
    const path = String(headers[h2.HTTP2_HEADER_PATH] ?? '');
    const contentType = String(headers[h2.HTTP2_HEADER_CONTENT_TYPE] ?? '');
    if (headers[h2.HTTP2_HEADER_METHOD] !== 'POST' || !contentType.startsWith(GRPC_CONTENT_TYPE)) {
      stream.respond({ [h2.HTTP2_HEADER_STATUS]: contentType.startsWith(GRPC_CONTENT_TYPE) ? 405 : 415 }, { endStream: true });
      return;
    }
    const route = this.routes.get(path);
    if (route === undefined) {
      const service = path.split('/')[1] ?? '';
      const known = [...this.routes.keys()].some((p) => p.startsWith(`/${service}/`));
      const method = path.split('/')[2] ?? '';
      return trailersOnly(stream, {
        code: GrpcCode.UNIMPLEMENTED,
        details: known ? `unknown method ${method} for service ${service}` : `unknown service ${service}`,
      });
    }
    const encoding = headers['grpc-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      return trailersOnly(stream, { code: GrpcCode.UNIMPLEMENTED, details: `grpc: Decompressor is not installed for grpc-encoding "${String(encoding)}"` });
    }
    if (route.unary !== undefined) this.serveUnary(stream, route, route.unary);
    else if (route.bidi !== undefined) this.serveBidi(stream, route, route.bidi);
  }

  private serveUnary(stream: ServerHttp2Stream, route: Route, fn: UnaryMethod): void {
    const frames = new FrameDecoder(this.o.maxReceiveBytes);
    let handled = false;
    const run = (msg: Buffer): void => {
      handled = true;
      let out: Wire | Promise<Wire>;
      try {
        out = fn(decode(route.request, msg));
      } catch (err) {
        trailersOnly(stream, failure(err, this.o.toStatus));
        return;
      }
      if (out instanceof Promise) {
        out.then(
          (res) => this.reply(stream, route, res),
          (err: unknown) => trailersOnly(stream, failure(err, this.o.toStatus)),
        );
      } else {
        this.reply(stream, route, out);
      }
    };
    stream.on('data', (chunk: Buffer) => {
      if (handled) return;
      try {
        const msgs = frames.push(chunk);
        const first = msgs[0];
        if (first !== undefined) run(first);
      } catch (err) {
        handled = true;
        trailersOnly(stream, failure(err, this.o.toStatus));
      }
    });
    stream.on('end', () => {
      if (!handled) {
        handled = true;
        trailersOnly(stream, { code: GrpcCode.INTERNAL, details: 'grpc: the client sent no request message' });
      }
    });
  }

  private reply(stream: ServerHttp2Stream, route: Route, res: Wire): void {
    if (stream.destroyed || stream.closed) return;
    let frame: Buffer;
    try {
      frame = sealFrame(encode(route.response, res, FRAME_HEADER_BYTES));
    } catch (err) {
      this.o.log.error({ err, path: stream.sentHeaders[h2.HTTP2_HEADER_PATH] }, 'response could not be encoded');
      trailersOnly(stream, { code: GrpcCode.INTERNAL, details: `grpc: error marshalling response: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    stream.respond({ [h2.HTTP2_HEADER_STATUS]: 200, [h2.HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame);
  }

  private serveBidi(stream: ServerHttp2Stream, route: Route, fn: BidiMethod): void {
    const frames = new FrameDecoder(this.o.maxReceiveBytes);
    let pending = 0;
    let drained: (() => void)[] = [];
    let ended = false;
    let closed = false;
    stream.respond({ [h2.HTTP2_HEADER_STATUS]: 200, [h2.HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE }, { waitForTrailers: true });
    let trailers: GrpcStatus = { code: GrpcCode.OK, details: '' };
    stream.on('wantTrailers', () => {
      const t: Record<string, string> = { 'grpc-status': String(trailers.code) };
      if (trailers.details !== '') t['grpc-message'] = encodeGrpcMessage(trailers.details);
      stream.sendTrailers(t);
    });
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
      this.openCalls.delete(endCall);
      if (status !== undefined) trailers = status;
      if (!stream.destroyed && !stream.closed) stream.end();
      onClose(); // the call is over for the handler, whether or not the client has half-closed yet
    };
    const call: BidiCall = {
      write: (msg) => {
        if (ended || stream.destroyed) return;
        const frame = sealFrame(encode(route.response, msg, FRAME_HEADER_BYTES));
        pending++;
        stream.write(frame, afterWrite);
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
    this.openCalls.add(endCall);
    const handler = fn(call);
    onClose = (): void => {
      if (closed) return;
      closed = true;
      ended = true;
      this.openCalls.delete(endCall);
      handler.close();
    };
    stream.on('data', (chunk: Buffer) => {
      if (ended) return;
      try {
        for (const msg of frames.push(chunk)) {
          handler.message(decode(route.request, msg));
          if (ended) return;
        }
      } catch (err) {
        endCall(failure(err, this.o.toStatus));
      }
    });
    stream.on('end', () => {
      if (!ended) handler.end();
    });
    stream.on('close', onClose);
  }
}

/** A response that is only headers: the status of a call that failed before any message. */
function trailersOnly(stream: ServerHttp2Stream, status: GrpcStatus): void {
  if (stream.destroyed || stream.closed || stream.headersSent) {
    if (!stream.destroyed) stream.close(h2.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond(
    {
      [h2.HTTP2_HEADER_STATUS]: 200,
      [h2.HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE,
      'grpc-status': String(status.code),
      'grpc-message': encodeGrpcMessage(status.details),
    },
    { endStream: true },
  );
}
