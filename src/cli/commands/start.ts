/** `vcluster start`: run one virtual cluster's control plane in the foreground (the local driver runs it detached). */
import { Command } from 'commander';
import { requireBinaries } from '../../binaries/locate.js';
import { CONTROL_PLANE_BINARIES } from '../../binaries/control-plane.js';
import { startControlPlane, type AfterReady } from '../../controlplane/start.js';
import { binarySource, type CliContext } from '../context.js';
import { publishKubeconfig } from '../../vclusters/publish-kubeconfig.js';
import { startSyncer } from '../../controlplane/start-syncer.js';
import { applySeed, writeInClusterKubeconfig } from '../../drivers/kubernetes/seed.js';
import { dataDir } from '../../controlplane/datadir.js';
import { bootstrapIfNeeded } from '../../drivers/kubernetes/bootstrap.js';
import { applyPendingRestore } from '../../operations/snapshot/restore-pod.js';



/** What `vcluster start` runs once its virtual API serves: the kubeconfig Secret on the host, then the syncer. */
function afterReady(ctx: CliContext): AfterReady {
  return async (ready) => {
    const binaries = await requireBinaries(binarySource(ctx), ['kubectl']);
    await publishKubeconfig(ready);
    return startSyncer(ready, binaries.versions.kubernetes);
  };
}

export function startCommand(ctx: CliContext): Command {
  return new Command('start')
    .description(
      'Run the control plane of one virtual cluster in the foreground: kine → kube-apiserver → kube-controller-manager, then the syncer. `vcluster create` runs it for you; stop it with SIGTERM',
    )
    .requiredOption('--data-dir <dir>', 'the virtual cluster data dir (state.json, config.yaml, state.db, pki/ ...)')
    .option('--seed-dir <dir>', 'copy the files of this folder (Secret vc-seed-NAME in pod NAME-0) into the data dir first; only config.yaml replaces what is there')
    .option('--in-cluster-host', "reach the host through this pod's service account (writes the data dir's host.kubeconfig)", false)
    .action(async (opts: { dataDir: string; seedDir?: string; inClusterHost: boolean }) => {
      if (opts.seedDir) {
        const written = await applySeed(opts.seedDir, opts.dataDir);
        if (written.length > 0) ctx.log.info({ files: written }, 'data dir seeded');
      }
      await applyPendingRestore(opts.dataDir, ctx.log); // `vcluster restore` of a kubernetes-driver vcluster
      if (opts.inClusterHost) await writeInClusterKubeconfig(dataDir(opts.dataDir).hostKubeconfig);
      const binaries = await requireBinaries(binarySource(ctx), CONTROL_PLANE_BINARIES);
      // no seed (a Helm install): make the PKI and state.json here
      await bootstrapIfNeeded({ dir: dataDir(opts.dataDir), vclusterName: ctx.env.vclusterName, log: ctx.log, inClusterHost: opts.inClusterHost });
      const abort = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
      await startControlPlane({
        root: opts.dataDir,
        binaries,
        cliArgv: ctx.env.cliArgv,
        log: ctx.log,
        signal: abort.signal,
        afterReady: afterReady(ctx),
      });
    });
}
