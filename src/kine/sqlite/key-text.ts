/**
 * kine's schema stores keys in a TEXT column, and SQLite orders TEXT by its UTF-8 bytes, which is
 * etcd's key order. Keys written must therefore be valid UTF-8 (every Kubernetes key is). Range
 * bounds need not be (a prefix end such as "a\xC0" is not): they are replaced by the smallest valid
 * UTF-8 string that is >= the bound, which selects exactly the same set of valid keys.
 */
import { isUtf8 } from 'node:buffer';
import { Errors } from '../errors.js';
import type { KeyRange } from '../types.js';

/** kine keeps its own compaction record in a row named compact_rev_key; the apiserver's key of the same name is stored under this alias (as Go kine does). */
export const COMPACT_ROW_NAME = 'compact_rev_key';
export const COMPACT_KEY_ALIAS = 'compact_rev_key_apiserver';

export function keyToName(key: Buffer): string {
  if (!isUtf8(key)) throw Errors.keyNotUtf8();
  const name = key.toString('utf8');
  return name === COMPACT_ROW_NAME ? COMPACT_KEY_ALIAS : name;
}

export function nameToKey(name: string): Buffer {
  return Buffer.from(name === COMPACT_KEY_ALIAS ? COMPACT_ROW_NAME : name, 'utf8');
}

/** Index of the first byte of the first invalid UTF-8 sequence, or -1 when `b` is valid. */
export function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c === 0xe0) lo = 0xa0; if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c === 0xf0) lo = 0x90; if (c === 0xf4) hi = 0x8f; }
    else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      const l = k === 1 ? lo : 0x80;
      const h = k === 1 ? hi : 0xbf;
      if (d < l || d > h) return i;
    }
    i += need + 1;
  }
  return -1;
}

const MAX_CODE_POINT = 0x10ffff;

function encode(cp: number): Buffer {
  // Surrogates have no UTF-8 encoding; map them to the next encodable code point (keeps order).
  const c = cp >= 0xd800 && cp <= 0xdfff ? 0xe000 : cp;
  return Buffer.from(String.fromCodePoint(c), 'utf8');
}

/** The smallest valid UTF-8 string that is >= `b` bytewise, or undefined when none exists. */
export function smallestUtf8AtLeast(b: Buffer): string | undefined {
  const bad = firstInvalidUtf8(b);
  if (bad < 0) return b.toString('utf8');
  const prefix = b.subarray(0, bad).toString('utf8');
  const rest = b.subarray(bad);
  // No valid character is a prefix of `rest` (it starts with an invalid sequence), so the answer is
  // prefix + the smallest character whose encoding sorts after `rest`, if there is one.
  if (Buffer.compare(encode(MAX_CODE_POINT), rest) > 0) {
    let lo = 0;
    let hi = MAX_CODE_POINT;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (Buffer.compare(encode(mid), rest) > 0) hi = mid;
      else lo = mid + 1;
    }
    return prefix + String.fromCodePoint(lo >= 0xd800 && lo <= 0xdfff ? 0xe000 : lo);
  }
  // Otherwise bump the last character of the prefix that can be bumped.
  const chars = Array.from(prefix);
  while (chars.length > 0) {
    const last = chars.pop() ?? '';
    let next = (last.codePointAt(0) ?? 0) + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= MAX_CODE_POINT) return chars.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

/** SQL bounds for a key range: name >= start AND (end undefined OR name < end). */
export type NameBounds =
  | { readonly kind: 'single'; readonly name: string }
  | { readonly kind: 'range'; readonly start: string; readonly end: string | undefined }
  | { readonly kind: 'empty' };

export function rangeToBounds(r: KeyRange): NameBounds {
  if (r.end.length === 0) {
    if (!isUtf8(r.key)) return { kind: 'empty' }; // such a key cannot have been written
    return { kind: 'single', name: keyToName(r.key) };
  }
  const start = smallestUtf8AtLeast(r.key);
  if (start === undefined) return { kind: 'empty' };
  if (r.end.length === 1 && r.end[0] === 0) return { kind: 'range', start, end: undefined };
  if (Buffer.compare(r.key, r.end) >= 0) return { kind: 'empty' };
  return { kind: 'range', start, end: smallestUtf8AtLeast(r.end) };
}

/** Whether `key` lies in the range, in etcd's encoding (used to route live watch events). */
export function keyInRange(key: Buffer, r: KeyRange): boolean {
  if (r.end.length === 0) return key.equals(r.key);
  if (Buffer.compare(key, r.key) < 0) return false;
  if (r.end.length === 1 && r.end[0] === 0) return true;
  return Buffer.compare(key, r.end) < 0;
}
