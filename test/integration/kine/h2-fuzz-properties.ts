/**
 * fast-check properties for kine's HTTP/2 parsing: the frame reader, the HPACK decoder and a whole
 * connection fed arbitrary frames. The unit tests run them briefly (src/kine/grpc/http2/fuzz.test.ts),
 * bench/kine/h2-fuzz.ts runs them long.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { createLogger } from '../../../src/lib/logger.js';
import { H2Connection, type StreamHandler } from '../../../src/kine/grpc/http2/connection.js';
import { Http2ConnectionError } from '../../../src/kine/grpc/http2/errors.js';
import { FrameReader, type RawFrame } from '../../../src/kine/grpc/http2/frame-reader.js';
import { FRAME_HEADER, FrameType, PREFACE, settingsFrame, writeFrameHeader } from '../../../src/kine/grpc/http2/frames.js';
import { encodeHeaders, HpackDecoder, HpackError } from '../../../src/kine/grpc/http2/hpack.js';

interface FrameSpec {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Uint8Array;
}

function encodeFrame(f: FrameSpec): Buffer {
  const out = Buffer.alloc(FRAME_HEADER + f.payload.length);
  writeFrameHeader(out, 0, f.payload.length, f.type, f.flags, f.streamId);
  out.set(f.payload, FRAME_HEADER);
  return out;
}

const frameSpec = (maxPayload: number): fc.Arbitrary<FrameSpec> =>
  fc.record({
    type: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 255 })),
    flags: fc.integer({ min: 0, max: 255 }),
    streamId: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 0x7fffffff })),
    payload: fc.uint8Array({ maxLength: maxPayload }),
  });

/** Cuts `buf` at the given (sorted, deduplicated) offsets. */
function cut(buf: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((x) => x % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(buf.subarray(prev, p));
    prev = p;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

function readAll(reader: FrameReader, parts: Buffer[]): RawFrame[] {
  const got: RawFrame[] = [];
  for (const p of parts) {
    reader.push(p, (f) => {
      got.push({ ...f, payload: Buffer.from(f.payload) });
      return true;
    });
  }
  return got;
}

/** However the bytes are split into reads, the reader yields the same frames as from one read. */
export const frameReaderSplits = fc.property(
  fc.array(frameSpec(300), { maxLength: 12 }),
  fc.array(fc.nat(), { maxLength: 20 }),
  (frames, cuts) => {
    const bytes = Buffer.concat([PREFACE, ...frames.map(encodeFrame)]);
    const whole = readAll(new FrameReader(16384), [bytes]);
    const split = readAll(new FrameReader(16384), cut(bytes, cuts));
    if (whole.length !== frames.length || split.length !== frames.length) return false;
    return whole.every((f, i) => {
      const s = split[i];
      const spec = frames[i];
      return (
        s !== undefined && spec !== undefined && f.type === spec.type && f.flags === spec.flags &&
        f.streamId === (spec.streamId & 0x7fffffff) && f.payload.equals(Buffer.from(spec.payload)) &&
        s.type === f.type && s.flags === f.flags && s.streamId === f.streamId && s.payload.equals(f.payload)
      );
    });
  },
);

/** Arbitrary bytes, after a preface or not: the reader yields frames or throws a connection error, nothing else. */
export const frameReaderGarbage = fc.property(fc.boolean(), fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 20000 }), (preface, bytes, max) => {
  const reader = new FrameReader(max);
  try {
    readAll(reader, [preface ? Buffer.concat([PREFACE, bytes]) : Buffer.from(bytes)]);
  } catch (err) {
    if (!(err instanceof Http2ConnectionError)) throw err;
  }
});

/** Arbitrary header blocks, one after another on one decoder: a header list or an HpackError, nothing else. */
export const hpackGarbage = fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }), (blocks) => {
  const d = new HpackDecoder();
  for (const b of blocks) {
    try {
      const list = d.decode(Buffer.from(b), 1 << 16);
      for (const [n, v] of list) if (typeof n !== 'string' || typeof v !== 'string') return false;
    } catch (err) {
      if (!(err instanceof HpackError)) throw err;
      return true; // after an error the table is unknown: the connection ends
    }
  }
  return true;
});

