/** `vcluster image build | import`: the container images vcluster-ts makes itself (src/images/catalog.ts). */
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { requireBinaries } from '../../binaries/locate.js';
import { importIntoRealNodes } from '../../embedded-host/node/images.js';
import { UsageError } from '../../lib/errors.js';
import { buildImage, findImage, imageNames, type BuiltImage } from '../../images/catalog.js';
import { binarySource, println, type CliContext } from '../context.js';
import { outputOption, type OutputFormat } from '../options.js';
import { renderTable } from '../table.js';

/** "1.9 MiB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `--output` is the format, as in every other command; point at --output-dir when given a path. */
function formatOption(value: string): OutputFormat {
  if (value === 'table' || value === 'json') return outputOption(value);
  throw new UsageError(`invalid --output "${value}": must be table or json`, {
    hint: 'the directory the archives go to is --output-dir DIR',
  });
}

export function imageCommand(ctx: CliContext): Command {
  const kubernetesBinaryPaths = async (): Promise<Record<'kube-apiserver' | 'kube-controller-manager' | 'kubectl', string>> => {
    const set = await requireBinaries(binarySource(ctx), ['kube-apiserver', 'kube-controller-manager', 'kubectl']);
    return { 'kube-apiserver': set.path('kube-apiserver'), 'kube-controller-manager': set.path('kube-controller-manager'), kubectl: set.path('kubectl') };
  };
  const corednsBinaryPath = async (): Promise<string> => (await requireBinaries(binarySource(ctx), ['coredns'])).path('coredns');
  const cmd = new Command('image').description(
    'Container images built without Docker or a registry, as OCI archives for `ctr images import`',
  );
  const defaultDir = join(ctx.env.cacheRoot, 'images');

  cmd
    .command('build')
    .description(
      `Build catalog images (${imageNames().join(', ')}) into <dir>/<name>.tar; same inputs give the same bytes and digest`,
    )
    .argument(
      '[name...]',
      `images to build, by short name or reference (default: all of ${imageNames().join(', ')})`,
    )
    .option('--output-dir <dir>', 'where the archives are written', defaultDir)
    .option('-o, --output <format>', 'table or json', formatOption, 'table' as OutputFormat)
    .action(async (names: string[], opts: { outputDir: string; output: OutputFormat }) => {
      const wanted = names.length > 0 ? names : [...imageNames()];
      const unknown = wanted.filter((n) => !findImage(n));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown image${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}`,
          {
            hint: `known images: ${imageNames().join(', ')}`,
          },
        );
      }
      const built: BuiltImage[] = [];
      for (const name of new Set(wanted.map((n) => findImage(n)?.name ?? n))) {
        built.push(
          await buildImage(name, {
            outDir: opts.outputDir,
            cacheDir: join(ctx.env.cacheRoot, 'image-build'),
            repoRoot: ctx.env.repoRoot,
            ...(name === 'kubernetes' ? { kubernetesBinaries: await kubernetesBinaryPaths() } : {}),
            ...(name === 'coredns' ? { corednsBinary: await corednsBinaryPath() } : {}),
          }),
        );
      }
      if (opts.output === 'json')
        println(ctx.stdout, JSON.stringify({ dir: opts.outputDir, images: built }, null, 2));
      else
        println(
          ctx.stdout,
          renderTable(
            ['REF', 'FILE', 'SIZE', 'DIGEST'],
            built.map((b) => [b.ref, b.file, formatBytes(b.bytes), b.digest]),
          ),
        );
    });

  cmd
    .command('import')
    .description('Load image archives (OCI or Docker archive tarballs) into every real node of the running embedded host')
    .argument('<file...>', 'image archives, e.g. from `vcluster image build`')
    .option('--data-dir <dir>', 'the embedded host data dir', join(ctx.env.vclusterHome, 'host'))
    .action(async (files: string[], opts: { dataDir: string }) => {
      const set = await requireBinaries(binarySource(ctx), ['ctr']);
      const nodes = await importIntoRealNodes({
        hostDataDir: opts.dataDir,
        ctr: set.path('ctr'),
        files: files.map((f) => resolve(f)),
        progress: (l) => println(ctx.stderr, l),
      });
      println(ctx.stdout, `imported ${files.length} archive(s) into ${nodes.length} real node(s): ${nodes.join(', ')}`);
    });
  return cmd;
}
