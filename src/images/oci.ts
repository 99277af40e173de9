/**
 * OCI image-layout archives, as `ctr images import` reads them: pure functions from uncompressed
 * layer tars and a runtime config to the archive bytes (oci-layout, index.json, blobs/sha256/<hex>),
 * plus the parser of the image references we name them by. Nothing here reads the clock or the disk:
 * `created` is the epoch, so the same input always gives the same digests.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../lib/errors.js';
import { writeTar, type TarEntry } from './tar.js';

export const MEDIA_TYPE = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** The annotation containerd names an imported image by (a full reference). */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
/** The OCI annotation holding the tag. */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

const EPOCH = '1970-01-01T00:00:00Z';

/** The runtime part of an image config; the fields of the OCI config's `config` object. */
export interface ImageConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** "KEY=value" entries. */
  readonly env?: readonly string[];
  readonly workingDir?: string;
  /** "uid[:gid]" or a user name. */
  readonly user?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface OciImageInput {
  /** A tagged image reference, e.g. "vcluster-ts.local/pause:3.10". */
  readonly ref: string;
  /** Uncompressed layer tars, lowest first. */
  readonly layers: readonly Buffer[];
  readonly config: ImageConfig;
  readonly architecture: 'amd64';
}

export interface OciImageArchive {
  /** The image-layout tarball. */
  readonly archive: Buffer;
  /** The parsed, normalised reference the archive names the image by. */
  readonly ref: ImageRef;
  /** "sha256:<hex>" of the manifest: the image's digest once imported. */
  readonly manifestDigest: string;
  readonly configDigest: string;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface ImageRef {
  /** The full, normalised reference: "<domain>/<path>:<tag>". */
  readonly name: string;
  readonly domain: string;
  /** The repository path under the domain, e.g. "library/busybox". */
  readonly path: string;
  readonly tag: string;
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function descriptor(mediaType: string, data: Buffer): Descriptor {
  return { mediaType, digest: sha256Digest(data), size: data.length };
}

/** The bytes of `value` as the JSON that is hashed (no whitespace). */
function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** The OCI image config (the JSON the config descriptor points at). */
export function imageConfigJson(
  input: Pick<OciImageInput, 'layers' | 'config' | 'architecture'>,
  ref: string,
): Buffer {
  const c = input.config;
  const runtime: Record<string, unknown> = {};
  if (c.user !== undefined) runtime.User = c.user;
  if (c.env !== undefined) runtime.Env = [...c.env];
  if (c.entrypoint !== undefined) runtime.Entrypoint = [...c.entrypoint];
  if (c.cmd !== undefined) runtime.Cmd = [...c.cmd];
  if (c.workingDir !== undefined) runtime.WorkingDir = c.workingDir;
  if (c.labels !== undefined)
    runtime.Labels = Object.fromEntries(Object.entries(c.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  return json({
    created: EPOCH,
    architecture: input.architecture,
    os: 'linux',
    config: runtime,
    rootfs: { type: 'layers', diff_ids: input.layers.map(sha256Digest) },
    history: input.layers.map((_, i) => ({
      created: EPOCH,
      created_by: `vcluster-ts image build ${ref} (layer ${i + 1} of ${input.layers.length})`,
    })),
  });
}

/** Builds the OCI image-layout tarball of one single-platform image. Pure and deterministic. */
export function ociImageArchive(input: OciImageInput): OciImageArchive {
  const ref = parseImageRef(input.ref);
  const config = imageConfigJson(input, ref.name);
  const configDesc = descriptor(MEDIA_TYPE.config, config);
  const layerDescs = input.layers.map((l) => descriptor(MEDIA_TYPE.layer, l));
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.manifest,
    config: configDesc,
    layers: layerDescs,
  });
  const manifestDesc = descriptor(MEDIA_TYPE.manifest, manifest);
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.index,
    manifests: [
      {
        ...manifestDesc,
        platform: { architecture: input.architecture, os: 'linux' },
        annotations: { [ANNOTATION_IMAGE_NAME]: ref.name, [ANNOTATION_REF_NAME]: ref.tag },
      },
    ],
  });

  const entries: TarEntry[] = [
    { type: 'file', name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', name: 'index.json', data: index },
    { type: 'dir', name: 'blobs' },
    { type: 'dir', name: 'blobs/sha256' },
  ];
  const written = new Set<string>();
  const blobs: [Descriptor, Buffer][] = [
    ...input.layers.map((l, i): [Descriptor, Buffer] => [layerDescs[i]!, l]),
    [configDesc, config],
    [manifestDesc, manifest],
  ];
  for (const [desc, data] of blobs) {
    if (written.has(desc.digest)) continue; // two identical layers are one blob
    written.add(desc.digest);
    entries.push({ type: 'file', name: `blobs/sha256/${desc.digest.slice('sha256:'.length)}`, data });
  }
  return {
    archive: writeTar(entries),
    ref,
    manifestDigest: manifestDesc.digest,
    configDigest: configDesc.digest,
  };
}

// The reference grammar of distribution/reference, restricted to "name:tag" (no digests).
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PORT = /^[0-9]+$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DEFAULT_DOMAIN = 'docker.io';
const NAME_MAX = 255;

/**
 * Parses and normalises a tagged image reference the way containerd's CRI does: "busybox:1.35.0"
 * becomes "docker.io/library/busybox:1.35.0", "vcluster-ts.local/pause:3.10" stays as it is.
 * Throws a UsageError naming the reference if it has no tag, a digest, an upper-case repository or
 * is otherwise malformed.
 */
export function parseImageRef(ref: string): ImageRef {
  const bad = (why: string): UsageError =>
    new UsageError(`invalid image reference "${ref}": ${why}`, {
      hint: 'use a tagged reference such as vcluster-ts.local/busybox:1.35.0',
    });
  if (ref.includes('@')) throw bad('digests are not supported, use a tag');
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon <= slash) throw bad('it has no tag (want name:tag)');
  const name = ref.slice(0, colon);
  const tag = ref.slice(colon + 1);
  if (!TAG.test(tag)) throw bad(`tag "${tag}" must be 1-128 of [A-Za-z0-9_.-], not starting with "." or "-"`);

  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasDomain =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const domain = hasDomain ? first : DEFAULT_DOMAIN;
  const repoParts = hasDomain ? parts.slice(1) : parts;
  // Official Docker Hub images live under "library/".
  const pathParts =
    domain === DEFAULT_DOMAIN && repoParts.length === 1 ? ['library', ...repoParts] : repoParts;
  if (hasDomain) {
    const [host = '', port, ...rest] = domain.split(':');
    if (
      rest.length > 0 ||
      (port !== undefined && !PORT.test(port)) ||
      !host.split('.').every((c) => DOMAIN_COMPONENT.test(c))
    ) {
      throw bad(`"${domain}" is not a valid registry host`);
    }
  }
  for (const p of pathParts) {
    if (p !== p.toLowerCase()) throw bad('the repository must be lower-case');
    if (!PATH_COMPONENT.test(p)) throw bad(`"${p}" is not a valid repository path component`);
  }
  const path = pathParts.join('/');
  if (`${domain}/${path}`.length > NAME_MAX)
    throw bad(`the repository name is longer than ${NAME_MAX} characters`);
  return { name: `${domain}/${path}:${tag}`, domain, path, tag };
}
