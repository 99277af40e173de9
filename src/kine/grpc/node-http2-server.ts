/**
 * The same gRPC routes as ./server.ts (unary and bidirectional streaming, the same handler
 * interfaces), served by Node's own HTTP/2 (node:http2) instead of ./http2/: the second transport of
 * `vcluster kine --transport node-http2`, kept so the two can be measured against each other
 * (bench/kine). Message framing, protobuf and status coding are shared with ./server.ts.
 *
 * Bounds come from node:http2's own settings, mapped from the same H2Limits: concurrent streams,
 * stream and connection windows, header list size, session memory (queued bytes), idle sessions.
 */
import { startBidiCall } from './bidi-call.js';
import { listenOn, type ListenTarget } from './listen.js';
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Session,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type SecureServerOptions,
  type ServerHttp2Session,
  type ServerHttp2Stream,
  type ServerOptions,
} from 'node:http2';
import type { Socket } from 'node:net';
import { FRAME_HEADER_BYTES, FrameDecoder, sealFrame } from './framing.js';
import { DEFAULT_H2_LIMITS, type H2Limits } from './http2/limits.js';
import { decode, encode, type MessageSpec, type Wire } from './protobuf.js';
import {
  failure, GRPC_CONTENT_TYPE, unknownRoute, unsupportedEncoding,
  type BidiMethod, type GrpcServerOptions, type GrpcTransport, type Route, type UnaryMethod,
} from './grpc-server.js';
import { encodeGrpcMessage, GrpcCode, type GrpcStatus } from './status.js';

const RESPONSE_HEADERS: OutgoingHttpHeaders = { ':status': 200, 'content-type': GRPC_CONTENT_TYPE };
const TRAILERS_OK: OutgoingHttpHeaders = { 'grpc-status': '0' };

function statusHeaders(status: GrpcStatus): OutgoingHttpHeaders {
  return status.details === ''
    ? { 'grpc-status': String(status.code) }
    : { 'grpc-status': String(status.code), 'grpc-message': encodeGrpcMessage(status.details) };
}

const usable = (stream: ServerHttp2Stream): boolean => !stream.destroyed && !stream.closed;

/** A response that is only headers: the status of a call that failed before any message. */
function trailersOnly(stream: ServerHttp2Stream, status: GrpcStatus): void {
  if (!usable(stream) || stream.headersSent) return;
  stream.respond({ ...RESPONSE_HEADERS, ...statusHeaders(status) }, { endStream: true });
}

