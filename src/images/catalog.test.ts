import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseCorednsVersion } from '../binaries/versions.js';
import {
  corednsImageVersion,
  corednsRootfs,
  NODE_IMAGES,
  BUSYBOX_INDEX_HTML,
  IMAGES,
  IMAGE_REFS,
  busyboxRootfs,
  elfLinkage,
  findImage,
  imageNames,
  parseAppletList,
  pauseRootfs,
  type ElfLinkage,
} from './catalog.js';
import type { TarEntry } from './tar.js';

describe('parseAppletList', () => {
  const cases = [
    { name: 'one a line', out: 'ash\ncat\nls\nsh\n', want: ['ash', 'cat', 'ls', 'sh'] },
    { name: 'blank lines and surrounding spaces', out: '\n  cat \n\n\tls\n\n', want: ['cat', 'ls'] },
    { name: 'full paths are dropped', out: '/bin/sh\nsh\n/usr/bin/wget\nwget\n', want: ['sh', 'wget'] },
    { name: 'CRLF', out: 'sh\r\nls\r\n', want: ['sh', 'ls'] },
    { name: 'empty', out: '', want: [] },
    {
      name: 'names with dots and brackets',
      out: '[\n[[\nrun-parts\nsha256sum\n',
      want: ['[', '[[', 'run-parts', 'sha256sum'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseAppletList(c.out), c.want));
});

const PT_LOAD = 1;
const PT_INTERP = 3;
const PT_NOTE = 4;
const PT_GNU_STACK = 0x6474e551;

/** A minimal ELF executable: the header and its program header table, nothing else. */
function elf(o: { bits: 32 | 64; le?: boolean; types: readonly number[]; truncatePh?: number }): Buffer {
  const le = o.le ?? true;
  const ehsize = o.bits === 64 ? 64 : 52;
  const phentsize = o.bits === 64 ? 56 : 32;
  const buf = Buffer.alloc(ehsize + o.types.length * phentsize);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = o.bits === 64 ? 2 : 1;
  buf[5] = le ? 1 : 2;
  buf[6] = 1;
  const w16 = (v: number, off: number): number =>
    le ? buf.writeUInt16LE(v, off) : buf.writeUInt16BE(v, off);
  const w32 = (v: number, off: number): number =>
    le ? buf.writeUInt32LE(v, off) : buf.writeUInt32BE(v, off);
  w16(2, 0x10); // ET_EXEC
  w16(o.bits === 64 ? 62 : 3, 0x12); // x86-64 / i386
  w32(1, 0x14);
  if (o.bits === 64) {
    if (le) buf.writeBigUInt64LE(BigInt(ehsize), 0x20);
    else buf.writeBigUInt64BE(BigInt(ehsize), 0x20);
    w16(ehsize, 0x34);
    w16(phentsize, 0x36);
    w16(o.types.length, 0x38);
  } else {
    w32(ehsize, 0x1c);
    w16(ehsize, 0x28);
    w16(phentsize, 0x2a);
    w16(o.types.length, 0x2c);
  }
  o.types.forEach((t, i) => w32(t, ehsize + i * phentsize));
  return o.truncatePh === undefined ? buf : buf.subarray(0, buf.length - o.truncatePh);
}

describe('elfLinkage', () => {
  const cases: { name: string; file: Buffer; want: ElfLinkage }[] = [
    {
      name: '64-bit LE with PT_INTERP',
      file: elf({ bits: 64, types: [PT_LOAD, PT_INTERP, PT_LOAD] }),
      want: 'dynamic',
    },
    { name: '64-bit LE, PT_INTERP first', file: elf({ bits: 64, types: [PT_INTERP] }), want: 'dynamic' },
    {
      name: '64-bit LE without PT_INTERP',
      file: elf({ bits: 64, types: [PT_LOAD, PT_LOAD, PT_NOTE, PT_GNU_STACK] }),
      want: 'static',
    },
    { name: '64-bit with no program headers', file: elf({ bits: 64, types: [] }), want: 'static' },
    {
      name: '64-bit BE with PT_INTERP',
      file: elf({ bits: 64, le: false, types: [PT_LOAD, PT_INTERP] }),
      want: 'dynamic',
    },
    {
      name: '64-bit BE without PT_INTERP',
      file: elf({ bits: 64, le: false, types: [PT_LOAD] }),
      want: 'static',
    },
    {
      name: '32-bit LE with PT_INTERP',
      file: elf({ bits: 32, types: [PT_LOAD, PT_INTERP] }),
      want: 'dynamic',
    },
    {
      name: '32-bit LE without PT_INTERP',
      file: elf({ bits: 32, types: [PT_LOAD, PT_NOTE] }),
      want: 'static',
    },
    {
      name: 'program header table past the end',
      file: elf({ bits: 64, types: [PT_LOAD, PT_LOAD], truncatePh: 8 }),
      want: 'not-elf',
    },
    {
      name: '64-bit class, shorter than a 64-bit header',
      file: elf({ bits: 64, types: [] }).subarray(0, 60),
      want: 'not-elf',
    },
    { name: 'ELF magic only', file: Buffer.from([0x7f, 0x45, 0x4c, 0x46]), want: 'not-elf' },
    { name: 'a shell script', file: Buffer.from(`#!/bin/sh\n${'echo hello\n'.repeat(10)}`), want: 'not-elf' },
    { name: 'zeros', file: Buffer.alloc(128), want: 'not-elf' },
    { name: 'empty', file: Buffer.alloc(0), want: 'not-elf' },
  ];
  for (const c of cases) it(`${c.name} → ${c.want}`, () => assert.equal(elfLinkage(c.file), c.want));
});

describe('busyboxRootfs', () => {
  const binary = Buffer.from('fake busybox');
  const rootfs = busyboxRootfs(binary, ['sh', 'ls', 'busybox', 'ls', 'cat', '[']);
  const byName = new Map<string, TarEntry>(rootfs.map((e) => [e.name, e]));
  const fileText = (name: string): string => {
    const e = byName.get(name);
    assert.ok(e?.type === 'file', `${name} is a file`);
    return e.data.toString('utf8');
  };

  it('entry names are relative and unique', () => {
    assert.equal(byName.size, rootfs.length);
    for (const e of rootfs) assert.ok(!e.name.startsWith('/') && !e.name.endsWith('/'), e.name);
  });

  it('every entry comes after its parent directory', () => {
    rootfs.forEach((e, i) => {
      const slash = e.name.lastIndexOf('/');
      if (slash < 0) return;
      const parent = e.name.slice(0, slash);
      const at = rootfs.findIndex((p) => p.name === parent && p.type === 'dir');
      assert.ok(at >= 0 && at < i, `${parent}/ before ${e.name}`);
    });
  });

  it('/bin/busybox is the binary, executable', () => {
    assert.deepEqual(byName.get('bin/busybox'), {
      type: 'file',
      name: 'bin/busybox',
      mode: 0o755,
      data: binary,
    });
  });

  it('one symlink per applet to busybox, sorted, deduplicated, none for busybox itself', () => {
    const links = rootfs.filter((e) => e.type === 'symlink');
    assert.deepEqual(
      links.map((e) => e.name),
      ['bin/[', 'bin/cat', 'bin/ls', 'bin/sh'],
    );
    for (const e of links) assert.deepEqual(e, { type: 'symlink', name: e.name, target: 'busybox' });
  });

  const dirs = [
    { name: 'tmp', mode: 0o1777 },
    { name: 'root', mode: 0o700 },
    { name: 'bin', mode: undefined },
    { name: 'etc', mode: undefined },
    { name: 'www', mode: undefined },
  ];
  for (const d of dirs) {
    it(`/${d.name} is a directory${d.mode === undefined ? '' : ` with mode ${d.mode.toString(8)}`}`, () => {
      const e = byName.get(d.name);
      assert.ok(e?.type === 'dir');
      assert.equal(e.mode, d.mode);
    });
  }

  it('/www/index.html is the documented greeting', () => {
    assert.equal(fileText('www/index.html'), BUSYBOX_INDEX_HTML);
  });

  it('/etc/passwd has root (uid 0, /bin/sh) and nobody', () => {
    const users = fileText('etc/passwd')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':'));
    assert.deepEqual(users[0], ['root', 'x', '0', '0', 'root', '/root', '/bin/sh']);
    assert.ok(users.some((u) => u[0] === 'nobody' && u[2] === '65534'));
  });

  it('/etc/group has root', () => {
    assert.ok(fileText('etc/group').split('\n').includes('root:x:0:'));
  });

  it('is pure: the same inputs give the same entries', () => {
    assert.deepEqual(busyboxRootfs(binary, ['cat', 'sh', 'ls', '[', 'busybox']), rootfs);
  });
});

