import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDecoder, FrameError, sealFrame } from './framing.js';
import { decodeGrpcMessage, encodeGrpcMessage, GrpcCode } from './status.js';

const frame = (payload: string): Buffer => {
  const b = Buffer.alloc(5 + payload.length);
  b.write(payload, 5);
  return sealFrame(b);
};

describe('FrameDecoder', () => {
  const whole = Buffer.concat([frame('abc'), frame(''), frame('hello')]);
  const cases: [string, number[]][] = [
    ['all in one chunk', [whole.length]],
    ['byte by byte', Array.from({ length: whole.length }, () => 1)],
    ['split inside a header', [2, 6, whole.length - 8]],
    ['split inside a payload', [7, whole.length - 7]],
    ['a chunk ending exactly at a message boundary', [8, 5, whole.length - 13]],
  ];
  for (const [name, sizes] of cases) {
    it(`reassembles messages: ${name}`, () => {
      const d = new FrameDecoder(1024);
      const got: string[] = [];
      let pos = 0;
      for (const n of sizes) {
        for (const m of d.push(whole.subarray(pos, pos + n))) got.push(m.toString());
        pos += n;
      }
      assert.deepEqual(got, ['abc', '', 'hello']);
      assert.equal(d.pending(), 0);
    });
  }

  it('keeps an incomplete message pending', () => {
    const d = new FrameDecoder(1024);
    assert.deepEqual(d.push(frame('abcdef').subarray(0, 8)), []);
    assert.equal(d.pending(), 8);
  });

  const bad: [string, Buffer, number, RegExp][] = [
    ['a compressed message', Buffer.from([1, 0, 0, 0, 1, 0]), GrpcCode.UNIMPLEMENTED, /compressed messages are not supported/],
    ['an unknown flag', Buffer.from([7, 0, 0, 0, 0]), GrpcCode.INTERNAL, /invalid frame flag 7/],
    ['a message over the limit', Buffer.from([0, 0, 0, 4, 1]), GrpcCode.RESOURCE_EXHAUSTED, /larger than max \(1025 vs\. 1024\)/],
  ];
  for (const [name, bytes, code, msg] of bad) {
    it(`refuses ${name}`, () =>
      assert.throws(
        () => new FrameDecoder(1024).push(bytes),
        (e: unknown) => e instanceof FrameError && e.status.code === code && msg.test(e.status.details),
      ));
  }
});

describe('grpc-message percent-encoding', () => {
  const cases: [string, string][] = [
    ['etcdserver: key not found', 'etcdserver: key not found'],
    ['100%', '100%25'],
    ['naïve\n', 'na%C3%AFve%0A'],
  ];
  for (const [raw, enc] of cases) {
    it(JSON.stringify(raw), () => {
      assert.equal(encodeGrpcMessage(raw), enc);
      assert.equal(decodeGrpcMessage(enc), raw);
    });
  }
});
