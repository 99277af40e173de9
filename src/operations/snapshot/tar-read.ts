/**
 * A strict reader for the tar archives src/images/tar.ts writes: ustar headers with checked
 * checksums, regular files and directories, PAX `path` records. Anything else (links, devices, names
 * leaving the archive, a truncated body) is refused. Pure.
 */
import { VClusterError } from '../../lib/errors.js';

const BLOCK = 512;

export interface TarFile {
  readonly name: string;
  readonly data: Buffer;
}

function field(b: Buffer, offset: number, width: number): string {
  const raw = b.subarray(offset, offset + width);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

function octalField(b: Buffer, offset: number, width: number, what: string): number {
  const text = field(b, offset, width).trim();
  if (!/^[0-7]*$/.test(text)) throw new VClusterError(`tar: bad ${what} field "${text}"`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return octalField(h, 148, 8, 'checksum') === sum;
}

function paxPath(records: Buffer): string | undefined {
  let rest = records.toString('utf8');
  let path: string | undefined;
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const len = Number(rest.slice(0, space));
    if (space < 1 || !Number.isInteger(len) || len <= space) throw new VClusterError('tar: bad PAX record');
    const body = rest.slice(space + 1, len - 1);
    const eq = body.indexOf('=');
    if (body.slice(0, eq) === 'path') path = body.slice(eq + 1);
    rest = rest.slice(len);
  }
  return path;
}

function safeName(name: string): string {
  const clean = name.replace(/\/+$/, '');
  const parts = clean.split('/');
  if (clean === '' || clean.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new VClusterError(`tar: unsafe entry name "${name}"`);
  }
  return clean;
}

/** The regular files of the archive, in order (directories are implied by the names). */
export function readTar(archive: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let offset = 0;
  let pendingPath: string | undefined;
  for (;;) {
    if (offset + BLOCK > archive.length) throw new VClusterError('tar: archive is truncated (no end marker)');
    const h = archive.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) return files;
    if (!checksumOk(h)) throw new VClusterError(`tar: header checksum mismatch at byte ${offset}`);
    const size = octalField(h, 124, 12, 'size');
    const type = field(h, 156, 1) || '0';
    const bodyStart = offset + BLOCK;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > archive.length) throw new VClusterError('tar: archive is truncated (an entry ends past the data)');
    const body = archive.subarray(bodyStart, bodyEnd);
    offset = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pendingPath = paxPath(body);
      continue;
    }
    const name = safeName(pendingPath ?? field(h, 0, 100));
    pendingPath = undefined;
    if (type === '5') continue;
    if (type !== '0') throw new VClusterError(`tar: entry "${name}" has unsupported type "${type}"`);
    files.push({ name, data: Buffer.from(body) });
  }
}
