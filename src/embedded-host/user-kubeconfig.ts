/**
 * Adds or removes the `vcluster-host` context in the user's kubeconfig (in-process, keeping every
 * other entry; atomic 0600 writes by src/k8s/kubeconfig).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PKI_FILES } from '../controlplane/pki/layout.js';
import {
  addContext,
  certificateContext,
  getCurrentContext,
  removeContext,
  setCurrentContext,
  updateKubeconfigFile,
} from '../k8s/kubeconfig.js';
import { HOST_CONTEXT } from './paths.js';

export async function addHostContext(userKubeconfig: string, pkiDir: string, apiPort: number): Promise<void> {
  const pem = (f: string): Promise<string> => readFile(join(pkiDir, f), 'utf8');
  const entry = certificateContext(HOST_CONTEXT, {
    server: `https://127.0.0.1:${apiPort}`,
    caPem: await pem(PKI_FILES.caCert),
    certPem: await pem(PKI_FILES.cert('admin')),
    keyPem: await pem(PKI_FILES.key('admin')),
  });
  await updateKubeconfigFile(userKubeconfig, (kc) => addContext(kc, entry));
}

/** Makes `vcluster-host` the current context only if the kubeconfig has none; returns whether it did. */
export async function useHostContextIfUnset(userKubeconfig: string): Promise<boolean> {
  let changed = false;
  await updateKubeconfigFile(userKubeconfig, (kc) => {
    if (getCurrentContext(kc)) return kc;
    changed = true;
    return setCurrentContext(kc, HOST_CONTEXT);
  });
  return changed;
}

export async function removeHostContext(userKubeconfig: string): Promise<void> {
  await updateKubeconfigFile(userKubeconfig, (kc) => removeContext(kc, HOST_CONTEXT));
}
