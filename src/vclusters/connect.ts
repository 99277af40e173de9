/**
 * `vcluster connect NAME` and `vcluster disconnect`: a kubeconfig context
 * `vcluster_<name>_<namespace>_<hostContext>` for the virtual API (made current), printed, or used for
 * one command; and back to the host context.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKubeconfig } from '../controlplane/kubeconfig.js';
import { ErrorCode, ProcessError, VClusterError } from '../lib/errors.js';
import { addContext, certificateContext, removeContext as removeKubeconfigContext, setCurrentContext, updateKubeconfigFile } from '../k8s/kubeconfig.js';
import type { LifecycleContext } from './context.js';
import { currentContext, hostAccess, type HostAccess } from './host-access.js';
import { podDriverStatus } from '../drivers/kubernetes/control.js';
import { forwardBackground, forwardForeground } from '../drivers/kubernetes/port-forward.js';
import { statusOf } from './local-driver.js';
import { contextName, parseContextName, resolveNamespace, validateVClusterName } from './naming.js';
import { adminCredentials, findHostOnly } from './helm-installed.js';
import { findLocal, type LocalVCluster } from './registry.js';

export async function runningVCluster(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined): Promise<LocalVCluster & { hostContext: string; host: HostAccess }> {
  validateVClusterName(name);
  const host = await hostAccess(ctx.binaries.path('kubectl'), ctx.userKubeconfig, ctx.contextFlag);
  const namespace = resolveNamespace(name, namespaceFlag, host.contextNamespace);
  // no local record: maybe installed with the Helm chart (only the host knows it)
  const found = (await findLocal(ctx.home, host.context, namespace, name)) ?? (await findHostOnly(ctx.home, host, namespace, name));
  if (!found) {
    throw new VClusterError(`vcluster ${name} not found in namespace ${namespace} of context ${host.context}`, {
      code: ErrorCode.NOT_FOUND,
      hint: 'list them with `vcluster list`',
    });
  }
  const status = found.state.driver === 'kubernetes' ? await podDriverStatus(host, name, namespace) : await statusOf(found.dir, found.state);
  if (status !== 'Running') {
    throw new VClusterError(`vcluster ${name} in namespace ${namespace} is ${status}`, {
      code: ErrorCode.PRECONDITION,
      hint: `start it with \`vcluster resume ${name} -n ${namespace}\``,
    });
  }
  return { ...found, hostContext: host.context, host };
}

async function kubeconfigFor(vc: LocalVCluster & { host: HostAccess }, context: string, server: string): Promise<string> {
  const creds = await adminCredentials(vc, vc.host);
  return renderKubeconfig({
    server,
    caPem: creds.caPem,
    clientCertPem: creds.certPem,
    clientKeyPem: creds.keyPem,
    clusterName: context,
    userName: context,
    contextName: context,
  });
}

export type ConnectMode = { readonly kind: 'context' } | { readonly kind: 'print' } | { readonly kind: 'command'; readonly argv: readonly string[] };

/** Returns the context name (mode context), the kubeconfig (print), or the command's exit code. */
export async function connectVCluster(ctx: LifecycleContext, name: string, namespaceFlag: string | undefined, mode: ConnectMode): Promise<string | number> {
  const vc = await runningVCluster(ctx, name, namespaceFlag);
  const context = contextName(vc.state.name, vc.state.namespace, vc.hostContext);
  const pod = vc.state.driver === 'kubernetes';
  const target = { kubectl: vc.host.kubectlBinary, kubeconfig: vc.host.kubeconfig, context: vc.host.context, namespace: vc.state.namespace, name: vc.state.name };
  // the kubernetes driver's API is reached through a port-forward to pod <name>-0
  const localServer = (port: number): string => `https://127.0.0.1:${port}`;
  if (mode.kind === 'command') {
    const forward = pod ? await forwardForeground(target) : undefined;
    const tmp = await mkdtemp(join(tmpdir(), 'vcluster-connect-'));
    try {
      const file = join(tmp, 'kubeconfig');
      await writeFile(file, await kubeconfigFor(vc, context, localServer(forward?.port ?? vc.state.ports.apiServer)), { mode: 0o600 });
      return await runWithKubeconfig(mode.argv, file);
    } finally {
      await forward?.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  }
  if (pod) await mkdir(vc.dir.root, { recursive: true, mode: 0o700 }); // a Helm install has no local dir yet
  const port = pod ? await forwardBackground(target, vc.dir.root, ctx.cliArgv) : vc.state.ports.apiServer;
  if (pod) ctx.progress(`port-forwarding 127.0.0.1:${port} to pod ${vc.state.namespace}/${vc.state.name}-0 in the background`);
  if (mode.kind === 'print') return kubeconfigFor(vc, context, localServer(port));
  const entry = certificateContext(context, { server: localServer(port), ...(await adminCredentials(vc, vc.host)) });
  await updateKubeconfigFile(ctx.userKubeconfig, (kc) => addContext(kc, entry, { makeCurrent: true }));
  return context;
}

function runWithKubeconfig(argv: readonly string[], kubeconfig: string): Promise<number> {
  const [command, ...args] = argv;
  if (!command) throw new VClusterError('no command given after --', { code: ErrorCode.USAGE });
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: kubeconfig } });
    child.on('error', (err) => reject(new ProcessError(`run ${command}`, { cause: err })));
    child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });
}

/** Switches from a vcluster context back to its host context; returns the host context. */
export async function disconnectVCluster(ctx: LifecycleContext): Promise<string> {
  const current = await currentContext(ctx.userKubeconfig);
  const parsed = current ? parseContextName(current) : undefined;
  if (!parsed) {
    throw new VClusterError(`the current context ${current ? `"${current}"` : '(none)'} is not a vcluster context`, {
      code: ErrorCode.PRECONDITION,
      hint: 'connect first with `vcluster connect NAME -n NAMESPACE`',
    });
  }
  await updateKubeconfigFile(ctx.userKubeconfig, (kc) => setCurrentContext(kc, parsed.hostContext));
  return parsed.hostContext;
}

/** Removes a vcluster's context from the user's kubeconfig (switching back to the host if it is current). */
export async function removeContext(ctx: LifecycleContext, name: string, namespace: string, hostContext: string): Promise<void> {
  const context = contextName(name, namespace, hostContext);
  await updateKubeconfigFile(ctx.userKubeconfig, (kc) => removeKubeconfigContext(kc, context, { fallbackContext: hostContext }));
}
