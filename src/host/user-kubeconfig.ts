/**
 * Adds or removes the `vcluster-host` context in the user's kubeconfig, through the pinned kubectl's own
 * `config` commands (which merge into an existing file and keep everything else).
 */
import { run } from '../lib/process.js';
import { PKI_FILES } from '../controlplane/pki/layout.js';
import { join } from 'node:path';
import { HOST_CONTEXT } from './paths.js';

export async function addHostContext(kubectl: string, userKubeconfig: string, pkiDir: string, apiPort: number): Promise<void> {
  const k = `--kubeconfig=${userKubeconfig}`;
  await run(kubectl, [k, 'config', 'set-cluster', HOST_CONTEXT, `--server=https://127.0.0.1:${apiPort}`, `--certificate-authority=${join(pkiDir, PKI_FILES.caCert)}`, '--embed-certs=true']);
  await run(kubectl, [k, 'config', 'set-credentials', HOST_CONTEXT, `--client-certificate=${join(pkiDir, PKI_FILES.cert('admin'))}`, `--client-key=${join(pkiDir, PKI_FILES.key('admin'))}`, '--embed-certs=true']);
  await run(kubectl, [k, 'config', 'set-context', HOST_CONTEXT, `--cluster=${HOST_CONTEXT}`, `--user=${HOST_CONTEXT}`]);
}

/** Makes `vcluster-host` the current context only if the kubeconfig has none. */
export async function useHostContextIfUnset(kubectl: string, userKubeconfig: string): Promise<boolean> {
  const k = `--kubeconfig=${userKubeconfig}`;
  const current = await run(kubectl, [k, 'config', 'current-context']).then((r) => r.stdout.trim(), () => '');
  if (current !== '') return false;
  await run(kubectl, [k, 'config', 'use-context', HOST_CONTEXT]);
  return true;
}

export async function removeHostContext(kubectl: string, userKubeconfig: string): Promise<void> {
  const k = `--kubeconfig=${userKubeconfig}`;
  const quiet = (args: string[]): Promise<unknown> => run(kubectl, [k, 'config', ...args]).catch(() => undefined);
  const current = await run(kubectl, [k, 'config', 'current-context']).then((r) => r.stdout.trim(), () => '');
  if (current === HOST_CONTEXT) await quiet(['unset', 'current-context']);
  await quiet(['delete-context', HOST_CONTEXT]);
  await quiet(['delete-cluster', HOST_CONTEXT]);
  await quiet(['delete-user', HOST_CONTEXT]);
}
