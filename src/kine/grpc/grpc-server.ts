/**
 * A minimal gRPC server on our own HTTP/2 connection handling (./http2/: cleartext HTTP/2 with prior
 * knowledge, as etcd clients speak it on unix sockets and loopback, or HTTP/2 over TLS with ALPN
 * "h2" and optional client certificates): unary and bidirectional-streaming methods registered by
 * path, messages coded by ./protobuf.ts. No compression, no reflection: only what kine needs.
 */
import { listenOn, type ListenTarget } from './listen.js';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../lib/logger.js';
import { FRAME_HEADER_BYTES, FrameDecoder, sealFrame } from './framing.js';
import { H2Connection, type H2Stream, type StreamHandler } from './http2/connection.js';
import { encodeHeaders, type HeaderList } from './http2/hpack.js';
import type { H2Limits } from './http2/limits.js';
import { decode, encode, type MessageSpec, type Wire } from './protobuf.js';
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

export interface Route {
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
  /** Serve HTTP/2 inside TLS (PEM contents); with `ca`, clients must present a certificate it signed. */
  readonly tls?: GrpcTlsOptions;
  /** Bounds on what one connection's peer may make us hold (http2/limits.ts defaults). */
  readonly limits?: Partial<H2Limits>;
}

export interface GrpcTlsOptions {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Trusted CA bundle for client certificates; set = client certificates required, as etcd's --trusted-ca-file. */
  readonly ca?: Buffer;
}

/** What kine's services need from a gRPC server: this one (our HTTP/2) or ./node-http2-server.ts (node:http2). */
export interface GrpcTransport {
  unary(path: string, request: MessageSpec, response: MessageSpec, fn: UnaryMethod): void;
  bidi(path: string, request: MessageSpec, response: MessageSpec, fn: BidiMethod): void;
  listen(target: ListenTarget): Promise<number>;
  close(graceMs?: number): Promise<void>;
}

export const GRPC_CONTENT_TYPE = 'application/grpc';

import { failure } from './call-status.js';
import { startBidiCall } from './bidi-call.js';

export { failure };

const RESPONSE_HEADER_LIST: readonly [string, string][] = [
  [':status', '200'],
  ['content-type', GRPC_CONTENT_TYPE],
];
/** Header blocks that never change, encoded once. */
const RESPONSE_HEADERS = encodeHeaders(RESPONSE_HEADER_LIST);
const TRAILERS_OK = encodeHeaders([['grpc-status', '0']]);

function statusTrailers(status: GrpcStatus, withResponseHeaders: boolean): Buffer {
  const list: [string, string][] = withResponseHeaders ? [...RESPONSE_HEADER_LIST] : [];
  list.push(['grpc-status', String(status.code)]);
  if (status.details !== '') list.push(['grpc-message', encodeGrpcMessage(status.details)]);
  return encodeHeaders(list);
}

/** A response that is only headers: the status of a call that failed before any message. */
function trailersOnly(stream: H2Stream, status: GrpcStatus): void {
  if (stream.closed) return;
  if (stream.headersSent) stream.trailers(statusTrailers(status, false));
  else stream.headers(statusTrailers(status, true), true);
}

/** The answer to a request that is not gRPC: a status and a short text body. */
function notGrpc(stream: H2Stream, status: string, text: string): void {
  stream.headers(encodeHeaders([[':status', status], ['content-type', 'text/plain; charset=utf-8']]));
  stream.data(Buffer.from(`${text}\n`, 'utf8'));
  stream.end();
}

/** UNIMPLEMENTED for a path no route serves, worded as grpc-go words it. */
export function unknownRoute(path: string, routes: ReadonlyMap<string, unknown>): GrpcStatus {
  const service = path.split('/')[1] ?? '';
  const known = [...routes.keys()].some((p) => p.startsWith(`/${service}/`));
  const method = path.split('/')[2] ?? '';
  return { code: GrpcCode.UNIMPLEMENTED, details: known ? `unknown method ${method} for service ${service}` : `unknown service ${service}` };
}

/** UNIMPLEMENTED for a compressed request (we install no decompressor); undefined for identity or none. */
export function unsupportedEncoding(encoding: string | undefined): GrpcStatus | undefined {
  if (encoding === undefined || encoding === 'identity') return undefined;
  return { code: GrpcCode.UNIMPLEMENTED, details: `grpc: Decompressor is not installed for grpc-encoding "${encoding}"` };
}

function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [n, v] of headers) if (n === name) return v;
  return undefined;
}

const IGNORE_BODY: StreamHandler = { data: () => undefined, end: () => undefined, reset: () => undefined };

/** Discards a request's body and answers once the client has sent all of it, as an HTTP server does. */
function answerAfterBody(answer: () => void): StreamHandler {
  return { data: () => undefined, end: answer, reset: () => undefined };
}

export class GrpcServer implements GrpcTransport {
  private readonly routes = new Map<string, Route>();
  private readonly server: Server;
  private readonly connections = new Set<H2Connection>();
  private readonly openCalls = new Set<(status: GrpcStatus) => void>();
  /** Answer bytes queued across all connections (bounded by limits.maxServerQueuedBytes). */
  private readonly queue = { queuedBytes: 0 };

