/**
 * Finding the vcluster an operator's command names: the host context, the namespace rule of the
 * other commands (-n, else the context's namespace, else vcluster-NAME) and the local record, whatever
 * state the control plane is in.
 */
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { CommandFailed, runBinary } from './exec-binary.js';
import type { LifecycleContext } from '../vclusters/context.js';
import { hostAccess, type HostAccess } from '../vclusters/host-access.js';
import { resolveNamespace, validateVClusterName } from '../vclusters/naming.js';
import { findLocal, type LocalVCluster } from '../vclusters/registry.js';

export interface LocatedVCluster extends LocalVCluster {
  readonly host: HostAccess;
}

export function notFound(name: string, namespace: string, hostContext: string): VClusterError {
  return new VClusterError(`vcluster ${name} not found in namespace ${namespace} of context ${hostContext}`, {
    code: ErrorCode.NOT_FOUND,
    hint: 'list them with `vcluster list`',
  });
}

export async function locateVCluster(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined): Promise<LocatedVCluster> {
  validateVClusterName(name);
  const host = await hostAccess(ctx.binaries.path('kubectl'), ctx.userKubeconfig, ctx.contextFlag);
  const namespace = resolveNamespace(name, namespaceFlag, host.contextNamespace);
  const found = await findLocal(ctx.home, host.context, namespace, name);
  if (!found) throw notFound(name, namespace, host.context);
  return { ...found, host };
}

/** Pod NAME-0's container that runs `vcluster start` (kubernetes driver). */
export const CONTROL_PLANE_CONTAINER = 'syncer';
/** The CLI inside the control-plane image. */
export const POD_CLI = ['/usr/bin/node', '/vcluster/bin/vcluster.js'] as const;
/** The data dir inside pod NAME-0. */
export const POD_DATA_DIR = '/data';

/** kubectl arguments running the vcluster CLI inside pod NAME-0 (`-i` when it reads stdin). */
export function podCliArgs(vc: { readonly state: { readonly name: string; readonly namespace: string } }, args: readonly string[], stdin = false): string[] {
  return ['exec', ...(stdin ? ['-i'] : []), '-n', vc.state.namespace, `${vc.state.name}-0`, '-c', CONTROL_PLANE_CONTAINER, '--', ...POD_CLI, ...args];
}

/** The remote CLI's exit codes (src/lib/errors.ts exitCodeFor) back to error codes. */
const REMOTE_CODES: Readonly<Record<number, ErrorCode>> = { 2: ErrorCode.USAGE, 3: ErrorCode.NOT_FOUND, 4: ErrorCode.PRECONDITION, 5: ErrorCode.ALREADY_EXISTS };

/**
 * Runs the vcluster CLI inside pod NAME-0 and returns its stdout bytes. Its own error (the "error: ..."
 * line it printed) comes back as this side's error, with the same exit code.
 */
export async function runPodCli(vc: LocatedVCluster, args: readonly string[], input?: Buffer): Promise<Buffer> {
  try {
    return (await runBinary(vc.host.kubectlBinary, [`--kubeconfig=${vc.host.kubeconfig}`, `--context=${vc.host.context}`, ...podCliArgs(vc, args, input !== undefined)], input)).stdout;
  } catch (err) {
    const remote = err instanceof CommandFailed ? /^error: (.*)$/m.exec(err.stderr)?.[1] : undefined;
    const code = err instanceof CommandFailed && err.exitCode !== null ? REMOTE_CODES[err.exitCode] : undefined;
    if (remote) throw new VClusterError(`in pod ${vc.state.namespace}/${vc.state.name}-0: ${remote}`, { code: code ?? ErrorCode.INTERNAL });
    throw new VClusterError(`run the vcluster CLI in pod ${vc.state.namespace}/${vc.state.name}-0`, {
      cause: err,
      code: ErrorCode.UNAVAILABLE,
      hint: `is the vcluster running? \`vcluster describe ${vc.state.name} -n ${vc.state.namespace}\``,
    });
  }
}
