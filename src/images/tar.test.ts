import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarEntriesFromDir, writeTar, type TarEntry } from './tar.js';

const LONG_DIR = `deep/${'d'.repeat(60)}/${'e'.repeat(60)}`; // 126 bytes
const LONG_FILE = `${LONG_DIR}/file-with-a-long-name.txt`;
const LONG_TARGET = `/${'t'.repeat(120)}`;

/** Lists an archive with GNU tar: one "<mode> <name>[ -> target | link to target]" per entry. */
function gnuList(archive: Buffer): { mode: string; owner: string; size: string; name: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
  try {
    const file = join(dir, 'a.tar');
    writeFileSync(file, archive);
    const out = execFileSync('tar', ['--numeric-owner', '-tvf', file], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    return out
      .trimEnd()
      .split('\n')
      .map((line) => {
        // drwxr-xr-x 0/0               0 1970-01-01 00:00 bin/
        const m = /^(\S+) (\S+)\s+(\d+) 1970-01-01 00:00 (.*)$/.exec(line);
        assert.ok(m, `unexpected tar -tv line: ${line}`);
        return { mode: m[1]!, owner: m[2]!, size: m[3]!, name: m[4]! };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('writeTar, read back by GNU tar', () => {
  const cases: { name: string; entry: TarEntry; mode: string; size: string; listed: string }[] = [
    { name: 'directory', entry: { type: 'dir', name: 'bin' }, mode: 'drwxr-xr-x', size: '0', listed: 'bin/' },
    {
      name: 'sticky directory',
      entry: { type: 'dir', name: 'tmp', mode: 0o1777 },
      mode: 'drwxrwxrwt',
      size: '0',
      listed: 'tmp/',
    },
    {
      name: 'executable file',
      entry: { type: 'file', name: 'bin/busybox', mode: 0o755, data: Buffer.from('#!/bin/sh\n') },
      mode: '-rwxr-xr-x',
      size: '10',
      listed: 'bin/busybox',
    },
    {
      name: 'default file mode',
      entry: { type: 'file', name: 'etc/passwd', data: Buffer.alloc(513, 'x') },
      mode: '-rw-r--r--',
      size: '513',
      listed: 'etc/passwd',
    },
    {
      name: 'empty file',
      entry: { type: 'file', name: 'empty', data: Buffer.alloc(0) },
      mode: '-rw-r--r--',
      size: '0',
      listed: 'empty',
    },
    {
      name: 'setuid file',
      entry: { type: 'file', name: 'su', mode: 0o4755, data: Buffer.from('x') },
      mode: '-rwsr-xr-x',
      size: '1',
      listed: 'su',
    },
    {
      name: 'symlink',
      entry: { type: 'symlink', name: 'bin/sh', target: 'busybox' },
      mode: 'lrwxrwxrwx',
      size: '0',
      listed: 'bin/sh -> busybox',
    },
    {
      name: 'hard link',
      entry: { type: 'hardlink', name: 'bin/ash', target: 'bin/busybox' },
      mode: 'hrwxrwxrwx',
      size: '0',
      listed: 'bin/ash link to bin/busybox',
    },
    {
      name: 'name over 100 bytes',
      entry: { type: 'file', name: LONG_FILE, data: Buffer.from('long\n') },
      mode: '-rw-r--r--',
      size: '5',
      listed: LONG_FILE,
    },
    {
      name: 'directory name over 100 bytes',
      entry: { type: 'dir', name: LONG_DIR },
      mode: 'drwxr-xr-x',
      size: '0',
      listed: `${LONG_DIR}/`,
    },
    {
      name: 'link target over 100 bytes',
      entry: { type: 'symlink', name: 'far', target: LONG_TARGET },
      mode: 'lrwxrwxrwx',
      size: '0',
      listed: `far -> ${LONG_TARGET}`,
    },
    {
      name: 'name and target over 100 bytes',
      entry: { type: 'symlink', name: `${LONG_DIR}/link`, target: LONG_TARGET },
      mode: 'lrwxrwxrwx',
      size: '0',
      listed: `${LONG_DIR}/link -> ${LONG_TARGET}`,
    },
    {
      name: 'non-ASCII name',
      entry: { type: 'file', name: 'www/héllo.txt', data: Buffer.from('é') },
      mode: '-rw-r--r--',
      size: '2',
      listed: 'www/héllo.txt',
    },
  ];
  // Everything in one archive, so offsets after PAX headers and padded data are exercised too.
  const prelude: TarEntry[] = [
    { type: 'file', name: 'bin/busybox', mode: 0o755, data: Buffer.from('#!/bin/sh\n') },
  ];
  const all = [...prelude, ...cases.map((c) => c.entry).filter((e) => e.name !== 'bin/busybox')];
  const listed = gnuList(writeTar(all));
  for (const c of cases) {
    it(c.name, () => {
      const row = listed.find((r) => r.name === c.listed);
      assert.ok(row, `"${c.listed}" not in ${JSON.stringify(listed.map((r) => r.name))}`);
      assert.equal(row.mode, c.mode);
      assert.equal(row.owner, '0/0');
      assert.equal(row.size, c.size);
    });
  }
  it('lists every entry once, in order', () => assert.equal(listed.length, all.length));

  it('extracts contents and modes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    try {
      writeFileSync(join(dir, 'a.tar'), writeTar(all));
      mkdirSync(join(dir, 'out'));
      execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', join(dir, 'out')]);
      assert.equal(execFileSync('cat', [join(dir, 'out', LONG_FILE)], { encoding: 'utf8' }), 'long\n');
      assert.equal(
        execFileSync('cat', [join(dir, 'out', 'bin', 'ash')], { encoding: 'utf8' }),
        '#!/bin/sh\n',
      );
      assert.equal(
        execFileSync('stat', ['-c', '%a %h', join(dir, 'out', 'bin', 'busybox')], {
          encoding: 'utf8',
        }).trim(),
        '755 2',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeTar format', () => {
  const entries: TarEntry[] = [
    { type: 'dir', name: 'a' },
    { type: 'file', name: 'a/b', data: Buffer.from('hello') },
    { type: 'symlink', name: LONG_FILE, target: LONG_TARGET },
  ];
  it('is byte-identical for identical input', () => {
    const first = writeTar(entries);
    const second = writeTar(entries.map((e) => ({ ...e })));
    assert.ok(first.equals(second));
  });
  it('ends with two zero blocks and is a whole number of blocks', () => {
    const out = writeTar(entries);
    assert.equal(out.length % 512, 0);
    assert.ok(out.subarray(out.length - 1024).equals(Buffer.alloc(1024)));
  });
  it('an empty archive is two zero blocks', () => assert.ok(writeTar([]).equals(Buffer.alloc(1024))));
  it('writes ustar headers with mtime 0 and no user names', () => {
    const h = writeTar([{ type: 'file', name: 'x', data: Buffer.from('y') }]).subarray(0, 512);
    assert.equal(h.subarray(257, 265).toString('latin1'), 'ustar\u000000');
    assert.equal(h.subarray(136, 148).toString('latin1'), '00000000000\u0000');
    assert.ok(h.subarray(265, 329).equals(Buffer.alloc(64)));
  });
  it('uses a PAX header only for long names', () => {
    assert.equal(
      writeTar([{ type: 'file', name: 'x'.repeat(100), data: Buffer.alloc(0) }])
        .subarray(156, 157)
        .toString(),
      '0',
    );
    assert.equal(
      writeTar([{ type: 'file', name: 'x'.repeat(101), data: Buffer.alloc(0) }])
        .subarray(156, 157)
        .toString(),
      'x',
    );
  });

  const bad: { name: string; entries: TarEntry[]; err: RegExp }[] = [
    { name: 'absolute name', entries: [{ type: 'dir', name: '/etc' }], err: /invalid entry name "\/etc"/ },
    { name: 'dot-dot', entries: [{ type: 'dir', name: 'a/../b' }], err: /invalid entry name/ },
    { name: 'trailing slash', entries: [{ type: 'dir', name: 'a/' }], err: /invalid entry name/ },
    {
      name: 'duplicate',
      entries: [
        { type: 'dir', name: 'a' },
        { type: 'dir', name: 'a' },
      ],
      err: /duplicate entry "a"/,
    },
    {
      name: 'dangling hard link',
      entries: [{ type: 'hardlink', name: 'a', target: 'b' }],
      err: /not an earlier entry/,
    },
    {
      name: 'empty symlink target',
      entries: [{ type: 'symlink', name: 'a', target: '' }],
      err: /has no target/,
    },
  ];
  for (const c of bad) it(`refuses: ${c.name}`, () => assert.throws(() => writeTar(c.entries), c.err));
});

describe('tarEntriesFromDir', () => {
  it('walks sorted by name, keeping modes, symlinks and hard links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    try {
      mkdirSync(join(dir, 'b'));
      writeFileSync(join(dir, 'b', 'run'), 'x');
      chmodSync(join(dir, 'b', 'run'), 0o750);
      linkSync(join(dir, 'b', 'run'), join(dir, 'b', 'same'));
      writeFileSync(join(dir, 'a.txt'), 'a');
      chmodSync(join(dir, 'a.txt'), 0o644);
      chmodSync(join(dir, 'b'), 0o755);
      symlinkSync('b/run', join(dir, 'c'));
      mkdirSync(join(dir, 'tmp'));
      chmodSync(join(dir, 'tmp'), 0o1777);
      const entries = await tarEntriesFromDir(dir, 'root');
      assert.deepEqual(entries, [
        { type: 'dir', name: 'root' },
        { type: 'file', name: 'root/a.txt', mode: 0o644, data: Buffer.from('a') },
        { type: 'dir', name: 'root/b', mode: 0o755 },
        { type: 'file', name: 'root/b/run', mode: 0o750, data: Buffer.from('x') },
        { type: 'hardlink', name: 'root/b/same', target: 'root/b/run' },
        { type: 'symlink', name: 'root/c', target: 'b/run' },
        { type: 'dir', name: 'root/tmp', mode: 0o1777 },
      ]);
      assert.equal(gnuList(writeTar(entries)).length, entries.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