  constructor(private readonly o: GrpcServerOptions) {
    const serve = (socket: Socket): void => {
      const conn = new H2Connection(socket, {
        log: o.log,
        onStream: (stream, headers) => this.onStream(stream, headers),
        onClose: () => this.connections.delete(conn),
        serverQueue: this.queue,
        ...(o.limits === undefined ? {} : { limits: o.limits }),
      });
      this.connections.add(conn);
    };
    if (o.tls === undefined) {
      this.server = createServer(serve);
    } else {
      const { cert, key, ca } = o.tls;
      // node:tls (and crypto with it, ~2 MiB of RSS) is loaded only for a TLS listener, not by a kine on a unix socket
      const { createServer: createTlsServer } = process.getBuiltinModule('node:tls');
      this.server = createTlsServer(
        {
          cert,
          key,
          ALPNProtocols: ['h2'],
          handshakeTimeout: 10_000,
          ...(ca === undefined ? {} : { ca, requestCert: true, rejectUnauthorized: true }),
        },
        serve,
      );
      this.server.on('tlsClientError', (err) => o.log.debug({ err }, 'tls handshake failed'));
    }
  }

  unary(path: string, request: MessageSpec, response: MessageSpec, fn: UnaryMethod): void {
    this.routes.set(path, { request, response, unary: fn });
  }

  bidi(path: string, request: MessageSpec, response: MessageSpec, fn: BidiMethod): void {
    this.routes.set(path, { request, response, bidi: fn });
  }

  /** Listens on a unix socket path, or on host:port (port 0: any free port); resolves to the port (0 for unix). */
  listen(target: ListenTarget): Promise<number> {
    return listenOn(this.server, target, this.o.log);
  }

  /** Ends open streams with UNAVAILABLE, closes connections (destroyed after `graceMs`), stops listening. */
  async close(graceMs = 1000): Promise<void> {
    for (const end of [...this.openCalls]) end({ code: GrpcCode.UNAVAILABLE, details: 'etcdserver: server stopped' });
    const closed = new Promise<void>((res) => this.server.close(() => res()));
    for (const c of this.connections) c.goAway();
    const timer = setTimeout(() => {
      for (const c of this.connections) c.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }

  private onStream(stream: H2Stream, headers: HeaderList): StreamHandler {
    const path = headerValue(headers, ':path') ?? '';
    const contentType = headerValue(headers, 'content-type') ?? '';
    if (!contentType.startsWith(GRPC_CONTENT_TYPE)) {
      return answerAfterBody(() => notGrpc(stream, '415', 'kine serves gRPC only (content-type application/grpc)'));
    }
    if (headerValue(headers, ':method') !== 'POST') return answerAfterBody(() => notGrpc(stream, '405', 'gRPC calls use POST'));
    const route = this.routes.get(path);
    if (route === undefined) {
      trailersOnly(stream, unknownRoute(path, this.routes));
      return IGNORE_BODY;
    }
    const badEncoding = unsupportedEncoding(headerValue(headers, 'grpc-encoding'));
    if (badEncoding !== undefined) {
      trailersOnly(stream, badEncoding);
      return IGNORE_BODY;
    }
    if (route.unary !== undefined) return this.serveUnary(stream, path, route, route.unary);
    if (route.bidi !== undefined) return this.serveBidi(stream, route, route.bidi);
    return IGNORE_BODY;
  }

  private serveUnary(stream: H2Stream, path: string, route: Route, fn: UnaryMethod): StreamHandler {
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
          (res) => this.reply(stream, path, route, res),
          (err: unknown) => trailersOnly(stream, failure(err, this.o.toStatus)),
        );
      } else {
        this.reply(stream, path, route, out);
      }
    };
    return {
      data: (chunk) => {
        if (handled) return;
        try {
          const msgs = frames.push(chunk);
          const first = msgs[0];
          if (first !== undefined) run(first);
        } catch (err) {
          handled = true;
          trailersOnly(stream, failure(err, this.o.toStatus));
        }
      },
      end: () => {
        if (!handled) {
          handled = true;
          trailersOnly(stream, { code: GrpcCode.INTERNAL, details: 'grpc: the client sent no request message' });
        }
      },
      reset: () => {
        handled = true;
      },
    };
  }

  private reply(stream: H2Stream, path: string, route: Route, res: Wire): void {
    if (stream.closed) return;
    let frame: Buffer;
    try {
      frame = sealFrame(encode(route.response, res, FRAME_HEADER_BYTES));
    } catch (err) {
      this.o.log.error({ err, path }, 'response could not be encoded');
      trailersOnly(stream, { code: GrpcCode.INTERNAL, details: `grpc: error marshalling response: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    // headers, message and trailers are queued in one turn and leave in one write
    stream.headers(RESPONSE_HEADERS);
    stream.data(frame);
    stream.trailers(TRAILERS_OK);
  }

  private serveBidi(stream: H2Stream, route: Route, fn: BidiMethod): StreamHandler {
    stream.headers(RESPONSE_HEADERS);
    const call = startBidiCall(
      route,
      fn,
      {
        usable: () => !stream.closed,
        write: (frame, done) => stream.data(frame, done),
        finish: (status) => stream.trailers(status === undefined ? TRAILERS_OK : statusTrailers(status, false)),
      },
      { maxReceiveBytes: this.o.maxReceiveBytes, toStatus: this.o.toStatus, openCalls: this.openCalls },
    );
    return { data: call.data, end: call.end, reset: call.close };
  }
}