describe('pauseRootfs', () => {
  it('is the one executable /pause', () => {
    const binary = Buffer.from([1, 2, 3]);
    assert.deepEqual(pauseRootfs(binary), [{ type: 'file', name: 'pause', mode: 0o755, data: binary }]);
  });
});

describe('findImage', () => {
  const cases = [
    { query: 'pause', want: 'pause' },
    { query: 'busybox', want: 'busybox' },
    { query: IMAGE_REFS.pause, want: 'pause' },
    { query: IMAGE_REFS.busybox, want: 'busybox' },
    { query: 'vcluster-ts.local/pause', want: undefined },
    { query: 'busybox:1.35.0', want: undefined },
    { query: 'docker.io/library/busybox:1.35.0', want: undefined },
    { query: 'PAUSE', want: undefined },
    { query: 'nginx', want: undefined },
    { query: '', want: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.query)} → ${c.want ?? 'undefined'}`, () => {
      const found = findImage(c.query);
      assert.equal(found?.name, c.want);
      if (found) assert.equal(found.ref, IMAGE_REFS[found.name]);
    });
  }

  it('imageNames lists every recipe once, pause and busybox among them', () => {
    const names = imageNames();
    assert.deepEqual(
      names,
      IMAGES.map((i) => i.name),
    );
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes('pause') && names.includes('busybox'));
    assert.equal(new Set(IMAGES.map((i) => i.ref)).size, IMAGES.length);
  });

  it('every recipe is found by its name and by its ref', () => {
    for (const recipe of IMAGES) {
      assert.equal(findImage(recipe.name), recipe);
      assert.equal(findImage(recipe.ref), recipe);
      assert.equal(recipe.ref, IMAGE_REFS[recipe.name]);
    }
  });
});

describe('the coredns image', () => {
  it('is tagged with the CoreDNS version pinned in deps/coredns/go.mod', async () => {
    const goMod = await readFile(new URL('../../deps/coredns/go.mod', import.meta.url), 'utf8');
    assert.equal(`v${corednsImageVersion()}`, parseCorednsVersion(goMod));
    assert.ok(NODE_IMAGES.includes('coredns'), 'host up loads it into the real nodes');
  });

  it('holds the binary at /coredns and a mount point for the Corefile', () => {
    const rootfs = corednsRootfs(Buffer.from('ELF'));
    assert.deepEqual(
      rootfs.map((e) => `${e.type} ${e.name}`),
      ['file coredns', 'dir etc', 'dir etc/coredns'],
    );
  });

  it('refuses to build without the binary', async () => {
    const recipe = findImage('coredns');
    await assert.rejects(() => recipe!.build({ cacheDir: '/nonexistent', repoRoot: '/nonexistent' }), /coredns binary/);
  });
});
