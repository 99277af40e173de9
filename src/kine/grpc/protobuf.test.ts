import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as protoLoader from '@grpc/proto-loader';
import fc from 'fast-check';
import { ETCD_RPCS, EtcdMessages } from './etcd-messages.js';
import { decode, encode, message, ProtobufError, type MessageSpec, type Wire } from './protobuf.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('protobuf encode (known bytes)', () => {
  const M = message(
    'M',
    {
      n: [1, 'int64'],
      u: [2, 'uint64'],
      b: [3, 'bool'],
      s: [4, 'string'],
      raw: [5, 'bytes'],
      e: [6, 'enum', ['ZERO', 'ONE', 'TWO']],
      list: [7, 'enum', ['ZERO', 'ONE', 'TWO']],
      sub: [8, 'message', () => EtcdMessages.ResponseHeader],
      o: [9, 'int64'],
      far: [64, 'bytes'],
    },
    { repeated: ['list'], oneof: ['o'] },
  );
  const cases: [string, Wire, string][] = [
    ['empty', {}, ''],
    ['defaults are skipped', { n: 0, u: '0', b: false, s: '', raw: Buffer.alloc(0), e: 'ZERO', list: [] }, ''],
    ['varint 1', { n: 1 }, '0801'],
    ['varint 300', { n: 300 }, '08ac02'],
    ['int64 -1 is ten bytes', { n: -1 }, '08ffffffffffffffffff01'],
    ['int64 from a string', { n: '-2' }, '08feffffffffffffffff01'],
    ['uint64 above 2^53 from a string', { u: '14841639068965178418' }, '10b298eaf1948386fccd01'],
    ['bool', { b: true }, '1801'],
    ['string (utf-8)', { s: 'é' }, '2202c3a9'],
    ['bytes', { raw: Buffer.from([0, 255]) }, '2a0200ff'],
    ['enum by name', { e: 'TWO' }, '3002'],
    ['enum by number', { e: 1 }, '3001'],
    ['repeated enum is packed', { list: ['ONE', 'TWO', 0] }, '3a03010200'],
    ['nested message', { sub: { revision: 5 } }, '42021805'],
    ['empty nested message is still sent', { sub: {} }, '4200'],
    ['oneof member at its default is sent', { o: 0 }, '4800'],
    ['field 64 has a two-byte tag', { far: Buffer.from('z') }, '820401' + '7a'],
    ['null and undefined are absent', { n: null, s: undefined }, ''],
  ];
  for (const [name, obj, want] of cases) {
    it(name, () => assert.equal(hex(encode(M, obj)), want));
  }

  it('leaves room for a frame header', () => {
    const b = encode(M, { n: 1 }, 5);
    assert.equal(hex(b.subarray(5)), '0801');
    assert.equal(b.length, 7);
  });

  const bad: [string, Wire, RegExp][] = [
    ['unknown enum name', { e: 'THREE' }, /e: unknown enum value THREE/],
    ['fraction', { n: 1.5 }, /n: 1.5 is not an integer/],
    ['not a number', { n: 'x' }, /n: string is not an integer/],
    ['out of 64 bits', { n: '18446744073709551616' }, /does not fit 64 bits/],
    ['string for bytes is taken as utf-8, a number is not', { raw: 5 }, /raw: expected bytes/],
    ['list expected', { list: 'ONE' }, /list: expected a list/],
    ['message expected', { sub: 'x' }, /sub: expected a message/],
  ];
  for (const [name, obj, want] of bad) {
    it(`refuses ${name}`, () => assert.throws(() => encode(M, obj), (e: unknown) => e instanceof ProtobufError && want.test(e.message)));
  }
});

describe('protobuf decode (known bytes)', () => {
  const H = EtcdMessages.ResponseHeader;
  const cases: [string, MessageSpec, string, Wire][] = [
    ['empty', H, '', {}],
    ['numbers', H, '0801' + '1805', { cluster_id: 1, revision: 5 }],
    ['uint64 above 2^53 as a decimal string', H, '08b298eaf1948386fccd01', { cluster_id: '14841639068965178418' }],
    ['negative int64', H, '18ffffffffffffffffff01', { revision: -1 }],
    ['int64 below -2^53 as a string', H, '1880808080808080f0ff01', { revision: '-9007199254740992' }],
    ['unknown fields of every wire type are skipped', H, '2a0161' + '310500000000000000' + '3d01000000' + '1802', { revision: 2 }],
    ['last one wins', H, '18011802', { revision: 2 }],
    ['packed and unpacked repeated enums', EtcdMessages.WatchRequest, '0a06' + '2a020001' + '2801', { create_request: { filters: [0, 1, 1] } }],
    ['oneof default present', EtcdMessages.Compare, '3000', { mod_revision: 0 }],
  ];
  for (const [name, spec, bytes, want] of cases) {
    it(name, () => assert.deepEqual(decode(spec, Buffer.from(bytes, 'hex')), want));
  }

  it('returns bytes as views and strings decoded', () => {
    const out = decode(EtcdMessages.WatchResponse, Buffer.from('32026869', 'hex'));
    assert.deepEqual(out, { cancel_reason: 'hi' });
    const kv = decode(EtcdMessages.KeyValue, Buffer.from('0a01612a00', 'hex'));
    assert.ok(Buffer.isBuffer(kv.key));
    assert.deepEqual(kv, { key: Buffer.from('a'), value: Buffer.alloc(0) });
  });

  const bad: [string, string, RegExp][] = [
    ['a truncated varint', '1880', /truncated varint/],
    ['a truncated length', '2a05616263', /truncated length-delimited/],
    ['a varint field sent as bytes', '0a0161', /cluster_id: wire type 2, expected a varint/],
    ['wire type 3 (groups)', '2b', /unsupported wire type 3/],
    ['field number 0', '0001', /field number 0/],
    ['a varint longer than 10 bytes', '18ffffffffffffffffffff01', /longer than 10 bytes/],
    ['a truncated fixed64', '290102', /truncated fixed-width/],
  ];
  for (const [name, bytes, want] of bad) {
    it(`refuses ${name}`, () =>
      assert.throws(() => decode(EtcdMessages.ResponseHeader, Buffer.from(bytes, 'hex')), (e: unknown) => e instanceof ProtobufError && want.test(e.message)));
  }
});

