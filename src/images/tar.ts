/**
 * A deterministic tar writer for image layers and OCI archives. `writeTar` is pure: the same entries
 * always give the same bytes (uid/gid 0, empty uname/gname, mtime 0, ustar headers, a PAX extended
 * header only for names or link targets longer than 100 bytes, two zero blocks at the end).
 * `tarEntriesFromDir` is the one I/O helper: it reads a directory tree into entries.
 */
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { VClusterError } from '../lib/errors.js';

export type TarEntry =
  | { readonly type: 'dir'; readonly name: string; /** @default 0o755 */ readonly mode?: number }
  | {
      readonly type: 'file';
      readonly name: string;
      readonly data: Buffer;
      /** @default 0o644 */ readonly mode?: number;
    }
  | { readonly type: 'symlink'; readonly name: string; readonly target: string }
  /** `target` is the archive name of an earlier entry. */
  | { readonly type: 'hardlink'; readonly name: string; readonly target: string };

const BLOCK = 512;
const NAME_MAX = 100;
const MAX_SIZE = 0o77777777777; // what 11 octal digits hold (8 GiB - 1)

const TYPE_FLAG: Readonly<Record<TarEntry['type'] | 'pax', string>> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  dir: '5',
  pax: 'x',
};

interface Header {
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly type: string;
  readonly linkname: string;
}

/** The whole archive for `entries`, in the order given. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const name = checkName(entry.name);
    if (seen.has(name)) throw new VClusterError(`tar: duplicate entry "${name}"`);
    const archiveName = entry.type === 'dir' ? `${name}/` : name;
    const linkname = entry.type === 'symlink' || entry.type === 'hardlink' ? entry.target : '';
    if ((entry.type === 'symlink' || entry.type === 'hardlink') && linkname === '') {
      throw new VClusterError(`tar: link "${name}" has no target`);
    }
    if (entry.type === 'hardlink' && !seen.has(linkname)) {
      throw new VClusterError(`tar: hard link "${name}" to "${linkname}", which is not an earlier entry`);
    }
    seen.add(name);
    const data = entry.type === 'file' ? entry.data : Buffer.alloc(0);
    if (data.length > MAX_SIZE) throw new VClusterError(`tar: "${name}" is larger than 8 GiB`);

    const pax: [string, string][] = [];
    if (Buffer.byteLength(archiveName) > NAME_MAX) pax.push(['path', archiveName]);
    if (Buffer.byteLength(linkname) > NAME_MAX) pax.push(['linkpath', linkname]);
    if (pax.length > 0) {
      const records = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
      parts.push(
        header({
          name: paxHeaderName(name),
          mode: 0o644,
          size: records.length,
          type: TYPE_FLAG.pax,
          linkname: '',
        }),
        padded(records),
      );
    }
    parts.push(
      header({
        name: truncateUtf8(archiveName, NAME_MAX),
        mode: modeOf(entry) & 0o7777,
        size: data.length,
        type: TYPE_FLAG[entry.type],
        linkname: truncateUtf8(linkname, NAME_MAX),
      }),
    );
    if (data.length > 0) parts.push(padded(data));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function modeOf(entry: TarEntry): number {
  switch (entry.type) {
    case 'dir':
      return entry.mode ?? 0o755;
    case 'file':
      return entry.mode ?? 0o644;
    case 'symlink':
    case 'hardlink':
      return 0o777;
  }
}

/** Archive names are relative, '/'-separated, with no empty, '.' or '..' parts. */
function checkName(name: string): string {
  const parts = name.split('/');
  if (name === '' || parts.some((p) => p === '' || p === '.' || p === '..') || name.includes('\0')) {
    throw new VClusterError(`tar: invalid entry name "${name}" (want a relative path like "bin/sh")`);
  }
  return name;
}

/** One "<len> <key>=<value>\n" record; <len> counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length + bodyLen !== len) len = bodyLen + String(len).length;
  return `${len}${body}`;
}

/** Like Go's archive/tar: "<dir>/PaxHeaders.0/<base>", cut to 100 bytes. */
function paxHeaderName(name: string): string {
  const slash = name.lastIndexOf('/');
  const dir = slash < 0 ? '' : `${name.slice(0, slash)}/`;
  const full = `${dir}PaxHeaders.0/${name.slice(slash + 1)}`;
  return Buffer.byteLength(full) <= NAME_MAX
    ? full
    : truncateUtf8(`PaxHeaders.0/${name.slice(slash + 1)}`, NAME_MAX);
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes that does not split a character. */
function truncateUtf8(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

function header(h: Header): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, NAME_MAX, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0); // uid
  octal(b, 116, 8, 0); // gid
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, 0); // mtime
  b.write(h.type, 156, 1, 'ascii');
  b.write(h.linkname, 157, NAME_MAX, 'utf8');
  b.write('ustar\0', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  // uname (265) and gname (297) stay empty; devmajor and devminor are numbers.
  octal(b, 329, 8, 0);
  octal(b, 337, 8, 0);
  b.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return b;
}

/** A zero-padded octal number filling `width - 1` bytes, then a NUL. */
function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

/** `data` followed by zeros up to the next block boundary. */
function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/**
 * The tree under `dir` as entries named relative to it (under `prefix`, if given), depth first with
 * each directory's children sorted by name. Keeps permission bits (setuid/setgid/sticky included),
 * symlinks as symlinks, and files with several links as hard links to their first name.
 * Sockets, FIFOs and devices are refused.
 */
export async function tarEntriesFromDir(dir: string, prefix = ''): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const firstName = new Map<string, string>(); // "dev:ino" → archive name, for hard links
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const base of names) {
      const path = join(abs, base);
      const name = rel === '' ? base : `${rel}/${base}`;
      const st = await lstat(path);
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        entries.push({ type: 'dir', name, mode });
        await walk(path, name);
      } else if (st.isSymbolicLink()) {
        entries.push({ type: 'symlink', name, target: await readlink(path) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? firstName.get(key) : undefined;
        if (first !== undefined) entries.push({ type: 'hardlink', name, target: first });
        else {
          if (st.nlink > 1) firstName.set(key, name);
          entries.push({ type: 'file', name, mode, data: await readFile(path) });
        }
      } else {
        throw new VClusterError(`tar: ${path} is not a file, directory or symlink`);
      }
    }
  };
  const parts = prefix === '' ? [] : checkName(prefix).split('/');
  parts.forEach((_, i) => entries.push({ type: 'dir', name: parts.slice(0, i + 1).join('/') }));
  await walk(dir, parts.join('/'));
  return entries;
}
