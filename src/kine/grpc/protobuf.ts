/**
 * A small schema-driven protobuf (proto3) codec: exactly what kine's etcd messages need, no more.
 * Messages decode to plain objects keyed by the .proto field names (the shape @grpc/proto-loader
 * gives with keepCase and defaults off): int64/uint64 as numbers when safe, else decimal strings;
 * enums as numbers; bytes as Buffers (views into the input); absent fields absent.
 * Encoding takes the same shape (enums by name or number, int64 as number, bigint or string) and
 * skips proto3 defaults, except in oneofs. Encoding measures first, then writes into one buffer.
 */

export type Wire = Record<string, unknown>;

export type ScalarType = 'int64' | 'uint64' | 'int32' | 'bool' | 'enum' | 'bytes' | 'string';

export interface FieldSpec {
  readonly name: string;
  readonly no: number;
  readonly type: ScalarType | 'message';
  readonly repeated: boolean;
  /** Member of a oneof: encoded even when it holds the default value. */
  readonly oneof: boolean;
  readonly message: (() => MessageSpec) | undefined;
  /** Enum value names by number (encoding accepts either). */
  readonly enumNames: readonly string[] | undefined;
  /** The field's tag as encoded (number and wire type; packed for repeated varints) and its size in bytes. */
  readonly tag: number;
  readonly tagSize: number;
}

export interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
}

/** A protobuf message that can't be decoded or a value that can't be encoded. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export type FieldDef =
  | readonly [no: number, type: ScalarType]
  | readonly [no: number, type: 'message', message: () => MessageSpec]
  | readonly [no: number, type: 'enum', names: readonly string[]];

export interface FieldOptions {
  readonly repeated?: readonly string[];
  readonly oneof?: readonly string[];
}

/** Declares a message: `message('KeyValue', { key: [1, 'bytes'], ... }, { repeated: [...] })`. */
export function message(name: string, defs: Readonly<Record<string, FieldDef>>, opts: FieldOptions = {}): MessageSpec {
  const fields: FieldSpec[] = Object.entries(defs).map(([fieldName, def]) => {
    const repeated = opts.repeated?.includes(fieldName) ?? false;
    const tag = def[0] * 8 + (isVarintType(def[1]) && !repeated ? WIRE_VARINT : WIRE_LEN);
    return {
      name: fieldName,
      no: def[0],
      type: def[1],
      repeated,
      oneof: opts.oneof?.includes(fieldName) ?? false,
      message: def[1] === 'message' ? def[2] : undefined,
      enumNames: def[1] === 'enum' ? def[2] : undefined,
      tag,
      tagSize: varintSize(tag),
    };
  });
  return { name, fields, byNumber: new Map(fields.map((f) => [f.no, f])) };
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
const TWO_POW_64 = 1n << 64n;

function isVarintType(t: FieldSpec['type']): boolean {
  return t === 'int64' || t === 'uint64' || t === 'int32' || t === 'bool' || t === 'enum';
}

// ---------- encoding ----------

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** A varint field value as a non-negative number, or as a bigint when it needs more than 53 bits. */
function toVarint(f: FieldSpec, v: unknown): number | bigint {
  if (f.type === 'bool') return v === true ? 1 : 0;
  if (f.type === 'enum' && typeof v === 'string') {
    const i = f.enumNames?.indexOf(v) ?? -1;
    if (i < 0) throw new ProtobufError(`${f.name}: unknown enum value ${v}`);
    return i;
  }
  let n: number | bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new ProtobufError(`${f.name}: ${v} is not an integer`);
    n = v;
  } else if (typeof v === 'bigint') {
    n = v;
  } else if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    n = BigInt(v);
  } else {
    throw new ProtobufError(`${f.name}: ${typeof v} is not an integer`);
  }
  if (typeof n === 'number' && n >= 0 && n <= Number.MAX_SAFE_INTEGER) return n;
  const b = BigInt(n);
  if (b >= 0n && b <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(b);
  if (b < -(1n << 63n) || b >= TWO_POW_64) throw new ProtobufError(`${f.name}: ${b} does not fit 64 bits`);
  return BigInt.asUintN(64, b); // negative int64: ten-byte two's complement
}

function bigVarintSize(v: bigint): number {
  let n = 1;
  while (v >= 128n) {
    v >>= 7n;
    n++;
  }
  return n;
}

