/**
 * Splits the bytes a client sends into its connection preface and frames (RFC 9113 §3.4, §4.1).
 * Pure: no I/O, so it can be fuzzed. A malformed preface or an oversized frame is a connection error.
 */
import { Http2ConnectionError } from './errors.js';
import { FRAME_HEADER, H2Error, PREFACE } from './frames.js';

export interface RawFrame {
  readonly type: number;
  readonly flags: number;
  /** Without the reserved bit. */
  readonly streamId: number;
  readonly length: number;
  readonly payload: Buffer;
}

const EMPTY = Buffer.alloc(0);

export class FrameReader {
  private input: Buffer = EMPTY;
  private prefaceSeen = false;

  /** `maxFrameBytes`: the SETTINGS_MAX_FRAME_SIZE we advertise. */
  constructor(private readonly maxFrameBytes: number) {}

  /** True once the whole client preface has arrived. */
  get hasPreface(): boolean {
    return this.prefaceSeen;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.input.length;
  }

  /**
   * Appends `chunk` and calls `onFrame` for each complete frame, in order; stops early when it
   * returns false (the rest stays buffered). Payloads are views into the received bytes.
   */
  push(chunk: Buffer, onFrame: (f: RawFrame) => boolean): void {
    const buf = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    let pos = 0;
    if (!this.prefaceSeen) {
      const n = Math.min(buf.length, PREFACE.length);
      if (!PREFACE.subarray(0, n).equals(buf.subarray(0, n))) {
        throw new Http2ConnectionError(H2Error.PROTOCOL_ERROR, 'not an HTTP/2 connection preface');
      }
      if (buf.length < PREFACE.length) {
        this.input = buf;
        return;
      }
      this.prefaceSeen = true;
      pos = PREFACE.length;
    }
    let go = true;
    while (go && buf.length - pos >= FRAME_HEADER) {
      const length = ((buf[pos] ?? 0) << 16) | ((buf[pos + 1] ?? 0) << 8) | (buf[pos + 2] ?? 0);
      if (length > this.maxFrameBytes) {
        this.input = EMPTY;
        throw new Http2ConnectionError(H2Error.FRAME_SIZE_ERROR, `frame of ${String(length)} bytes exceeds ${String(this.maxFrameBytes)}`);
      }
      if (buf.length - pos - FRAME_HEADER < length) break;
      const f: RawFrame = {
        type: buf[pos + 3] ?? 0,
        flags: buf[pos + 4] ?? 0,
        streamId: buf.readUInt32BE(pos + 5) & 0x7fffffff,
        length,
        payload: buf.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + length),
      };
      pos += FRAME_HEADER + length;
      go = onFrame(f);
    }
    this.input = pos >= buf.length ? EMPTY : buf.subarray(pos);
  }
}
