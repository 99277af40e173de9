/**
 * vclusters installed with the Helm chart (chart/): no local record on this machine (no state.json, no
 * PKI), only host objects. Found by StatefulSet <name> labelled app=vcluster,release=<name>; connect
 * takes the admin credentials the syncer publishes in Secret vc-<name> (publish-kubeconfig.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PKI_FILES } from '../controlplane/pki/layout.js';
import type { VClusterState } from '../controlplane/state.js';
import { POD_API_PORT } from '../drivers/kubernetes/render.js';
import { ErrorCode, VClusterError, isErrnoException } from '../lib/errors.js';
import { ignoreNotFound } from '../k8s/errors.js';
import { Kinds, type Secret, type StatefulSet } from '../k8s/types.js';
import type { HostAccess } from './host-access.js';
import { releaseLabels } from './naming.js';
import { vclusterDataDir, type LocalVCluster } from './registry.js';

export interface AdminCredentials {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

interface StatefulSetView {
  metadata?: { labels?: Record<string, string>; creationTimestamp?: string };
}

/** Whether a StatefulSet is a vcluster's control plane (vCluster's chart labels). Pure. */
export function isControlPlaneStatefulSet(name: string, sts: StatefulSetView | undefined): boolean {
  const want = releaseLabels(name);
  return sts !== undefined && Object.entries(want).every(([k, v]) => sts.metadata?.labels?.[k] === v);
}

/** The record connect works from, for a vcluster only the host knows (created by `helm install`). Pure. */
export function hostOnlyState(
  name: string,
  namespace: string,
  hostContext: string,
  createdAt: string,
): VClusterState {
  return {
    name,
    namespace,
    hostContext,
    createdNamespace: false,
    ports: { apiServer: POD_API_PORT, controllerManager: 10257 },
    bindAddress: '0.0.0.0',
    driver: 'kubernetes',
    serviceCidr: '',
    phase: 'ready',
    paused: false,
    createdAt,
  };
}

/**
 * A Helm-installed vcluster as a LocalVCluster whose dir is where this machine would keep it (only the
 * background port-forward's record is ever written there); undefined when the host has no such StatefulSet.
 */
export async function findHostOnly(
  home: string,
  host: HostAccess,
  namespace: string,
  name: string,
): Promise<LocalVCluster | undefined> {
  const sts = await ignoreNotFound((await host.client()).get<StatefulSet>(Kinds.StatefulSet, { namespace, name }));
  if (!isControlPlaneStatefulSet(name, sts)) return undefined;
  return {
    dir: vclusterDataDir(home, host.context, namespace, name),
    state: hostOnlyState(name, namespace, host.context, sts?.metadata?.creationTimestamp ?? ''),
  };
}

/** Credentials from Secret vc-<name>'s keys (certificate-authority, client-certificate, client-key). Pure. */
export function credentialsFromSecretData(
  data: Readonly<Record<string, string>> | undefined,
): AdminCredentials | undefined {
  const get = (k: string): string | undefined =>
    data?.[k] ? Buffer.from(data[k], 'base64').toString('utf8') : undefined;
  const caPem = get('certificate-authority');
  const certPem = get('client-certificate');
  const keyPem = get('client-key');
  return caPem && certPem && keyPem ? { caPem, certPem, keyPem } : undefined;
}

/** The admin credentials: the local PKI (`vcluster create`), else Secret vc-<name> in the host namespace (a Helm install). */
export async function adminCredentials(vc: LocalVCluster, host: HostAccess): Promise<AdminCredentials> {
  const pki = (f: string): Promise<string> => readFile(join(vc.dir.pkiDir, f), 'utf8');
  try {
    return {
      caPem: await pki(PKI_FILES.caCert),
      certPem: await pki(PKI_FILES.cert('admin')),
      keyPem: await pki(PKI_FILES.key('admin')),
    };
  } catch (err) {
    if (!isErrnoException(err) || err.code !== 'ENOENT') throw err;
  }
  const secret = `vc-${vc.state.name}`;
  const found = await ignoreNotFound((await host.client()).get<Secret>(Kinds.Secret, { namespace: vc.state.namespace, name: secret }));
  const creds = credentialsFromSecretData(found?.data);
  if (!creds) {
    throw new VClusterError(
      `no admin credentials for vcluster ${vc.state.name}: no local PKI and Secret ${vc.state.namespace}/${secret} is missing or incomplete`,
      {
        code: ErrorCode.PRECONDITION,
        hint: `the syncer in pod ${vc.state.name}-0 publishes it once the virtual API is ready; check \`kubectl logs ${vc.state.name}-0 -n ${vc.state.namespace} -c syncer\``,
      },
    );
  }
  return creds;
}