const sizeOfVarint = (v: number | bigint): number => (typeof v === 'number' ? varintSize(v) : bigVarintSize(v));

function isDefault(f: FieldSpec, v: unknown): boolean {
  switch (f.type) {
    case 'bool':
      return v !== true;
    case 'string':
      return v === '';
    case 'bytes':
      return v instanceof Uint8Array && v.length === 0;
    case 'message':
      return false;
    default:
      return v === 0 || v === '0' || v === 0n || (f.type === 'enum' && v === f.enumNames?.[0]);
  }
}

function bytesOf(f: FieldSpec, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (f.type === 'bytes' && typeof v === 'string') return Buffer.from(v);
  throw new ProtobufError(`${f.name}: expected bytes`);
}

function stringOf(f: FieldSpec, v: unknown): string {
  if (typeof v !== 'string') throw new ProtobufError(`${f.name}: expected a string`);
  return v;
}

function subMessage(f: FieldSpec): MessageSpec {
  const m = f.message?.();
  if (m === undefined) throw new ProtobufError(`${f.name}: no message type`);
  return m;
}

function asWire(f: FieldSpec, v: unknown): Wire {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtobufError(`${f.name}: expected a message`);
  return v as Wire;
}

/** Size of one non-packed value (without its tag); nested message sizes go to `sizes` in pre-order. */
function measureValue(f: FieldSpec, v: unknown, sizes: number[]): number {
  switch (f.type) {
    case 'bytes': {
      const n = bytesOf(f, v).length;
      return varintSize(n) + n;
    }
    case 'string': {
      const n = Buffer.byteLength(stringOf(f, v));
      return varintSize(n) + n;
    }
    case 'message': {
      const slot = sizes.length;
      sizes.push(0);
      const n = measure(subMessage(f), asWire(f, v), sizes);
      sizes[slot] = n;
      return varintSize(n) + n;
    }
    default:
      return sizeOfVarint(toVarint(f, v));
  }
}

function measure(spec: MessageSpec, obj: Wire, sizes: number[]): number {
  let total = 0;
  for (const f of spec.fields) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    const tagBytes = f.tagSize;
    if (f.repeated) {
      if (!Array.isArray(v)) throw new ProtobufError(`${f.name}: expected a list`);
      if (v.length === 0) continue;
      if (isVarintType(f.type)) {
        let n = 0;
        for (const item of v as unknown[]) n += sizeOfVarint(toVarint(f, item));
        sizes.push(n);
        total += tagBytes + varintSize(n) + n;
      } else {
        for (const item of v as unknown[]) total += tagBytes + measureValue(f, item, sizes);
      }
      continue;
    }
    if (!f.oneof && isDefault(f, v)) continue;
    total += tagBytes + measureValue(f, v, sizes);
  }
  return total;
}

class Writer {
  pos: number;
  private slot = 0;
  constructor(
    readonly buf: Buffer,
    start: number,
    private readonly sizes: readonly number[],
  ) {
    this.pos = start;
  }

  nextSize(): number {
    return this.sizes[this.slot++] ?? 0;
  }

