/**
 * The container images vcluster-ts builds itself, without Docker or a registry: each a recipe from
 * local inputs (a C program compiled here, Debian's static busybox) to an OCI archive that
 * `ctr images import` loads. The root filesystems are pure functions of those inputs; reading the
 * binaries, compiling and writing the archive are the I/O around them.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ProcessError, UsageError, VClusterError, isErrnoException } from '../lib/errors.js';
import { run } from '../lib/process.js';
import { ociImageArchive, type OciImageArchive } from './oci.js';
import { writeTar, type TarEntry } from './tar.js';
import { appEntries, kubernetesEntries, runtimeEntries } from './control-plane-images.js';

export const IMAGE_REFS = {
  pause: 'vcluster-ts.local/pause:3.10',
  busybox: 'vcluster-ts.local/busybox:1.35.0',
  /** The control plane (`vcluster start`); tagged with package.json's version. */
  'vcluster-ts': 'vcluster-ts.local/vcluster-ts:0.1.0',
  /** kube-apiserver and kube-controller-manager in /kubernetes; tagged with the pinned Kubernetes version. */
  kubernetes: 'vcluster-ts.local/kubernetes:v1.36.3',
  /** CoreDNS of the virtual clusters (deps/coredns); tagged with the pinned CoreDNS version, as coredns/coredns. */
  coredns: 'vcluster-ts.local/coredns:1.14.2',
} as const;

/** The images every real node of the embedded host loads at start. */
export const NODE_IMAGES: readonly ImageName[] = ['pause', 'busybox', 'coredns'];
export type ImageName = keyof typeof IMAGE_REFS;

export interface BuildContext {
  /** Where build inputs made here (the compiled pause binary) are kept between builds. */
  readonly cacheDir: string;
  /** The repository root: the pause source is src/images/pause.c under it. */
  readonly repoRoot: string;
  /** @default '/bin/busybox' (Debian's busybox-static) */
  readonly busybox?: string;
  /** Paths of the upstream binaries the kubernetes image holds. */
  readonly kubernetesBinaries?: Readonly<Record<'kube-apiserver' | 'kube-controller-manager' | 'kubectl', string>>;
  /** Path of the coredns binary (deps/coredns) the coredns image holds. */
  readonly corednsBinary?: string;
  readonly signal?: AbortSignal;
}

export interface ImageRecipe {
  readonly name: ImageName;
  readonly ref: string;
  readonly description: string;
  build(ctx: BuildContext): Promise<OciImageArchive>;
}

export const IMAGES: readonly ImageRecipe[] = [
  {
    name: 'pause',
    ref: IMAGE_REFS.pause,
    description: 'the pod sandbox process: sleeps until SIGTERM, reaps children',
    async build(ctx) {
      const binary = await readFile(await compilePause(ctx));
      return ociImageArchive({
        ref: IMAGE_REFS.pause,
        layers: [writeTar(pauseRootfs(binary))],
        config: { entrypoint: ['/pause'], user: '65535:65535' },
        architecture: 'amd64',
      });
    },
  },
  {
    name: 'busybox',
    ref: IMAGE_REFS.busybox,
    description: 'a shell and ~270 tools from Debian busybox-static; /www/index.html for httpd',
    async build(ctx) {
      const { binary, applets } = await readStaticBusybox(
        ctx.busybox ?? '/bin/busybox',
        BUSYBOX_VERSION,
        ctx.signal,
      );
      return ociImageArchive({
        ref: IMAGE_REFS.busybox,
        layers: [writeTar(busyboxRootfs(binary, applets))],
        config: { env: [`PATH=${DEFAULT_PATH}`], cmd: ['sh'] },
        architecture: 'amd64',
      });
    },
  },
  {
    name: 'vcluster-ts',
    ref: IMAGE_REFS['vcluster-ts'],
    description: 'the control plane: Node.js, the compiled project, production node_modules, sqlite3, busybox tools',
    async build(ctx) {
      const { binary, applets } = await readStaticBusybox(ctx.busybox ?? '/bin/busybox', BUSYBOX_VERSION, ctx.signal);
      return ociImageArchive({
        ref: IMAGE_REFS['vcluster-ts'],
        layers: [
          writeTar(busyboxRootfs(binary, applets)),
          writeTar(await runtimeEntries()),
          writeTar([...(await appEntries(ctx.repoRoot)), { type: 'dir', name: 'data' }]),
        ],
        config: {
          entrypoint: ['/usr/bin/node', '/vcluster/bin/vcluster.js'],
          cmd: ['start', '--data-dir', '/data'],
          env: [`PATH=${DEFAULT_PATH}`],
          workingDir: '/data',
        },
        architecture: 'amd64',
      });
    },
  },
  {
    name: 'kubernetes',
    ref: IMAGE_REFS.kubernetes,
    description: 'kube-apiserver, kube-controller-manager and kubectl in /kubernetes (an init container copies them), with busybox cp',
    async build(ctx) {
      if (!ctx.kubernetesBinaries) {
        throw new VClusterError('the kubernetes image needs the paths of the pinned binaries', { code: ErrorCode.PRECONDITION, hint: 'run `vcluster binaries ensure`' });
      }
      const { binary, applets } = await readStaticBusybox(ctx.busybox ?? '/bin/busybox', BUSYBOX_VERSION, ctx.signal);
      return ociImageArchive({
        ref: IMAGE_REFS.kubernetes,
        layers: [writeTar(busyboxRootfs(binary, applets)), writeTar(await kubernetesEntries(ctx.kubernetesBinaries))],
        config: { env: [`PATH=${DEFAULT_PATH}`], cmd: ['sh'] },
        architecture: 'amd64',
      });
    },
  },
  {
    name: 'coredns',
    ref: IMAGE_REFS.coredns,
    description: 'CoreDNS (deps/coredns: the kubernetes plugin, no forward plugin) as /coredns, run as nobody',
    async build(ctx) {
      if (!ctx.corednsBinary) {
        throw new VClusterError('the coredns image needs the path of the coredns binary', { code: ErrorCode.PRECONDITION, hint: 'run `vcluster binaries ensure`' });
      }
      let binary: Buffer;
      try {
        binary = await readFile(ctx.corednsBinary);
      } catch (err) {
        throw new VClusterError(`read ${ctx.corednsBinary}`, { cause: err, code: ErrorCode.PRECONDITION, hint: 'run `vcluster binaries ensure`' });
      }
      return ociImageArchive({
        ref: IMAGE_REFS.coredns,
        layers: [writeTar(corednsRootfs(binary))],
        config: { entrypoint: ['/coredns'], user: '65534:65534' },
        architecture: 'amd64',
      });
    },
  },
];

