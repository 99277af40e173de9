/** `vcluster start`: run one virtual cluster's control plane in the foreground (the local driver runs it detached). */
import { Command } from 'commander';
import { requireBinaries } from '../../binaries/locate.js';
import type { BinaryName } from '../../binaries/versions.js';
import { startControlPlane, type AfterReady } from '../../controlplane/start.js';
import { binarySource, type CliContext } from '../context.js';

export const CONTROL_PLANE_BINARIES: readonly BinaryName[] = ['kube-apiserver', 'kube-controller-manager', 'kubectl'];

export function startCommand(ctx: CliContext, afterReady?: AfterReady): Command {
  return new Command('start')
    .description(
      'Run the control plane of one virtual cluster in the foreground: kine → kube-apiserver → kube-controller-manager, then the syncer. `vcluster create` runs it for you; stop it with SIGTERM',
    )
    .requiredOption('--data-dir <dir>', 'the virtual cluster data dir (state.json, config.yaml, state.db, pki/ ...)')
    .action(async (opts: { dataDir: string }) => {
      const binaries = await requireBinaries(binarySource(ctx), CONTROL_PLANE_BINARIES);
      const abort = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
      await startControlPlane({
        root: opts.dataDir,
        binaries,
        cliArgv: ctx.env.cliArgv,
        log: ctx.log,
        signal: abort.signal,
        ...(afterReady ? { afterReady } : {}),
      });
    });
}
