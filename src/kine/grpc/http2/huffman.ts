/**
 * The HPACK Huffman code (RFC 7541 Appendix B), decoding only: we never Huffman-encode what we
 * send, but clients (Go's grpc among them) Huffman-encode header strings. The code is canonical, so
 * the bit length of each of the 257 symbols (256 octets + EOS) defines it completely; lengths are
 * written below one letter per symbol, 'a' = 5 bits ... 'z' = 30 bits.
 */
import { VClusterError } from '../../../lib/errors.js';

const LENGTHS =
  'isxxxxxxxtzxxzxxxxxxxxzxxxxxxxxxbffhibdgffdgdbbbaaabbbbbbbcdkbhf' +
  'ibccccccccccccccccccccccdcdioijbkabababbbaccbbbabcbaabccccckgjix' +
  'prpprrrsrssssststtrstssssqrsrsstrqprrssqsrrtqrssqqrqsrssprrrsrrs' +
  'vvporsruvvvwwvtuoqvwwvwtqqvvxwwwptpqrqqsrruuttvsvwvvwwwwwxwwwwwv' +
  'z';

const EOS = 256;
const MAX_BITS = 30;

export class HuffmanError extends VClusterError {}

/** Canonical decoding tables: for each bit length, the first code, its index into `symbols`, and how many codes there are. */
interface Tables {
  readonly firstCode: Int32Array;
  readonly firstIndex: Int32Array;
  readonly count: Int32Array;
  readonly symbols: Uint16Array;
}

function buildTables(): Tables {
  const lengths = Array.from(LENGTHS, (c) => c.charCodeAt(0) - 'a'.charCodeAt(0) + 5);
  const count = new Int32Array(MAX_BITS + 1);
  for (const l of lengths) count[l] = (count[l] ?? 0) + 1;
  const symbols = new Uint16Array(lengths.length);
  // symbols ordered by (length, symbol): the canonical order
  const order = lengths.map((l, s) => [l, s] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  order.forEach(([, s], i) => (symbols[i] = s));
  const firstCode = new Int32Array(MAX_BITS + 1);
  const firstIndex = new Int32Array(MAX_BITS + 1);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    firstCode[len] = code;
    firstIndex[len] = index;
    const n = count[len] ?? 0;
    code = (code + n) * 2;
    index += n;
  }
  return { firstCode, firstIndex, count, symbols };
}

/** Pure data derived from LENGTHS (~1 KiB, built in well under a millisecond). */
const TABLES = buildTables();

/** Decodes a Huffman-coded header string; padding must be < 8 bits of ones (RFC 7541 §5.2). */
export function huffmanDecode(buf: Uint8Array): Buffer {
  const { firstCode, firstIndex, count, symbols } = TABLES;
  const out: number[] = [];
  let code = 0;
  let len = 0;
  let ones = true; // the bits of the current partial code are all ones
  for (const byte of buf) {
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1;
      code = code * 2 + b;
      len++;
      ones &&= b === 1;
      const offset = code - (firstCode[len] ?? 0);
      if (offset >= 0 && offset < (count[len] ?? 0)) {
        const sym = symbols[(firstIndex[len] ?? 0) + offset] ?? EOS;
        if (sym === EOS) throw new HuffmanError('huffman: EOS symbol inside a string');
        out.push(sym);
        code = 0;
        len = 0;
        ones = true;
      } else if (len >= MAX_BITS) {
        throw new HuffmanError('huffman: invalid code');
      }
    }
  }
  if (len > 7 || !ones) throw new HuffmanError('huffman: invalid padding');
  return Buffer.from(out);
}
