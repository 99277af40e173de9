/**
 * The host cluster as the CLI reaches it: the user's kubeconfig and a context (the current one unless
 * --context): every request goes through the in-process KubeClient (`client()`); the pinned kubectl
 * stays only for the streams the client does not do (port-forward, exec, logs).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode, VClusterError, formatError } from '../lib/errors.js';
import { openKubeClient, type KubeClient } from '../k8s/client.js';
import { ignoreNotFound } from '../k8s/errors.js';
import { kubectlFor, type Kubectl } from '../k8s/kubectl.js';
import type { TypedObject } from '../k8s/types.js';
import { contextNamespace, flattenContext, getContext, getCurrentContext, readKubeconfigFile, stringifyKubeconfig } from '../k8s/kubeconfig.js';
import { parseContextName } from './naming.js';

export interface HostAccess {
  readonly kubeconfig: string;
  readonly context: string;
  /** The context's default namespace, if it sets one. */
  readonly contextNamespace: string | undefined;
  /** The in-process client for this context, opened on first use. */
  client(): Promise<KubeClient>;
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
  let client: Promise<KubeClient> | undefined;
  return {
    kubeconfig,
    context,
    contextNamespace: ns,
    client: () => (client ??= openKubeClient({ kubeconfigPath: kubeconfig, context })),
    kubectl: kubectlFor(kubectlBinary, kubeconfig, context),
    kubectlBinary,
  };
}

/** The field manager of the objects the CLI writes to the host (server-side apply). */
export const HOST_FIELD_MANAGER = 'vcluster-cli';

/**
 * What `kubectl apply` did, with the same rights (get, then create or patch): each object, in order,
 * is created when missing, else brought up to date by a server-side apply.
 */
export async function applyToHost(client: KubeClient, objects: readonly TypedObject[]): Promise<void> {
  for (const obj of objects) {
    const key = obj.metadata.namespace ? { namespace: obj.metadata.namespace, name: obj.metadata.name } : { name: obj.metadata.name };
    if ((await ignoreNotFound(client.get(obj, key))) === undefined) {
      await client.create(obj, { fieldManager: HOST_FIELD_MANAGER });
    } else {
      await client.patch(obj, key, obj, { type: 'apply', fieldManager: HOST_FIELD_MANAGER, force: true });
    }
  }
}

/** Fails with UNAVAILABLE naming the context when the host API does not answer. */
export async function assertReachable(host: HostAccess): Promise<void> {
  try {
    await (await host.client()).getRaw('/readyz', { timeoutMs: 10_000 });
  } catch (err) {
    throw new VClusterError(`the host cluster of context "${host.context}" is unreachable: ${formatError(err)}`, {
      code: ErrorCode.UNAVAILABLE,
      hint: 'check the context, or start the embedded host with `vcluster host up`',
    });
  }
}

/** A standalone kubeconfig holding only this context (credentials inlined), for `vcluster start`. */
export async function flattenedKubeconfig(host: HostAccess): Promise<string> {
  const kc = await readKubeconfigFile(host.kubeconfig);
  const flat = flattenContext(kc, { context: host.context, baseDir: dirname(resolve(host.kubeconfig)), readFile: (path) => readFileSync(path) });
  return stringifyKubeconfig(flat);
}