/** The answer to a request that is not gRPC, once its body has been read: a status and a short text. */
function notGrpc(stream: ServerHttp2Stream, status: number, text: string): void {
  stream.on('end', () => {
    if (!usable(stream)) return;
    stream.respond({ ':status': status, 'content-type': 'text/plain; charset=utf-8' });
    stream.end(`${text}\n`);
  });
  stream.resume();
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class NodeHttp2GrpcServer implements GrpcTransport {
  private readonly routes = new Map<string, Route>();
  private readonly server: Http2Server | Http2SecureServer;
  private readonly sessions = new Set<ServerHttp2Session>();
  /** The sockets under the sessions: a destroyed session whose peer stopped reading a stream can keep its socket (and server.close) open. */
  private readonly sockets = new Set<Socket>();
  private readonly openCalls = new Set<(status: GrpcStatus) => void>();
  /** Open streams per session, for the idle timeout (a session with an open watch is not idle). */
  private readonly streamsOf = new WeakMap<Http2Session, number>();

  constructor(private readonly o: GrpcServerOptions) {
    const l: H2Limits = { ...DEFAULT_H2_LIMITS, ...o.limits };
    const options: ServerOptions = {
      settings: { maxConcurrentStreams: l.maxConcurrentStreams, initialWindowSize: l.streamWindowBytes, maxHeaderListSize: l.maxHeaderListBytes },
      maxSessionMemory: Math.max(1, Math.ceil(l.maxQueuedBytes / (1 << 20))), // MiB: queued answers + headers per session
      maxSessionRejectedStreams: l.resetBurst,
      unknownProtocolTimeout: l.prefaceTimeoutMs,
    };
    if (o.tls === undefined) {
      this.server = createServer(options);
    } else {
      const { cert, key, ca } = o.tls;
      const secure: SecureServerOptions = {
        ...options,
        cert,
        key,
        allowHTTP1: false,
        handshakeTimeout: 10_000,
        ...(ca === undefined ? {} : { ca, requestCert: true, rejectUnauthorized: true }),
      };
      this.server = createSecureServer(secure);
      this.server.on('tlsClientError', (err) => o.log.debug({ err }, 'tls handshake failed'));
    }
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('session', (session: ServerHttp2Session) => {
      this.sessions.add(session);
      this.streamsOf.set(session, 0);
      session.on('error', (err) => o.log.debug({ err }, 'http2 session error'));
      session.on('close', () => this.sessions.delete(session));
      if (l.connectionWindowBytes > 65_535) session.setLocalWindowSize(l.connectionWindowBytes);
      if (l.idleTimeoutMs > 0) {
        session.setTimeout(l.idleTimeoutMs, () => {
          if ((this.streamsOf.get(session) ?? 0) === 0) session.close();
        });
      }
    });
    this.server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => this.onStream(stream, headers));
  }

  unary(path: string, request: MessageSpec, response: MessageSpec, fn: UnaryMethod): void {
    this.routes.set(path, { request, response, unary: fn });
  }

  bidi(path: string, request: MessageSpec, response: MessageSpec, fn: BidiMethod): void {
    this.routes.set(path, { request, response, bidi: fn });
  }

  listen(target: ListenTarget): Promise<number> {
    return listenOn(this.server, target, this.o.log);
  }

  async close(graceMs = 1000): Promise<void> {
    for (const end of [...this.openCalls]) end({ code: GrpcCode.UNAVAILABLE, details: 'etcdserver: server stopped' });
    const closed = new Promise<void>((res) => this.server.close(() => res()));
    for (const s of this.sessions) s.close();
    const timer = setTimeout(() => {
      for (const s of this.sessions) s.destroy();
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', (err) => this.o.log.debug({ err }, 'http2 stream error')); // resets by the peer
    const session = stream.session;
    if (session !== undefined) {
      this.streamsOf.set(session, (this.streamsOf.get(session) ?? 0) + 1);
      stream.once('close', () => this.streamsOf.set(session, (this.streamsOf.get(session) ?? 1) - 1));
    }
    const path = header(headers, ':path') ?? '';
    if (!(header(headers, 'content-type') ?? '').startsWith(GRPC_CONTENT_TYPE)) {
      notGrpc(stream, 415, 'kine serves gRPC only (content-type application/grpc)');
      return;
    }
    if (header(headers, ':method') !== 'POST') {
      notGrpc(stream, 405, 'gRPC calls use POST');
      return;
    }
    const route = this.routes.get(path);
    const refused = route === undefined ? unknownRoute(path, this.routes) : unsupportedEncoding(header(headers, 'grpc-encoding'));
    if (route === undefined || refused !== undefined) {
      if (refused !== undefined) trailersOnly(stream, refused);
      stream.resume(); // the body is discarded
      return;
    }
    if (route.unary !== undefined) this.serveUnary(stream, path, route, route.unary);
    else if (route.bidi !== undefined) this.serveBidi(stream, route, route.bidi);
  }

  private serveUnary(stream: ServerHttp2Stream, path: string, route: Route, fn: UnaryMethod): void {
    const frames = new FrameDecoder(this.o.maxReceiveBytes);
    let handled = false;
    const fail = (err: unknown): void => trailersOnly(stream, failure(err, this.o.toStatus));
    const run = (msg: Buffer): void => {
      handled = true;
      let out: Wire | Promise<Wire>;
      try {
        out = fn(decode(route.request, msg));
      } catch (err) {
        fail(err);
        return;
      }
      if (out instanceof Promise) out.then((res) => this.reply(stream, path, route, res), fail);
      else this.reply(stream, path, route, out);
    };
    stream.on('data', (chunk: Buffer) => {
      if (handled) return;
      try {
        const first = frames.push(chunk)[0];
        if (first !== undefined) run(first);
      } catch (err) {
        handled = true;
        fail(err);
      }
    });
    stream.on('end', () => {
      if (handled) return;
      handled = true;
      trailersOnly(stream, { code: GrpcCode.INTERNAL, details: 'grpc: the client sent no request message' });
    });
  }

  private reply(stream: ServerHttp2Stream, path: string, route: Route, res: Wire): void {
    if (!usable(stream)) return;
    let frame: Buffer;
    try {
      frame = sealFrame(encode(route.response, res, FRAME_HEADER_BYTES));
    } catch (err) {
      this.o.log.error({ err, path }, 'response could not be encoded');
      trailersOnly(stream, { code: GrpcCode.INTERNAL, details: `grpc: error marshalling response: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(TRAILERS_OK));
    stream.end(frame);
  }

  private serveBidi(stream: ServerHttp2Stream, route: Route, fn: BidiMethod): void {
    let trailers = TRAILERS_OK;
    stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(trailers));
    const call = startBidiCall(
      route,
      fn,
      {
        usable: () => usable(stream),
        write: (frame, done) => void stream.write(frame, done),
        finish: (status) => {
          if (status !== undefined) trailers = statusHeaders(status);
          if (usable(stream)) stream.end();
        },
      },
      { maxReceiveBytes: this.o.maxReceiveBytes, toStatus: this.o.toStatus, openCalls: this.openCalls },
    );
    stream.on('data', (chunk: Buffer) => call.data(chunk));
    stream.on('end', () => call.end());
    stream.once('close', () => call.close());
  }
}