const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const headerName = fc.oneof(
  fc.constantFrom(':method', ':path', 'content-type', 'te', 'grpc-timeout', 'user-agent', 'x-long-name'),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), minLength: 1, maxLength: 20 }),
);

/** What our encoder writes, our decoder reads back exactly. */
export const hpackRoundTrip = fc.property(fc.array(fc.tuple(headerName, latin1), { maxLength: 20 }), (headers) => {
  const got = new HpackDecoder().decode(encodeHeaders(headers), 1 << 20);
  return JSON.stringify(got) === JSON.stringify(headers);
});

/** A socket stand-in: collects what the connection writes. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  writableLength = 0;
  written = 0;
  write(b: Buffer): boolean {
    this.written += b.length;
    return true;
  }
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    queueMicrotask(() => this.emit('close'));
  }
  setNoDelay(): void {
    // nothing to do
  }
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

const REQUEST = encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', '/x/Y'], ['content-type', 'application/grpc']]);

/** Frames a client could send: mostly well-formed types on small stream ids, some garbage. */
const clientFrame = fc.oneof(
  frameSpec(64),
  fc.record({ type: fc.constant(FrameType.HEADERS), flags: fc.constantFrom(4, 5, 0, 0x24, 0x2c), streamId: fc.integer({ min: 1, max: 11 }), payload: fc.constant(new Uint8Array(REQUEST)) }),
  fc.record({ type: fc.constantFrom(0, 3, 6, 8), flags: fc.constantFrom(0, 1), streamId: fc.integer({ min: 0, max: 11 }), payload: fc.uint8Array({ minLength: 4, maxLength: 8 }) }),
);

/**
 * A whole connection fed a preface, SETTINGS and arbitrary frames in arbitrary reads never lets an
 * exception escape and never logs an internal error (which would be a bug, not a protocol error).
 */
export const connectionFrames = fc.property(fc.array(clientFrame, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const line = chunk.toString();
      if (line.includes('"level":50') || line.includes('"level":60')) errors.push(line);
      cb();
    },
  });
  const socket = new FakeSocket();
  const handler = (): StreamHandler => ({ data: () => undefined, end: () => undefined, reset: () => undefined });
  const conn = new H2Connection(socket as unknown as Socket, {
    log: createLogger({ level: 'error', destination: sink }),
    onStream: (s) => {
      const h = handler();
      return { ...h, end: () => s.headers(encodeHeaders([[':status', '200']]), true) };
    },
    limits: { idleTimeoutMs: 0, prefaceTimeoutMs: 0 },
  });
  const bytes = Buffer.concat([PREFACE, settingsFrame([]), ...frames.map(encodeFrame)]);
  for (const part of cut(bytes, cuts)) socket.emit('data', part);
  conn.destroy();
  if (errors.length > 0) throw new Error(`internal error logged: ${errors.join('\n')}`);
});

/** Each property as a runner: `numRuns` cases (throws with the shrunk counterexample on failure), optional seed. */
export const PROPERTIES: Readonly<Record<string, (numRuns: number, seed?: number) => void>> = {
  frameReaderSplits: (numRuns, seed) => fc.assert(frameReaderSplits, { numRuns, ...(seed === undefined ? {} : { seed }) }),
  frameReaderGarbage: (numRuns, seed) => fc.assert(frameReaderGarbage, { numRuns, ...(seed === undefined ? {} : { seed }) }),
  hpackGarbage: (numRuns, seed) => fc.assert(hpackGarbage, { numRuns, ...(seed === undefined ? {} : { seed }) }),
  hpackRoundTrip: (numRuns, seed) => fc.assert(hpackRoundTrip, { numRuns, ...(seed === undefined ? {} : { seed }) }),
  connectionFrames: (numRuns, seed) => fc.assert(connectionFrames, { numRuns, ...(seed === undefined ? {} : { seed }) }),
};
