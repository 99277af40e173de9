/**
 * The host cluster as the CLI reaches it: the user's kubeconfig and a context (the current one unless
 * --context), through the pinned kubectl.
 */
import { ErrorCode, VClusterError, formatError } from '../lib/errors.js';
import { kubectlFor, type Kubectl } from '../k8s/kubectl.js';
import { run } from '../lib/process.js';
import { parseContextName } from './naming.js';

export interface HostAccess {
  readonly kubeconfig: string;
  readonly context: string;
  /** The context's default namespace, if it sets one. */
  readonly contextNamespace: string | undefined;
  readonly kubectl: Kubectl;
  readonly kubectlBinary: string;
}

export async function currentContext(kubectl: string, kubeconfig: string): Promise<string | undefined> {
  const r = await run(kubectl, [`--kubeconfig=${kubeconfig}`, 'config', 'current-context']).catch(() => undefined);
  const ctx = r?.stdout.trim();
  return ctx ? ctx : undefined;
}

export async function hostAccess(kubectlBinary: string, kubeconfig: string, contextFlag: string | undefined): Promise<HostAccess> {
  const current = await currentContext(kubectlBinary, kubeconfig);
  // Connected to a vcluster: its host is the context to work in (as vCluster's CLI does).
  const context = contextFlag ?? (current ? (parseContextName(current)?.hostContext ?? current) : undefined);
  if (!context) {
    throw new VClusterError(`no current context in ${kubeconfig}`, {
      code: ErrorCode.PRECONDITION,
      hint: 'start the embedded host with `vcluster host up`, or pass --context naming a host cluster context',
    });
  }
  const ns = await run(kubectlBinary, [`--kubeconfig=${kubeconfig}`, `--context=${context}`, 'config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}']).then(
    (r) => r.stdout.trim() || undefined,
    (err: unknown) => {
      throw new VClusterError(`context "${context}" not found in ${kubeconfig}`, { code: ErrorCode.NOT_FOUND, cause: err });
    },
  );
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
