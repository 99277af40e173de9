import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../lib/errors.js';
import { MEDIA_TYPE, ociImageArchive, parseImageRef, type ImageRef, type OciImageInput } from './oci.js';
import { writeTar } from './tar.js';

const hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const LAYER_A = writeTar([{ type: 'file', name: 'pause', mode: 0o755, data: Buffer.from('\x7fELF...') }]);
const LAYER_B = writeTar([
  { type: 'dir', name: 'etc' },
  { type: 'file', name: 'etc/passwd', data: Buffer.from('root:x:0:0::/root:/bin/sh\n') },
]);

const INPUT: OciImageInput = {
  ref: 'vcluster-ts.local/pause:3.10',
  layers: [LAYER_A, LAYER_B],
  config: {
    entrypoint: ['/pause'],
    cmd: ['-v'],
    env: ['PATH=/bin'],
    workingDir: '/',
    user: '65535:65535',
    labels: { 'z.last': '1', 'a.first': '2' },
  },
  architecture: 'amd64',
};

interface Extracted {
  readonly files: ReadonlyMap<string, Buffer>;
  json(name: string): Record<string, unknown>;
  blob(digest: unknown): Buffer;
}

/** Extracts an archive with GNU tar and reads every regular file back. */
function extract(archive: Buffer): Extracted {
  const dir = mkdtempSync(join(tmpdir(), 'oci-test-'));
  try {
    writeFileSync(join(dir, 'image.tar'), archive);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', join(dir, 'image.tar'), '-C', out]);
    const files = new Map<string, Buffer>();
    for (const e of readdirSync(out, { recursive: true, withFileTypes: true })) {
      if (e.isFile())
        files.set(join(e.parentPath, e.name).slice(out.length + 1), readFileSync(join(e.parentPath, e.name)));
    }
    const get = (name: string): Buffer => {
      const b = files.get(name);
      assert.ok(b, `${name} missing from the archive (have ${[...files.keys()].join(', ')})`);
      return b;
    };
    return {
      files,
      json: (name) => JSON.parse(get(name).toString('utf8')) as Record<string, unknown>,
      blob: (digest) => {
        assert.equal(typeof digest, 'string');
        return get(`blobs/sha256/${String(digest).replace(/^sha256:/, '')}`);
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ociImageArchive', () => {
  const built = ociImageArchive(INPUT);
  const x = extract(built.archive);
  const index = x.json('index.json');
  const manifests = index.manifests as Record<string, unknown>[];
  const entry = manifests[0]!;
  const manifestBytes = x.blob(entry.digest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as {
    mediaType: string;
    schemaVersion: number;
    config: Record<string, unknown>;
    layers: Record<string, unknown>[];
  };
  const config = JSON.parse(x.blob(manifest.config.digest).toString('utf8')) as Record<string, unknown>;

  it('has oci-layout version 1.0.0', () =>
    assert.deepEqual(x.json('oci-layout'), { imageLayoutVersion: '1.0.0' }));
  it('index.json has one manifest, named by the full ref and the tag', () => {
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.mediaType, MEDIA_TYPE.index);
    assert.equal(manifests.length, 1);
    assert.equal(entry.mediaType, MEDIA_TYPE.manifest);
    assert.deepEqual(entry.annotations, {
      'io.containerd.image.name': 'vcluster-ts.local/pause:3.10',
      'org.opencontainers.image.ref.name': '3.10',
    });
    assert.deepEqual(entry.platform, { architecture: 'amd64', os: 'linux' });
  });
  it('returns the manifest digest the index points at', () => {
    assert.equal(entry.digest, built.manifestDigest);
    assert.equal(built.manifestDigest, `sha256:${hex(manifestBytes)}`);
    assert.equal(entry.size, manifestBytes.length);
    assert.equal(built.ref.name, 'vcluster-ts.local/pause:3.10');
  });
  it('every blob is stored under the sha256 of its bytes', () => {
    const blobs = [...x.files].filter(([name]) => name.startsWith('blobs/'));
    assert.equal(blobs.length, 4); // two layers, config, manifest
    for (const [name, data] of blobs) assert.equal(name, `blobs/sha256/${hex(data)}`);
  });
  it('the manifest lists the config and the uncompressed layers, with sizes', () => {
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.mediaType, MEDIA_TYPE.manifest);
    assert.equal(manifest.config.mediaType, MEDIA_TYPE.config);
    assert.equal(manifest.config.digest, built.configDigest);
    assert.deepEqual(manifest.layers, [
      { mediaType: MEDIA_TYPE.layer, digest: `sha256:${hex(LAYER_A)}`, size: LAYER_A.length },
      { mediaType: MEDIA_TYPE.layer, digest: `sha256:${hex(LAYER_B)}`, size: LAYER_B.length },
    ]);
    assert.ok(x.blob(manifest.layers[0]!.digest).equals(LAYER_A));
  });
  it('the config has the runtime settings, diff_ids, epoch time and history', () => {
    assert.equal(config.created, '1970-01-01T00:00:00Z');
    assert.equal(config.os, 'linux');
    assert.equal(config.architecture, 'amd64');
    assert.deepEqual(config.rootfs, {
      type: 'layers',
      diff_ids: [`sha256:${hex(LAYER_A)}`, `sha256:${hex(LAYER_B)}`],
    });
    assert.deepEqual(config.config, {
      User: '65535:65535',
      Env: ['PATH=/bin'],
      Entrypoint: ['/pause'],
      Cmd: ['-v'],
      WorkingDir: '/',
      Labels: { 'a.first': '2', 'z.last': '1' },
    });
    const history = config.history as Record<string, unknown>[];
    assert.equal(history.length, 2);
    assert.equal(history[0]!.created, '1970-01-01T00:00:00Z');
  });
  it('leaves unset runtime fields out', () => {
    const bare = extract(ociImageArchive({ ...INPUT, config: {} }).archive);
    const m = JSON.parse(
      bare.blob((bare.json('index.json').manifests as Record<string, unknown>[])[0]!.digest).toString(),
    ) as {
      config: { digest: string };
    };
    assert.deepEqual(
      (JSON.parse(bare.blob(m.config.digest).toString()) as Record<string, unknown>).config,
      {},
    );
  });
  it('is byte-identical for identical input', () => {
    const again = ociImageArchive({
      ...INPUT,
      layers: INPUT.layers.map((l) => Buffer.from(l)),
      config: { ...INPUT.config },
    });
    assert.ok(again.archive.equals(built.archive));
    assert.equal(again.manifestDigest, built.manifestDigest);
  });
  it('changes digest when a layer changes', () => {
    assert.notEqual(
      ociImageArchive({ ...INPUT, layers: [LAYER_B, LAYER_A] }).manifestDigest,
      built.manifestDigest,
    );
  });
  it('stores two identical layers as one blob', () => {
    const twice = extract(ociImageArchive({ ...INPUT, layers: [LAYER_A, LAYER_A] }).archive);
    assert.equal([...twice.files.keys()].filter((n) => n.startsWith('blobs/')).length, 3);
  });
  it('refuses a bad ref', () => assert.throws(() => ociImageArchive({ ...INPUT, ref: 'Pause' }), UsageError));
});

describe('parseImageRef', () => {
  const good: { ref: string; want: ImageRef }[] = [
    {
      ref: 'vcluster-ts.local/pause:3.10',
      want: { name: 'vcluster-ts.local/pause:3.10', domain: 'vcluster-ts.local', path: 'pause', tag: '3.10' },
    },
    {
      ref: 'busybox:1.35.0',
      want: {
        name: 'docker.io/library/busybox:1.35.0',
        domain: 'docker.io',
        path: 'library/busybox',
        tag: '1.35.0',
      },
    },
    {
      ref: 'docker.io/busybox:1',
      want: { name: 'docker.io/library/busybox:1', domain: 'docker.io', path: 'library/busybox', tag: '1' },
    },
    {
      ref: 'team/app:v1_2-rc.3',
      want: { name: 'docker.io/team/app:v1_2-rc.3', domain: 'docker.io', path: 'team/app', tag: 'v1_2-rc.3' },
    },
    {
      ref: 'localhost:5000/a/b-c:latest',
      want: { name: 'localhost:5000/a/b-c:latest', domain: 'localhost:5000', path: 'a/b-c', tag: 'latest' },
    },
    { ref: 'localhost/x:1', want: { name: 'localhost/x:1', domain: 'localhost', path: 'x', tag: '1' } },
    {
      ref: 'Registry.Example.com/a__b/c.d:T',
      want: {
        name: 'Registry.Example.com/a__b/c.d:T',
        domain: 'Registry.Example.com',
        path: 'a__b/c.d',
        tag: 'T',
      },
    },
  ];
  for (const c of good) it(`accepts ${c.ref}`, () => assert.deepEqual(parseImageRef(c.ref), c.want));

  const bad: { ref: string; why: RegExp }[] = [
    { ref: 'vcluster-ts.local/pause', why: /has no tag/ },
    { ref: 'localhost:5000/pause', why: /has no tag/ },
    { ref: 'pause:', why: /tag "" must be/ },
    { ref: 'pause:.x', why: /tag ".x" must be/ },
    { ref: `pause:${'t'.repeat(129)}`, why: /must be 1-128/ },
    { ref: 'Pause:1', why: /must be lower-case/ },
    { ref: 'vcluster-ts.local/Pause:1', why: /must be lower-case/ },
    { ref: 'busybox@sha256:abcd', why: /digests are not supported/ },
    { ref: ':1', why: /"" is not a valid repository path component/ },
    { ref: 'a//b:1', why: /not a valid repository path component/ },
    { ref: 'a/-b:1', why: /"-b" is not a valid/ },
    { ref: 'bad_host.com/x:1', why: /is not a valid registry host/ },
    { ref: 'host.com:port/x:1', why: /is not a valid registry host/ },
    { ref: `example.com/${'a'.repeat(250)}:1`, why: /longer than 255/ },
  ];
  for (const c of bad) {
    it(`rejects "${c.ref.slice(0, 40)}"`, () => {
      assert.throws(
        () => parseImageRef(c.ref),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.ok(err.message.startsWith(`invalid image reference "${c.ref}": `), err.message);
          assert.match(err.message, c.why);
          return true;
        },
      );
    });
  }
});
