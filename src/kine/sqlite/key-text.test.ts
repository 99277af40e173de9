import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { firstInvalidUtf8, keyInRange, keyToName, nameToKey, rangeToBounds, smallestUtf8AtLeast } from './key-text.js';

const b = (hex: string): Buffer => Buffer.from(hex.replace(/ /g, ''), 'hex');
const s = (str: string): Buffer => Buffer.from(str, 'utf8');

describe('firstInvalidUtf8', () => {
  const cases: [string, Buffer, number][] = [
    ['ascii', s('/registry/pods/'), -1],
    ['multi-byte', s('é€😀'), -1],
    ['lone continuation', b('61 80'), 1],
    ['overlong C0', b('c0 80'), 0],
    ['truncated 3-byte', b('61 e2 82'), 1],
    ['surrogate ED A0', b('ed a0 80'), 0],
    ['above U+10FFFF', b('f4 90 80 80'), 0],
    ['F5 lead', b('f5'), 0],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(firstInvalidUtf8(input), want));
});

describe('smallestUtf8AtLeast', () => {
  const cases: [string, Buffer, string | undefined][] = [
    ['valid passes through', s('abc'), 'abc'],
    ['prefix end of "¿" (C2 BF -> C2 C0)', b('c2 c0'), 'À'], // U+00C0 = C3 80
    ['bare continuation byte', b('61 80'), 'a\u0080'],
    ['bytes above every character bump the prefix', b('61 ff'), 'b'],
    ['nothing above', b('f5'), undefined],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(smallestUtf8AtLeast(input), want));

  it('selects the same valid keys as the raw bound (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 6 }), (key, raw) => {
        const bound = Buffer.from(raw);
        const k = Buffer.from(key, 'utf8');
        const sub = smallestUtf8AtLeast(bound);
        const want = Buffer.compare(k, bound) >= 0;
        const got = sub === undefined ? false : Buffer.compare(k, Buffer.from(sub, 'utf8')) >= 0;
        return want === got;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rangeToBounds', () => {
  const cases: [string, Buffer, Buffer, ReturnType<typeof rangeToBounds>][] = [
    ['single key', s('/a'), Buffer.alloc(0), { kind: 'single', name: '/a' }],
    ['prefix', s('/registry/pods/'), s('/registry/pods0'), { kind: 'range', start: '/registry/pods/', end: '/registry/pods0' }],
    ['from key (end \\x00)', s('a'), b('00'), { kind: 'range', start: 'a', end: undefined }],
    ['key >= end is empty', s('b'), s('a'), { kind: 'empty' }],
    ['continue key with \\x00', s('/r/a\u0000'), s('/r0'), { kind: 'range', start: '/r/a\u0000', end: '/r0' }],
    ['apiserver compact key alias', s('compact_rev_key'), Buffer.alloc(0), { kind: 'single', name: 'compact_rev_key_apiserver' }],
  ];
  for (const [name, key, end, want] of cases) it(name, () => assert.deepEqual(rangeToBounds({ key, end }), want));
});

describe('keyInRange', () => {
  const cases: [string, string, Buffer, Buffer, boolean][] = [
    ['single hit', 'a', s('a'), Buffer.alloc(0), true],
    ['single miss', 'ab', s('a'), Buffer.alloc(0), false],
    ['prefix hit', '/p/x', s('/p/'), s('/p0'), true],
    ['end exclusive', '/p0', s('/p/'), s('/p0'), false],
    ['from key', 'zzz', s('a'), b('00'), true],
  ];
  for (const [name, key, start, end, want] of cases) it(name, () => assert.equal(keyInRange(s(key), { key: start, end }), want));
});

describe('key names', () => {
  it('round-trips and aliases compact_rev_key', () => {
    assert.equal(keyToName(s('compact_rev_key')), 'compact_rev_key_apiserver');
    assert.deepEqual(nameToKey('compact_rev_key_apiserver'), s('compact_rev_key'));
    assert.deepEqual(nameToKey(keyToName(s('/x/é'))), s('/x/é'));
  });
  it('rejects keys that are not UTF-8 with InvalidArgument', () => {
    assert.throws(() => keyToName(b('ff')), /not valid UTF-8/);
  });
});
