import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, gunzipSync } from 'node:zlib';
import { writeTar } from '../../images/tar.js';
import { VClusterError } from '../../lib/errors.js';
import { buildSnapshotArchive, parseSnapshotArchive } from './archive.js';
import { readTar } from './tar-read.js';
import { defaultSnapshotFile } from './snapshot.js';

const manifest = { name: 'vc', namespace: 'ns', hostContext: 'host', driver: 'local' as const, serviceCidr: '10.96.0.0/12', createdAt: '2026-01-01T00:00:00.000Z', revision: 42 };
const pki = new Map([['ca.crt', Buffer.from('CA')], ['ca.key', Buffer.from('KEY')]]);
const good = buildSnapshotArchive(manifest, Buffer.from('SQLite format 3\0...'), Buffer.from('sync: {}\n'), pki);

describe('snapshot archive', () => {
  it('round-trips the manifest, database, config and PKI', () => {
    const c = parseSnapshotArchive(good);
    assert.equal(c.manifest.revision, 42);
    assert.equal(c.manifest.format, 'vcluster-ts-snapshot');
    assert.equal(c.database.toString(), 'SQLite format 3\0...');
    assert.equal(c.config.toString(), 'sync: {}\n');
    assert.deepEqual([...c.pki.keys()].sort(), ['ca.crt', 'ca.key']);
    assert.deepEqual(Object.keys(c.manifest.sha256).sort(), ['config.yaml', 'pki/ca.crt', 'pki/ca.key', 'state.db']);
  });

  const tar = gunzipSync(good);
  const entries = readTar(tar);
  const retar = (files: { name: string; data: Buffer }[]): Buffer => gzipSync(writeTar(files.map((f) => ({ type: 'file' as const, name: f.name, data: f.data }))));
  const corruptions: { name: string; bytes: Buffer; message: RegExp }[] = [
    { name: 'empty file', bytes: Buffer.alloc(0), message: /not gzip data/ },
    { name: 'not gzip', bytes: Buffer.from('hello world, not an archive'), message: /not gzip data/ },
    { name: 'truncated gzip', bytes: good.subarray(0, Math.floor(good.length / 2)), message: /not gzip data, or truncated/ },
    { name: 'gzip of garbage', bytes: gzipSync(Buffer.from('x'.repeat(2000))), message: /bad tar archive/ },
    { name: 'tar without end marker', bytes: gzipSync(tar.subarray(0, 1024)), message: /bad tar archive/ },
    { name: 'no manifest', bytes: retar(entries.filter((e) => e.name !== 'snapshot.json')), message: /snapshot.json is missing/ },
    { name: 'database missing', bytes: retar(entries.filter((e) => e.name !== 'state.db')), message: /state.db is missing/ },
    { name: 'database altered', bytes: retar(entries.map((e) => (e.name === 'state.db' ? { ...e, data: Buffer.from('other') } : e))), message: /state.db does not match its checksum/ },
    { name: 'extra file', bytes: retar([...entries, { name: 'evil.sh', data: Buffer.from('rm -rf /') }]), message: /unexpected file evil.sh/ },
    { name: 'manifest not JSON', bytes: retar(entries.map((e) => (e.name === 'snapshot.json' ? { ...e, data: Buffer.from('{') } : e))), message: /snapshot.json is not JSON/ },
    { name: 'other format', bytes: retar(entries.map((e) => (e.name === 'snapshot.json' ? { ...e, data: Buffer.from(JSON.stringify({ format: 'x' })) } : e))), message: /snapshot.json: format/ },
  ];
  for (const c of corruptions) {
    it(`refuses: ${c.name}`, () => {
      assert.throws(() => parseSnapshotArchive(c.bytes), (e: unknown) => e instanceof VClusterError && e.code === 'USAGE' && /^not a valid vcluster snapshot: /.test(e.message) && c.message.test(e.message));
    });
  }
});

describe('readTar', () => {
  it('refuses a header with a bad checksum', () => {
    const tar = writeTar([{ type: 'file', name: 'a', data: Buffer.from('x') }]);
    tar[0] = 0x62; // 'b': the name changes, the checksum does not
    assert.throws(() => readTar(tar), /checksum mismatch/);
  });
  it('refuses names leaving the archive and links', () => {
    const link = writeTar([{ type: 'symlink', name: 'l', target: '/etc/passwd' }]);
    assert.throws(() => readTar(link), /unsupported type "2"/);
  });
  it('reads PAX long names', () => {
    const long = `${'d/'.repeat(60)}file`;
    assert.deepEqual(readTar(writeTar([{ type: 'file', name: long, data: Buffer.from('y') }])).map((f) => f.name), [long]);
  });
});

describe('defaultSnapshotFile', () => {
  it('names the vcluster and the UTC time', () => assert.equal(defaultSnapshotFile('vc', new Date('2026-12-05T23:50:01.123Z')), 'vc-20261205T235001Z.snapshot.tar.gz'));
});