/** The root filesystem of the coredns image: the static binary and the folder its Corefile is mounted on. */
export function corednsRootfs(binary: Buffer): TarEntry[] {
  return [
    { type: 'file', name: 'coredns', mode: 0o755, data: binary },
    { type: 'dir', name: 'etc' },
    { type: 'dir', name: 'etc/coredns' },
  ];
}

/** The CoreDNS version the coredns image's tag promises ("1.14.2"). */
export function corednsImageVersion(): string {
  return IMAGE_REFS.coredns.slice(IMAGE_REFS.coredns.lastIndexOf(':') + 1);
}

/** The recipe with this short name ("busybox") or reference, if any. */
export function findImage(nameOrRef: string): ImageRecipe | undefined {
  return IMAGES.find((i) => i.name === nameOrRef || i.ref === nameOrRef);
}

export function imageNames(): readonly ImageName[] {
  return IMAGES.map((i) => i.name);
}

export interface BuildImageOptions extends BuildContext {
  /** The archive is written to <outDir>/<name>.tar. */
  readonly outDir: string;
}

export interface BuiltImage {
  readonly name: ImageName;
  readonly ref: string;
  readonly file: string;
  /** The manifest digest ("sha256:…"): the image's digest once imported. */
  readonly digest: string;
  readonly bytes: number;
}

/** Builds one catalog image (by short name or ref) into <outDir>/<name>.tar, replacing it atomically. */
export async function buildImage(nameOrRef: string, opts: BuildImageOptions): Promise<BuiltImage> {
  const recipe = findImage(nameOrRef);
  if (!recipe) {
    throw new UsageError(`unknown image "${nameOrRef}"`, {
      hint: `known images: ${imageNames().join(', ')}`,
    });
  }
  const built = await recipe.build(opts);
  const file = join(opts.outDir, `${recipe.name}.tar`);
  const tmp = `${file}.tmp-${process.pid}`;
  await mkdir(opts.outDir, { recursive: true });
  try {
    await writeFile(tmp, built.archive);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new VClusterError(`write ${file}`, { cause: err });
  }
  return {
    name: recipe.name,
    ref: built.ref.name,
    file,
    digest: built.manifestDigest,
    bytes: built.archive.length,
  };
}

// ---- pause -----------------------------------------------------------------------------------

/** The root filesystem of the pause image: the one static binary. */
export function pauseRootfs(binary: Buffer): TarEntry[] {
  return [{ type: 'file', name: 'pause', mode: 0o755, data: binary }];
}

/**
 * Compiles src/images/pause.c into <cacheDir>/pause with `gcc -static -Os -s`, unless the cached
 * binary is newer than the source. Returns the binary's path.
 */
