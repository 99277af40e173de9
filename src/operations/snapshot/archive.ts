/**
 * The snapshot archive (`vcluster snapshot`): a gzip'd tar holding
 *   snapshot.json   the manifest: format, source vcluster, service CIDR, revision, SHA-256 of each file
 *   state.db        a consistent copy of the kine database (SQLite backup API)
 *   config.yaml     the effective vcluster.yaml
 *   pki/...         the CA, certificates and service-account keys
 * Building and parsing are pure; parsing refuses anything that is not exactly such an archive.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { writeTar, type TarEntry } from '../../images/tar.js';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { readTar } from './tar-read.js';

export const SNAPSHOT_FORMAT = 'vcluster-ts-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'snapshot.json';
export const DATABASE_FILE = 'state.db';
export const CONFIG_FILE = 'config.yaml';
export const PKI_PREFIX = 'pki/';

export const SnapshotManifestSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
  name: z.string(),
  namespace: z.string(),
  hostContext: z.string(),
  driver: z.enum(['local', 'kubernetes']),
  serviceCidr: z.string(),
  createdAt: z.string(),
  /** kine's revision in the copy (the highest id of its table). */
  revision: z.number().int().nonnegative(),
  /** archive name → lower-case hex SHA-256 of its bytes, for every file but the manifest. */
  sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifestSchema>;

export interface SnapshotContents {
  readonly manifest: SnapshotManifest;
  readonly database: Buffer;
  readonly config: Buffer;
  /** pki file name (no directory) → bytes */
  readonly pki: ReadonlyMap<string, Buffer>;
  /** The archive these were read from. */
  readonly archive: Buffer;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function corrupt(what: string, cause?: unknown): VClusterError {
  return new VClusterError(`not a valid vcluster snapshot: ${what}`, {
    code: ErrorCode.USAGE,
    ...(cause === undefined ? {} : { cause }),
    hint: 'pass a file written by `vcluster snapshot`',
  });
}

/** The archive bytes; `manifest.sha256` is computed here. */
export function buildSnapshotArchive(
  manifest: Omit<SnapshotManifest, 'sha256' | 'format' | 'formatVersion'>,
  database: Buffer,
  config: Buffer,
  pki: ReadonlyMap<string, Buffer>,
): Buffer {
  const files: [string, Buffer][] = [
    [DATABASE_FILE, database],
    [CONFIG_FILE, config],
    ...[...pki.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, d]): [string, Buffer] => [`${PKI_PREFIX}${n}`, d]),
  ];
  const full: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    ...manifest,
    sha256: Object.fromEntries(files.map(([n, d]) => [n, sha256(d)])),
  };
  const entries: TarEntry[] = [
    { type: 'file', name: MANIFEST_FILE, data: Buffer.from(`${JSON.stringify(full, null, 2)}\n`) },
    ...(pki.size > 0 ? [{ type: 'dir', name: 'pki', mode: 0o700 } as const] : []),
    ...files.map(([name, data]): TarEntry => ({ type: 'file', name, data, mode: 0o600 })),
  ];
  return gzipSync(writeTar(entries));
}

/** Parses and checks an archive: gzip, tar, manifest, every checksum, nothing missing or extra. */
export function parseSnapshotArchive(bytes: Buffer): SnapshotContents {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch (err) {
    throw corrupt('not gzip data, or truncated', err);
  }
  let files;
  try {
    files = readTar(tar);
  } catch (err) {
    throw corrupt('bad tar archive', err);
  }
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const manifestBytes = byName.get(MANIFEST_FILE);
  if (!manifestBytes) throw corrupt(`${MANIFEST_FILE} is missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw corrupt(`${MANIFEST_FILE} is not JSON`, err);
  }
  const parsed = SnapshotManifestSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(`${MANIFEST_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const manifest = parsed.data;
  for (const name of byName.keys()) {
    if (name !== MANIFEST_FILE && !(name in manifest.sha256)) throw corrupt(`unexpected file ${name}`);
  }
  for (const [name, want] of Object.entries(manifest.sha256)) {
    const data = byName.get(name);
    if (!data) throw corrupt(`${name} is missing`);
    if (sha256(data) !== want) throw corrupt(`${name} does not match its checksum`);
    if (name !== DATABASE_FILE && name !== CONFIG_FILE && (!name.startsWith(PKI_PREFIX) || name.slice(PKI_PREFIX.length).includes('/'))) {
      throw corrupt(`unexpected file ${name}`);
    }
  }
  const database = byName.get(DATABASE_FILE);
  const config = byName.get(CONFIG_FILE);
  if (!database) throw corrupt(`${DATABASE_FILE} is missing`);
  if (!config) throw corrupt(`${CONFIG_FILE} is missing`);
  const pki = new Map<string, Buffer>();
  for (const [name, data] of byName) if (name.startsWith(PKI_PREFIX)) pki.set(name.slice(PKI_PREFIX.length), data);
  return { manifest, database, config, pki, archive: bytes };
}
