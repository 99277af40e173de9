import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mergeEntries, parentDirs, parseLddPaths, productionPackageDirs } from './control-plane-images.js';
import { IMAGE_REFS } from './catalog.js';
import type { TarEntry } from './tar.js';

describe('parseLddPaths', () => {
  const cases = [
    {
      name: 'libraries and the loader, vdso skipped, sorted and unique',
      out: [
        '\tlinux-vdso.so.1 (0x00007ffd)',
        '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f)',
        '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
        '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
        '\t/lib64/ld-linux-x86-64.so.2 (0x00007f)',
      ].join('\n'),
      want: ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/ld-linux-x86-64.so.2'],
    },
    { name: 'a static binary', out: '\tnot a dynamic executable\n', want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseLddPaths(c.out), c.want));
  it('refuses a missing library, naming it', () => {
    assert.throws(() => parseLddPaths('\tlibfoo.so.1 => not found\n'), /a shared library is missing: libfoo.so.1 => not found/);
  });
});

describe('parentDirs', () => {
  it('lists every ancestor once, parents first, without a leading slash', () => {
    assert.deepEqual(
      parentDirs(['/lib/x86_64-linux-gnu/libc.so.6', 'lib64/ld.so', '/usr/bin/node', '/lib/x86_64-linux-gnu/libm.so.6']).map((e) => e.name),
      ['lib', 'lib64', 'usr', 'lib/x86_64-linux-gnu', 'usr/bin'],
    );
  });
});

describe('productionPackageDirs', () => {
  it('keeps the packages under the project, relative, without the project itself', () => {
    const out = ['/repo', '/repo/node_modules/pino', '/repo/node_modules/a/node_modules/b', '/elsewhere/node_modules/x', ''].join('\n');
    assert.deepEqual(productionPackageDirs(out, '/repo/'), ['node_modules/a/node_modules/b', 'node_modules/pino']);
  });
});

describe('mergeEntries', () => {
  it('keeps the first entry of a name and puts directories first, shallow before deep', () => {
    const a: TarEntry[] = [{ type: 'file', name: 'app/x', data: Buffer.from('1') }, { type: 'dir', name: 'app/sub' }];
    const b: TarEntry[] = [{ type: 'file', name: 'app/x', data: Buffer.from('2') }, { type: 'dir', name: 'app' }];
    const merged = mergeEntries(a, b);
    assert.deepEqual(merged.map((e) => e.name), ['app', 'app/sub', 'app/x']);
    const x = merged.find((e) => e.name === 'app/x');
    assert.ok(x?.type === 'file' && x.data.toString() === '1');
  });
});

describe('control-plane image tags', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  it('vcluster-ts is tagged with package.json version', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
    assert.equal(IMAGE_REFS['vcluster-ts'], `vcluster-ts.local/vcluster-ts:${pkg.version}`);
  });
  it('kubernetes is tagged with the pinned Kubernetes version', () => {
    const goMod = readFileSync(`${root}/deps/kubernetes/go.mod`, 'utf8');
    const pinned = /k8s\.io\/kubernetes (v[\d.]+)/.exec(goMod)?.[1];
    assert.equal(IMAGE_REFS.kubernetes, `vcluster-ts.local/kubernetes:${pinned}`);
  });
});
