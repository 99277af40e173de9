/** `vcluster binaries ensure | list`: the pinned upstream binaries. */
import { Command } from 'commander';
import { ensureBinaries } from '../../binaries/build.js';
import { binarySet, isExecutable } from '../../binaries/locate.js';
import { BINARY_NAMES, expectedVersion, parseVersionOutput, versionArgs } from '../../binaries/versions.js';
import { run } from '../../lib/process.js';
import { CNI_PLUGINS, SYSTEM_TOOLS } from '../../embedded-host/node/preflight.js';
import { binarySource, println, type CliContext } from '../context.js';
import { outputOption, type OutputFormat } from '../options.js';
import { renderTable } from '../table.js';

export function binariesCommand(ctx: CliContext): Command {
  const cmd = new Command('binaries').description(
    'Build and inspect the pinned upstream binaries (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, etcd, etcdctl, kubelet, kube-proxy; containerd, its runc shim and ctr; coredns) and the Debian tools a real node uses (runc, the CNI plugins)',
  );

  cmd
    .command('ensure')
    .description(
      'Build any missing binary from the Go modules in deps/kubernetes, deps/containerd and deps/coredns into the version-keyed caches; reuses what is there. Needs Go >= 1.26 unless everything is cached.',
    )
    .action(async () => {
      const started = Date.now();
      const result = await ensureBinaries(binarySource(ctx), { onProgress: (l) => println(ctx.stderr, l) });
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      println(
        ctx.stdout,
        result.built.length > 0
          ? `built ${result.built.join(', ')} into ${result.set.dir} in ${secs} s`
          : `all binaries present in ${result.set.dir}`,
      );
    });

  cmd
    .command('list')
    .description('Show each binary, the version it reports, and its path')
    .option('-o, --output <format>', 'table or json', outputOption, 'table' as OutputFormat)
    .action(async (opts: { output: OutputFormat }) => {
      const set = await binarySet(binarySource(ctx));
      const rows = [];
      for (const name of BINARY_NAMES) {
        const path = set.path(name);
        let version = 'missing';
        if (await isExecutable(path)) {
          const out = await run(path, versionArgs(name), { timeoutMs: 20_000 }).catch(() => undefined);
          version = (out && parseVersionOutput(out.stdout + out.stderr)) ?? 'unknown';
        }
        rows.push({ name, version, expected: expectedVersion(name, set.versions), path });
      }
      rows.push(...(await systemToolRows()));
      if (opts.output === 'json') println(ctx.stdout, JSON.stringify({ dir: set.dir, origin: set.origin, binaries: rows }, null, 2));
      else println(ctx.stdout, renderTable(['NAME', 'VERSION', 'PINNED', 'PATH'], rows.map((r) => [r.name, r.version, r.expected, r.path])));
    });
  return cmd;
}

/** runc and the CNI plugins come from Debian packages: their package versions (or 'missing'). */
async function systemToolRows(): Promise<{ name: string; version: string; expected: string; path: string }[]> {
  const debVersion = async (pkg: string): Promise<string> => {
    const out = await run('dpkg-query', ['-W', '-f', '${Version}', pkg], { timeoutMs: 10_000 }).catch(() => undefined);
    return out?.stdout.trim() || 'missing';
  };
  const rows = [];
  const runc = SYSTEM_TOOLS.find((t) => t.name === 'runc')!;
  let runcPath: string | undefined;
  for (const c of runc.candidates) if (!runcPath && (await isExecutable(c))) runcPath = c;
  const runcOut = runcPath ? await run(runcPath, ['--version'], { timeoutMs: 10_000 }).catch(() => undefined) : undefined;
  rows.push({
    name: 'runc',
    version: runcOut ? (parseVersionOutput(runcOut.stdout) ?? 'unknown') : 'missing',
    expected: `debian ${await debVersion('runc')}`,
    path: runcPath ?? runc.candidates.join(' or '),
  });
  const cniVersion = await debVersion('containernetworking-plugins');
  for (const plugin of CNI_PLUGINS) {
    const path = `/usr/lib/cni/${plugin}`;
    rows.push({ name: `cni-${plugin}`, version: (await isExecutable(path)) ? cniVersion : 'missing', expected: `debian ${cniVersion}`, path });
  }
  return rows;
}
