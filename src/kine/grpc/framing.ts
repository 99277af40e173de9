/**
 * gRPC length-prefixed messages over an HTTP/2 stream: 1 byte compressed flag, 4 bytes big-endian
 * length, then the message (grpc/doc/PROTOCOL-HTTP2.md).
 */
import { GrpcCode, type GrpcStatus } from './status.js';

export const FRAME_HEADER_BYTES = 5;

/** Fills the 5-byte header in front of a message encoded with `encode(spec, obj, FRAME_HEADER_BYTES)`. */
export function sealFrame(buf: Buffer): Buffer {
  buf[0] = 0;
  buf.writeUInt32BE(buf.length - FRAME_HEADER_BYTES, 1);
  return buf;
}

export class FrameError extends Error {
  constructor(readonly status: GrpcStatus) {
    super(status.details);
    this.name = 'FrameError';
  }
}

/** Reassembles messages from DATA chunks; a message split over chunks is joined once. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Feeds a chunk; returns the messages it completes (each a Buffer of the message alone). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (this.buffered === 0 && chunk.length >= FRAME_HEADER_BYTES) {
      // fast path: whole messages in this chunk, no copy
      let pos = 0;
      while (chunk.length - pos >= FRAME_HEADER_BYTES) {
        const len = this.checkHeader(chunk, pos);
        if (chunk.length - pos - FRAME_HEADER_BYTES < len) break;
        out.push(chunk.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + len));
        pos += FRAME_HEADER_BYTES + len;
      }
      if (pos === chunk.length) return out;
      chunk = chunk.subarray(pos);
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const head = this.peek(FRAME_HEADER_BYTES);
      const len = this.checkHeader(head, 0);
      if (this.buffered < FRAME_HEADER_BYTES + len) break;
      const whole = this.take(FRAME_HEADER_BYTES + len);
      out.push(whole.subarray(FRAME_HEADER_BYTES));
    }
    return out;
  }

  /** Bytes of an incomplete message still buffered (non-zero at end of stream is a protocol error). */
  pending(): number {
    return this.buffered;
  }

  private checkHeader(buf: Buffer, pos: number): number {
    const flag = buf[pos];
    if (flag !== 0) {
      throw new FrameError({
        code: flag === 1 ? GrpcCode.UNIMPLEMENTED : GrpcCode.INTERNAL,
        details: flag === 1 ? 'grpc: compressed messages are not supported by this server' : `grpc: invalid frame flag ${String(flag)}`,
      });
    }
    const len = buf.readUInt32BE(pos + 1);
    if (len > this.maxMessageBytes) {
      throw new FrameError({
        code: GrpcCode.RESOURCE_EXHAUSTED,
        details: `grpc: received message larger than max (${len} vs. ${this.maxMessageBytes})`,
      });
    }
    return len;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(n: number): Buffer {
    const joined = this.peek(n);
    const out = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return out;
  }
}
