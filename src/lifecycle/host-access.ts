/**
 * The host cluster as the CLI reaches it: the user's kubeconfig and a context (the current one unless
 * --context), through the pinned kubectl.
 */
import { ErrorCode, VClusterError, formatError } from '../lib/errors.js';
import { kubectlFor, type Kubectl } from '../k8s/kubectl.js';
import { contextNamespace, getContext, getCurrentContext, readKubeconfigFile } from '../k8s/kubeconfig.js';
import { parseContextName } from './naming.js';

export interface HostAccess {
  readonly kubeconfig: string;
  readonly context: string;
  /** The context's default namespace, if it sets one. */
  readonly contextNamespace: string | undefined;
  readonly kubectl: Kubectl;
  readonly kubectlBinary: string;
}

export async function currentContext(kubeconfig: string): Promise<string | undefined> {
  return getCurrentContext(await readKubeconfigFile(kubeconfig)) || undefined;
}

export async function hostAccess(kubectlBinary: string, kubeconfig: string, contextFlag: string | undefined): Promise<HostAccess> {
  const kc = await readKubeconfigFile(kubeconfig);
  const current = getCurrentContext(kc);
  // Connected to a vcluster: its host is the context to work in (as vCluster's CLI does).
  const context = contextFlag ?? (current ? (parseContextName(current)?.hostContext ?? current) : undefined);
  if (!context) {
    throw new VClusterError(`no current context in ${kubeconfig}`, {
      code: ErrorCode.PRECONDITION,
      hint: 'start the embedded host with `vcluster host up`, or pass --context naming a host cluster context',
    });
  }
  if (!getContext(kc, context)) {
    throw new VClusterError(`context "${context}" not found in ${kubeconfig}`, { code: ErrorCode.NOT_FOUND });
  }
  const ns = contextNamespace(kc, context);
  return { kubeconfig, context, contextNamespace: ns, kubectl: kubectlFor(kubectlBinary, kubeconfig, context), kubectlBinary };
}

/** Fails with UNAVAILABLE naming the context when the host API does not answer. */
export async function assertReachable(host: HostAccess): Promise<void> {
  try {
    await host.kubectl(['get', '--raw=/readyz', '--request-timeout=10s']);
  } catch (err) {
    throw new VClusterError(`the host cluster of context "${host.context}" is unreachable: ${formatError(err)}`, {
      code: ErrorCode.UNAVAILABLE,
      hint: 'check the context, or start the embedded host with `vcluster host up`',
    });
  }
}

/** A standalone kubeconfig holding only this context (credentials inlined), for `vcluster start`. */
export async function flattenedKubeconfig(host: HostAccess): Promise<string> {
  return (await host.kubectl(['config', 'view', '--minify', '--flatten', '--raw'])).stdout;
}
