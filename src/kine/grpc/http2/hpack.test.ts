import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHeaders, HpackDecoder, HpackError, type HeaderList } from './hpack.js';
import { huffmanDecode, HuffmanError } from './huffman.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const LIMIT = 1 << 20;

describe('huffmanDecode (RFC 7541 Appendix C strings)', () => {
  const cases: [string, string][] = [
    ['f1e3 c2e5 f23a 6ba0 ab90 f4ff', 'www.example.com'],
    ['a8eb 1064 9cbf', 'no-cache'],
    ['25a8 49e9 5ba9 7d7f', 'custom-key'],
    ['25a8 49e9 5bb8 e8b4 bf', 'custom-value'],
    ['6402', '302'],
    ['aec3 771a 4b', 'private'],
    ['d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3', 'https://www.example.com'],
    ['', ''],
  ];
  for (const [h, want] of cases) {
    it(`decodes ${JSON.stringify(want)}`, () => assert.equal(huffmanDecode(hex(h)).toString('latin1'), want));
  }

  it('rejects padding of 8 bits or more, padding that is not all ones, and EOS inside a string', () => {
    assert.throws(() => huffmanDecode(hex('ff')), HuffmanError); // 8 bits of ones: too much padding
    assert.throws(() => huffmanDecode(hex('00')), HuffmanError); // '0' (00000) then 000: padding must be ones
    assert.throws(() => huffmanDecode(hex('ffff fffc')), HuffmanError); // the 30-bit EOS code
  });
});

describe('HpackDecoder (RFC 7541 Appendix C)', () => {
  it('C.3: requests without Huffman coding, sharing a dynamic table', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'), LIMIT), [
      [':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'],
    ]);
    assert.deepEqual(d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865'), LIMIT), [
      [':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'], ['cache-control', 'no-cache'],
    ]);
    assert.deepEqual(d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'), LIMIT), [
      [':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value'],
    ]);
  });

  it('C.4: the same requests with Huffman coding', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'), LIMIT)[3], [':authority', 'www.example.com']);
    assert.deepEqual(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'), LIMIT)[4], ['cache-control', 'no-cache']);
    assert.deepEqual(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'), LIMIT), [
      [':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value'],
    ]);
  });

  it('C.6: responses with a 256-byte table, where the oldest entries are evicted', () => {
    const d = new HpackDecoder(256);
    const first = d.decode(
      hex('4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3'),
      LIMIT,
    );
    const want: HeaderList = [
      [':status', '302'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com'],
    ];
    assert.deepEqual(first, want);
    // :status 307 is added, which evicts ":status 302" (4 entries of 222 bytes + 42 > 256)
    assert.deepEqual(d.decode(hex('4883 640e ff c1 c0 bf'), LIMIT), [[':status', '307'], ...want.slice(1)]);
    assert.throws(() => d.decode(hex('c5'), LIMIT), /index 69 is not in the table/);
  });

  it('refuses bad blocks with an HpackError', () => {
    const bad: [string, string, RegExp][] = [
      ['index 0', '80', /index 0/],
      ['an index past the tables', 'ff 00', /not in the table/],
      ['a truncated string', '0f 10 05 6162', /truncated string/],
      ['a truncated integer', '0f ff', /truncated integer/],
      ['a table size over our limit', '3f e2 1f', /over the limit/],
      ['a table size update after a field', '82 20', /after a header field/],
      ['bad Huffman padding', '0f 10 81 00', /padding/],
    ];
    for (const [what, h, re] of bad) {
      assert.throws(() => new HpackDecoder().decode(hex(h), LIMIT), (e: unknown) => e instanceof HpackError && re.test(e.message), what);
    }
    assert.throws(() => new HpackDecoder().decode(encodeHeaders([['x-big', 'v'.repeat(100)]]), 64), /header list larger than 64 bytes/);
  });
});

describe('encodeHeaders', () => {
  it('uses the static table where it matches and literals without indexing otherwise', () => {
    assert.deepEqual(encodeHeaders([[':status', '200']]), hex('88'));
    assert.deepEqual(encodeHeaders([['content-type', 'application/grpc']]), Buffer.concat([hex('0f10 10'), Buffer.from('application/grpc')]));
    assert.deepEqual(encodeHeaders([['grpc-status', '0']]), Buffer.concat([hex('000b'), Buffer.from('grpc-status'), hex('01'), Buffer.from('0')]));
  });

  it('round-trips through the decoder, long values included, and leaves its table empty', () => {
    const list: HeaderList = [
      [':status', '200'], [':status', '415'], ['content-type', 'application/grpc'], ['grpc-status', '13'],
      ['grpc-message', `a%20long message ${'x'.repeat(300)}`], ['x-empty', ''],
    ];
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(encodeHeaders(list), LIMIT), list);
    assert.deepEqual(d.decode(encodeHeaders(list), LIMIT), list);
    assert.throws(() => d.decode(hex('be'), LIMIT), /not in the table/); // nothing was indexed
  });
});
