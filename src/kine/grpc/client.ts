/**
 * A minimal unary gRPC client on node:http2, for our own processes talking to kine (the syncer's
 * mappings store). One HTTP/2 connection, opened on first use and re-opened after it closes.
 */
import { connect as netConnect } from 'node:net';
import { connect, constants as h2, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { VClusterError, ErrorCode } from '../../lib/errors.js';
import { FRAME_HEADER_BYTES, FrameDecoder, sealFrame } from './framing.js';
import { decode, encode, type MessageSpec, type Wire } from './protobuf.js';
import { decodeGrpcMessage, GrpcCode, isGrpcCode, type GrpcStatus } from './status.js';

/** A call that ended with a non-OK gRPC status. */
export class GrpcCallError extends VClusterError {
  constructor(
    readonly path: string,
    readonly status: GrpcStatus,
  ) {
    super(`${path}: ${status.details === '' ? `gRPC status ${status.code}` : status.details}`, {
      code: status.code === GrpcCode.UNAVAILABLE ? ErrorCode.UNAVAILABLE : status.code === GrpcCode.DEADLINE_EXCEEDED ? ErrorCode.TIMEOUT : ErrorCode.INTERNAL,
    });
    this.name = 'GrpcCallError';
  }
}

export interface GrpcClientOptions {
  /** @default 30000 */
  readonly timeoutMs?: number;
  /** @default 64 MiB */
  readonly maxReceiveBytes?: number;
}

/** unix:///abs/path, unix:path, http://host:port or host:port. */
function connectTarget(endpoint: string): { authority: string; socketPath: string | undefined } {
  if (endpoint.startsWith('unix://')) return { authority: 'http://localhost', socketPath: endpoint.slice('unix://'.length) };
  if (endpoint.startsWith('unix:')) return { authority: 'http://localhost', socketPath: endpoint.slice('unix:'.length) };
  const url = endpoint.includes('://') ? endpoint : `http://${endpoint}`;
  return { authority: url, socketPath: undefined };
}

export class GrpcClient {
  private session: ClientHttp2Session | undefined;
  private readonly target: { authority: string; socketPath: string | undefined };
  private closed = false;

  constructor(
    readonly endpoint: string,
    private readonly o: GrpcClientOptions = {},
  ) {
    this.target = connectTarget(endpoint);
  }

  private open(): ClientHttp2Session {
    if (this.closed) throw new VClusterError(`grpc client for ${this.endpoint} is closed`);
    const s = this.session;
    if (s !== undefined && !s.closed && !s.destroyed) return s;
    const socketPath = this.target.socketPath;
    const session = connect(this.target.authority, socketPath === undefined ? {} : { createConnection: () => netConnect(socketPath) });
    session.on('error', () => undefined); // each call reports its own failure
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    session.unref();
    this.session = session;
    return session;
  }

  unary(path: string, request: MessageSpec, response: MessageSpec, req: Wire): Promise<Wire> {
    return new Promise((resolve, reject) => {
      let session: ClientHttp2Session;
      try {
        session = this.open();
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const stream = session.request({
        [h2.HTTP2_HEADER_METHOD]: 'POST',
        [h2.HTTP2_HEADER_PATH]: path,
        [h2.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        te: 'trailers',
      });
      const timer = setTimeout(() => {
        stream.close(h2.NGHTTP2_CANCEL);
        settle({ code: GrpcCode.DEADLINE_EXCEEDED, details: `no answer in ${this.o.timeoutMs ?? 30000} ms` });
      }, this.o.timeoutMs ?? 30000);
      const frames = new FrameDecoder(this.o.maxReceiveBytes ?? 64 << 20);
      let reply: Buffer | undefined;
      let done = false;
      const settle = (status: GrpcStatus | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (status !== undefined && status.code !== GrpcCode.OK) return reject(new GrpcCallError(path, status));
        try {
          resolve(decode(response, reply ?? Buffer.alloc(0)));
        } catch (err) {
          reject(new GrpcCallError(path, { code: GrpcCode.INTERNAL, details: `bad response: ${err instanceof Error ? err.message : String(err)}` }));
        }
      };
      const statusOf = (headers: IncomingHttpHeaders): GrpcStatus | undefined => {
        const raw = headers['grpc-status'];
        if (raw === undefined) return undefined;
        const code = Number(raw);
        const msg = headers['grpc-message'];
        return { code: isGrpcCode(code) ? code : GrpcCode.UNKNOWN, details: typeof msg === 'string' ? decodeGrpcMessage(msg) : '' };
      };
      stream.on('response', (headers) => {
        const s = statusOf(headers); // trailers-only response
        if (s !== undefined) settle(s);
        else if (Number(headers[h2.HTTP2_HEADER_STATUS]) !== 200) settle({ code: GrpcCode.UNKNOWN, details: `HTTP status ${String(headers[h2.HTTP2_HEADER_STATUS])}` });
      });
      stream.on('data', (chunk: Buffer) => {
        try {
          reply ??= frames.push(chunk)[0];
        } catch (err) {
          stream.close(h2.NGHTTP2_CANCEL);
          settle({ code: GrpcCode.INTERNAL, details: err instanceof Error ? err.message : String(err) });
        }
      });
      stream.on('trailers', (headers: IncomingHttpHeaders) => settle(statusOf(headers) ?? { code: GrpcCode.UNKNOWN, details: 'no grpc-status in trailers' }));
      stream.on('close', () => settle({ code: GrpcCode.UNAVAILABLE, details: `connection to ${this.endpoint} closed` }));
      stream.on('error', (err: Error) => settle({ code: GrpcCode.UNAVAILABLE, details: err.message }));
      stream.end(sealFrame(encode(request, req, FRAME_HEADER_BYTES)));
    });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }
}