  varint(v: number | bigint): void {
    const buf = this.buf;
    if (typeof v === 'number') {
      while (v >= 128) {
        buf[this.pos++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      buf[this.pos++] = v;
      return;
    }
    while (v >= 128n) {
      buf[this.pos++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    buf[this.pos++] = Number(v);
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.varint(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }
}

function writeValue(w: Writer, f: FieldSpec, v: unknown): void {
  switch (f.type) {
    case 'bytes':
      w.varint(f.tag);
      w.bytes(bytesOf(f, v));
      return;
    case 'string':
      w.varint(f.tag);
      w.string(stringOf(f, v));
      return;
    case 'message':
      w.varint(f.tag);
      w.varint(w.nextSize());
      write(w, subMessage(f), asWire(f, v));
      return;
    default:
      w.varint(f.tag);
      w.varint(toVarint(f, v));
  }
}

function write(w: Writer, spec: MessageSpec, obj: Wire): void {
  for (const f of spec.fields) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    if (f.repeated) {
      const items = v as unknown[];
      if (items.length === 0) continue;
      if (isVarintType(f.type)) {
        w.varint(f.tag);
        w.varint(w.nextSize());
        for (const item of items) w.varint(toVarint(f, item));
      } else {
        for (const item of items) writeValue(w, f, item);
      }
      continue;
    }
    if (!f.oneof && isDefault(f, v)) continue;
    writeValue(w, f, v);
  }
}

/**
 * Encodes `obj` as `spec`; with `prefix` > 0 that many bytes are left free at the start (gRPC's
 * 5-byte frame header), so the frame needs no second copy.
 */
export function encode(spec: MessageSpec, obj: Wire, prefix = 0): Buffer {
  const sizes: number[] = [];
  const n = measure(spec, obj, sizes);
  const buf = Buffer.allocUnsafe(prefix + n);
  const w = new Writer(buf, prefix, sizes);
  write(w, spec, obj);
  if (w.pos !== prefix + n) throw new ProtobufError(`${spec.name}: encoded ${w.pos - prefix} bytes, measured ${n}`);
  return buf;
}

// ---------- decoding ----------

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  /** A varint as a number when it is below 2^53, else as a bigint. */
  varint(): number | bigint {
    const buf = this.buf;
    let result = 0;
    let mul = 1;
    const start = this.pos;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const b = buf[this.pos++] as number;
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
    // longer than 49 bits: redo exactly with bigints
    this.pos = start;
    let big = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const b = buf[this.pos++] as number;
      big |= BigInt(b & 127) << shift;
      if (b < 128) return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : BigInt.asUintN(64, big);
      shift += 7n;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  smallVarint(what: string): number {
    const v = this.varint();
    if (typeof v !== 'number' || v > 0x7fffffff) throw new ProtobufError(`${what} out of range`);
    return v;
  }

  slice(): Buffer {
    const n = this.smallVarint('length');
    if (n > this.end - this.pos) throw new ProtobufError('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.slice();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw new ProtobufError('truncated fixed-width field');
    this.pos += n;
  }
}

function fromVarint(f: FieldSpec, v: number | bigint): unknown {
  switch (f.type) {
    case 'bool':
      return v !== 0;
    case 'uint64':
      return typeof v === 'number' ? v : v.toString();
    case 'int32':
    case 'enum': {
      const n = typeof v === 'number' ? v : Number(BigInt.asIntN(32, v));
      return n > 0x7fffffff ? n - 2 ** 32 : n;
    }
    default: {
      if (typeof v === 'number') return v;
      const s = BigInt.asIntN(64, v);
      return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s.toString();
    }
  }
}

function readInto(spec: MessageSpec, r: Reader): Wire {
  const out: Wire = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    if (typeof tag !== 'number') throw new ProtobufError('field tag out of range');
    const no = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (no === 0) throw new ProtobufError('field number 0');
    const f = spec.byNumber.get(no);
    if (f === undefined) {
      r.skip(wireType);
      continue;
    }
    let value: unknown;
    if (isVarintType(f.type)) {
      if (wireType === WIRE_LEN && f.repeated) {
        const packed = r.slice();
        const pr = new Reader(packed, 0, packed.length);
        const list = (out[f.name] as unknown[] | undefined) ?? [];
        while (pr.pos < pr.end) list.push(fromVarint(f, pr.varint()));
        out[f.name] = list;
        continue;
      }
      if (wireType !== WIRE_VARINT) throw new ProtobufError(`${spec.name}.${f.name}: wire type ${wireType}, expected a varint`);
      value = fromVarint(f, r.varint());
    } else {
      if (wireType !== WIRE_LEN) throw new ProtobufError(`${spec.name}.${f.name}: wire type ${wireType}, expected length-delimited`);
      const b = r.slice();
      if (f.type === 'bytes') value = b;
      else if (f.type === 'string') value = b.toString('utf8');
      else value = readInto(subMessage(f), new Reader(b, 0, b.length));
    }
    if (f.repeated) {
      const list = (out[f.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[f.name] = list;
    } else {
      out[f.name] = value; // proto3: the last one wins
    }
  }
  return out;
}

/** Decodes `buf` (or `buf[start, end)`) as `spec`. Unknown fields are skipped. */
export function decode(spec: MessageSpec, buf: Buffer, start = 0, end = buf.length): Wire {
  return readInto(spec, new Reader(buf, start, end));
}