export async function compilePause(ctx: BuildContext): Promise<string> {
  const source = join(ctx.repoRoot, 'src', 'images', 'pause.c');
  const out = join(ctx.cacheDir, 'pause');
  const sourceTime = (
    await stat(source).catch((err: unknown) => {
      throw new VClusterError(`pause source ${source} is missing`, { code: ErrorCode.NOT_FOUND, cause: err });
    })
  ).mtimeMs;
  const cachedTime = await stat(out).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (cachedTime !== undefined && cachedTime > sourceTime) return out;

  await mkdir(ctx.cacheDir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await run('gcc', ['-static', '-Os', '-s', '-Wall', '-o', tmp, source], {
      timeoutMs: 120_000,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof ProcessError && isErrnoException(err.cause) && err.cause.code === 'ENOENT') {
      throw new VClusterError('compile pause: gcc is not installed', {
        code: ErrorCode.PRECONDITION,
        hint: 'apt-get install gcc libc6-dev',
      });
    }
    throw new ProcessError(`compile ${source}`, {
      cause: err,
      hint: 'a static build needs gcc and the C library archive: apt-get install gcc libc6-dev',
    });
  }
  await rename(tmp, out);
  return out;
}

// ---- busybox ---------------------------------------------------------------------------------

/** The BusyBox version the busybox image's tag promises. */
export const BUSYBOX_VERSION = '1.35.0';
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const BUSYBOX_INDEX_HTML = 'hello from vcluster-ts busybox\n';
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

/**
 * The root filesystem of the busybox image: /bin/busybox with one symlink per applet, /etc/passwd
 * and /etc/group (root, nobody), /root, /tmp (1777) and /www/index.html.
 */
export function busyboxRootfs(binary: Buffer, applets: readonly string[]): TarEntry[] {
  const links = [...new Set(applets)]
    .filter((a) => a !== 'busybox')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    { type: 'dir', name: 'bin' },
    { type: 'file', name: 'bin/busybox', mode: 0o755, data: binary },
    ...links.map((a): TarEntry => ({ type: 'symlink', name: `bin/${a}`, target: 'busybox' })),
    { type: 'dir', name: 'etc' },
    { type: 'file', name: 'etc/group', data: Buffer.from(GROUP) },
    { type: 'file', name: 'etc/passwd', data: Buffer.from(PASSWD) },
    { type: 'dir', name: 'root', mode: 0o700 },
    { type: 'dir', name: 'tmp', mode: 0o1777 },
    { type: 'dir', name: 'www' },
    { type: 'file', name: 'www/index.html', data: Buffer.from(BUSYBOX_INDEX_HTML) },
  ];
}

/** The applet names of `busybox --list` output (one a line; names with a slash are dropped). */
export function parseAppletList(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.includes('/'));
}

export type ElfLinkage = 'static' | 'dynamic' | 'not-elf';

/** Whether an ELF executable is static, i.e. has no PT_INTERP (program interpreter) segment. */
export function elfLinkage(file: Buffer): ElfLinkage {
  if (file.length < 52 || file.readUInt32BE(0) !== 0x7f454c46) return 'not-elf';
  const is64 = file[4] === 2;
  if (is64 && file.length < 64) return 'not-elf';
  const le = file[5] === 1;
  const u16 = (o: number): number => (le ? file.readUInt16LE(o) : file.readUInt16BE(o));
  const u32 = (o: number): number => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const phoff = is64 ? Number(le ? file.readBigUInt64LE(0x20) : file.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  if (phentsize < 4 || phoff + phnum * phentsize > file.length) return 'not-elf';
  const PT_INTERP = 3;
  for (let i = 0; i < phnum; i++) if (u32(phoff + i * phentsize) === PT_INTERP) return 'dynamic';
  return 'static';
}

/** Reads a static busybox, checks its version and lists its applets. */
async function readStaticBusybox(
  path: string,
  version: string,
  signal: AbortSignal | undefined,
): Promise<{ binary: Buffer; applets: string[] }> {
  const missing = (why: string, cause?: unknown): VClusterError =>
    new VClusterError(`busybox image: ${path} ${why}`, {
      code: ErrorCode.PRECONDITION,
      hint: 'apt-get install busybox-static',
      cause,
    });
  const binary = await readFile(path).catch((err: unknown) => {
    throw missing(isErrnoException(err) && err.code === 'ENOENT' ? 'does not exist' : 'cannot be read', err);
  });
  const linkage = elfLinkage(binary);
  if (linkage !== 'static')
    throw missing(
      linkage === 'dynamic'
        ? 'is dynamically linked (want busybox-static, not busybox)'
        : 'is not an ELF executable',
    );
  const opts = { timeoutMs: 10_000, ...(signal ? { signal } : {}) };
  const list = await run(path, ['--list'], opts).catch((err: unknown) => {
    throw missing('--list failed', err);
  });
  const applets = parseAppletList(list.stdout);
  if (!applets.includes('sh')) throw missing('has no sh applet');
  const banner = (await run(path, ['--help'], opts).catch(() => ({ stdout: '' }))).stdout;
  const found = /BusyBox v(\d+\.\d+\.\d+)/.exec(banner)?.[1];
  if (found !== version) {
    throw new VClusterError(
      `busybox image: ${path} is BusyBox ${found ?? 'of unknown version'}, the image is tagged ${version}`,
      {
        code: ErrorCode.PRECONDITION,
        hint: `install Debian bookworm's busybox-static (${version})`,
      },
    );
  }
  return { binary, applets };
}
