/**
 * HPACK (RFC 7541): a decoder with its dynamic table for the header blocks clients send, and an
 * encoder for ours that uses only the static table and literals "without indexing" — it keeps no
 * state, so it never has to follow the peer's table-size settings. Header names are lower-case
 * ASCII in HTTP/2; values are kept as latin1 strings (octets as sent).
 */
import { VClusterError } from '../../../lib/errors.js';
import { huffmanDecode, HuffmanError } from './huffman.js';

/** RFC 7541 Appendix A; index 1 is the first entry. */
const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/** Entry overhead counted against the table size (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;

/** A header block that cannot be decoded: a connection error of type COMPRESSION_ERROR. */
export class HpackError extends VClusterError {}

export type HeaderList = [string, string][];

export class HpackDecoder {
  /** Newest first. */
  private dynamic: [string, string][] = [];
  private size = 0;
  private maxSize: number;

  /** `limit` is the SETTINGS_HEADER_TABLE_SIZE we advertise (4096 unless we say otherwise). */
  constructor(private readonly limit = 4096) {
    this.maxSize = limit;
  }

  /** Decodes one complete header block; a failure is a connection error (the table is now unknown). */
  decode(block: Buffer, maxListBytes: number): HeaderList {
    const out: HeaderList = [];
    let listBytes = 0;
    const r = { pos: 0 };
    try {
      while (r.pos < block.length) {
        const b = block[r.pos] ?? 0;
        let name: string;
        let value: string;
        if (b & 0x80) {
          [name, value] = this.entry(readInt(block, r, 7));
        } else if ((b & 0xe0) === 0x20) {
          const size = readInt(block, r, 5);
          if (size > this.limit) throw new HpackError(`hpack: table size update ${String(size)} over the limit ${String(this.limit)}`);
          if (out.length > 0) throw new HpackError('hpack: table size update after a header field');
          this.maxSize = size;
          this.evict(0);
          continue;
        } else {
          const indexing = (b & 0xc0) === 0x40;
          const idx = readInt(block, r, indexing ? 6 : 4);
          name = idx === 0 ? readString(block, r) : this.entry(idx)[0];
          value = readString(block, r);
          if (indexing) this.add(name, value);
        }
        listBytes += name.length + value.length + ENTRY_OVERHEAD;
        if (listBytes > maxListBytes) throw new HpackError(`hpack: header list larger than ${String(maxListBytes)} bytes`);
        out.push([name, value]);
      }
    } catch (err) {
      if (err instanceof HuffmanError) throw new HpackError(err.message);
      throw err;
    }
    return out;
  }

  private entry(idx: number): readonly [string, string] {
    if (idx === 0) throw new HpackError('hpack: index 0');
    const e = idx <= STATIC_TABLE.length ? STATIC_TABLE[idx - 1] : this.dynamic[idx - STATIC_TABLE.length - 1];
    if (e === undefined) throw new HpackError(`hpack: index ${String(idx)} is not in the table`);
    return e;
  }

  private add(name: string, value: string): void {
    const size = name.length + value.length + ENTRY_OVERHEAD;
    this.evict(size);
    if (size <= this.maxSize) {
      this.dynamic.unshift([name, value]);
      this.size += size;
    }
  }

  /** Evicts oldest entries until `room` more bytes fit (an entry larger than the table empties it). */
  private evict(room: number): void {
    while (this.size + room > this.maxSize && this.dynamic.length > 0) {
      const e = this.dynamic.pop();
      if (e !== undefined) this.size -= e[0].length + e[1].length + ENTRY_OVERHEAD;
    }
  }
}

function readInt(buf: Buffer, r: { pos: number }, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  let v = (buf[r.pos++] ?? 0) & max;
  if (v < max) return v;
  let shift = 0;
  for (;;) {
    if (r.pos >= buf.length) throw new HpackError('hpack: truncated integer');
    const b = buf[r.pos++] ?? 0;
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return v;
    if (shift > 28) throw new HpackError('hpack: integer too large');
  }
}

function readString(buf: Buffer, r: { pos: number }): string {
  if (r.pos >= buf.length) throw new HpackError('hpack: truncated string');
  const huffman = ((buf[r.pos] ?? 0) & 0x80) !== 0;
  const len = readInt(buf, r, 7);
  if (r.pos + len > buf.length) throw new HpackError('hpack: truncated string');
  const raw = buf.subarray(r.pos, r.pos + len);
  r.pos += len;
  return (huffman ? huffmanDecode(raw) : raw).toString('latin1');
}

function writeInt(out: number[], first: number, prefixBits: number, v: number): void {
  const max = (1 << prefixBits) - 1;
  if (v < max) {
    out.push(first | v);
    return;
  }
  out.push(first | max);
  let rest = v - max;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function writeString(out: number[], s: string): void {
  writeInt(out, 0, 7, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff);
}

/**
 * Encodes a header list with no dynamic-table state: a static entry that matches name and value
 * exactly is indexed, a static name is referenced, everything else is a literal; nothing is indexed.
 */
export function encodeHeaders(headers: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of headers) {
    const exact = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value);
    if (exact >= 0) {
      writeInt(out, 0x80, 7, exact + 1);
      continue;
    }
    const byName = STATIC_TABLE.findIndex(([n]) => n === name);
    writeInt(out, 0x00, 4, byName + 1); // literal without indexing; 0 = new name follows
    if (byName < 0) writeString(out, name);
    writeString(out, value);
  }
  return Buffer.from(out);
}