// ---- differential against protobufjs (through @grpc/proto-loader) on random messages ----

const protoDir = fileURLToPath(new URL('../../../proto/etcd/', import.meta.url));
const pkg = protoLoader.loadSync('rpc.proto', { keepCase: true, longs: String, enums: Number, bytes: Buffer, defaults: false, oneofs: false, includeDirs: [protoDir] });

interface Codec {
  serialize(v: unknown): Buffer;
  deserialize(b: Buffer): unknown;
}
function oracle(path: string, side: 'request' | 'response'): Codec {
  const [, service, method] = path.split('/');
  const def = (pkg[`${service ?? ''}`] as Record<string, protoLoader.MethodDefinition<unknown, unknown>> | undefined)?.[method ?? ''];
  if (def === undefined) throw new Error(`no ${path} in the protos`);
  return side === 'request'
    ? { serialize: (v) => def.requestSerialize(v), deserialize: (b) => def.requestDeserialize(b) }
    : { serialize: (v) => def.responseSerialize(v), deserialize: (b) => def.responseDeserialize(b) };
}

/** One normal form for both codecs: numbers as decimal strings, bytes as hex, defaults dropped. */
function canon(v: unknown): unknown {
  if (v === null || v === undefined || v === false || v === 0 || v === '0' || v === '') return undefined;
  if (typeof v === 'number' || typeof v === 'bigint') return BigInt(v).toString();
  if (typeof v === 'string') return /^-?\d+$/.test(v) ? BigInt(v).toString() : v;
  if (Buffer.isBuffer(v)) return v.length === 0 ? undefined : `0x${v.toString('hex')}`;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => canon(x) ?? 'DEFAULT');
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const c = canon(x);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return v;
}
/** A message that is present but empty stays present (proto3 keeps sub-message presence). */
function canonTop(v: unknown): unknown {
  return canon(v) ?? {};
}

function arbitrary(spec: MessageSpec, depth: number): fc.Arbitrary<Wire> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  const oneofs = spec.fields.filter((f) => f.oneof).map((f) => f.name);
  for (const f of spec.fields) {
    let a: fc.Arbitrary<unknown>;
    switch (f.type) {
      case 'int64':
        a = fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String));
        break;
      case 'uint64':
        a = fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String));
        break;
      case 'int32':
        a = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
        break;
      case 'bool':
        a = fc.boolean();
        break;
      case 'enum':
        a = fc.nat({ max: (f.enumNames?.length ?? 1) - 1 });
        break;
      case 'bytes':
        a = fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u));
        break;
      case 'string':
        a = fc.string({ maxLength: 20, unit: 'grapheme' });
        break;
      case 'message': {
        const sub = f.message?.();
        if (sub === undefined || depth <= 0) continue;
        a = arbitrary(sub, depth - 1);
        break;
      }
    }
    fields[f.name] = f.repeated ? fc.array(a, { maxLength: 3 }) : a;
  }
  const nonOneof = Object.keys(fields).filter((k) => !oneofs.includes(k));
  const presentOneofs = oneofs.filter((k) => k in fields);
  const base = fc.record(Object.fromEntries(nonOneof.map((k) => [k, fields[k] as fc.Arbitrary<unknown>])), { requiredKeys: [] });
  if (presentOneofs.length === 0) return base;
  // at most one member of a oneof is set
  return fc
    .tuple(base, fc.option(fc.constantFrom(...presentOneofs), { nil: undefined }))
    .chain(([b, k]) => (k === undefined ? fc.constant(b) : (fields[k] as fc.Arbitrary<unknown>).map((v) => ({ ...(b), [k]: v }))));
}

describe('protobuf codec vs protobufjs, every etcd message kine serves', () => {
  for (const [name, rpc] of Object.entries(ETCD_RPCS)) {
    for (const side of ['request', 'response'] as const) {
      const spec = side === 'request' ? rpc.request : rpc.response;
      const ref = oracle(rpc.path, side);
      it(`${name} ${side}: ours encodes what protobufjs decodes, and decodes what it encodes`, () => {
        fc.assert(
          fc.property(arbitrary(spec, 3), (msg) => {
            assert.deepEqual(canonTop(ref.deserialize(encode(spec, msg))), canonTop(msg), 'ours -> protobufjs');
            assert.deepEqual(canonTop(decode(spec, ref.serialize(msg))), canonTop(msg), 'protobufjs -> ours');
          }),
          { numRuns: 150 },
        );
      });
    }
  }
});
