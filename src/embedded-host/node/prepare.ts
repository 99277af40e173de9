/**
 * Everything a real node needs on disk before its agent starts, written from the root namespace by the
 * host supervisor: client certificates signed by the host CA (kubelet as system:node:<ip>, kube-proxy as
 * system:kube-proxy), their kubeconfigs (reaching the apiserver through the relay on the node's side of
 * the veth), and the daemons' configuration files.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyPairPem, LeafSpec } from '../../controlplane/pki/certificates.js';
import { secondsUntilExpiry } from '../../controlplane/pki/inspect.js';
import { LEAF_VALIDITY_DAYS, PKI_FILES } from '../../controlplane/pki/layout.js';
import { renderKubeconfig } from '../../controlplane/kubeconfig.js';
import { isErrnoException } from '../../lib/errors.js';
import { cniConflist, containerdConfig, kubeletConfig, kubeProxyConfig, podResolvConf, type NodeBinaries } from './configs.js';
import type { RealNodeLayout } from './layout.js';

const RENEW_BEFORE_SECONDS = 30 * 24 * 3600;

/** The certificate the host kube-apiserver presents to kubelets (--kubelet-client-certificate). */
export const KUBELET_CLIENT_CERT = { cert: 'apiserver-kubelet-client.crt', key: 'apiserver-kubelet-client.key' } as const;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reuses `<dir>/<stem>.crt|key` while valid; else issues it from the host CA. */
async function ensureLeaf(dir: string, files: { cert: string; key: string }, ca: KeyPairPem, spec: Omit<LeafSpec, 'validityDays'>): Promise<KeyPairPem> {
  const cert = await readOptional(join(dir, files.cert));
  const key = await readOptional(join(dir, files.key));
  if (cert && key && secondsUntilExpiry(cert) > RENEW_BEFORE_SECONDS) return { cert, key };
  const { createLeaf } = await import('../../controlplane/pki/certificates.js');
  const issued = await createLeaf(ca, { ...spec, validityDays: LEAF_VALIDITY_DAYS });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, files.key), issued.key, { mode: 0o600 });
  await writeFile(join(dir, files.cert), issued.cert, { mode: 0o644 });
  return issued;
}

async function hostCa(hostPkiDir: string): Promise<KeyPairPem> {
  return {
    cert: await readFile(join(hostPkiDir, PKI_FILES.caCert), 'utf8'),
    key: await readFile(join(hostPkiDir, PKI_FILES.caKey), 'utf8'),
  };
}

/** Issues the apiserver's kubelet client certificate into the host PKI dir; returns the two paths. */
export async function ensureKubeletClientCert(hostPkiDir: string): Promise<{ cert: string; key: string }> {
  await ensureLeaf(hostPkiDir, KUBELET_CLIENT_CERT, await hostCa(hostPkiDir), {
    commonName: 'kube-apiserver-kubelet-client',
    organizations: ['system:masters'],
    usage: 'client',
  });
  return { cert: join(hostPkiDir, KUBELET_CLIENT_CERT.cert), key: join(hostPkiDir, KUBELET_CLIENT_CERT.key) };
}

export interface PrepareNodeOptions {
  readonly layout: RealNodeLayout;
  readonly hostPkiDir: string;
  readonly apiPort: number;
  readonly binaries: NodeBinaries;
}

export async function prepareNode(o: PrepareNodeOptions): Promise<void> {
  const l = o.layout;
  for (const d of Object.values(l.dirs)) await mkdir(d, { recursive: true });
  await rm(l.files.readyFile, { force: true });
  const ca = await hostCa(o.hostPkiDir);
  const server = `https://${l.apiAddress}:${o.apiPort}`;
  const users = [
    { stem: 'kubelet', file: l.files.kubeletKubeconfig, spec: { commonName: `system:node:${l.name}`, organizations: ['system:nodes'] } },
    { stem: 'kube-proxy', file: l.files.kubeProxyKubeconfig, spec: { commonName: 'system:kube-proxy' } },
  ];
  for (const u of users) {
    const leaf = await ensureLeaf(l.dirs.pki, { cert: `${u.stem}.crt`, key: `${u.stem}.key` }, ca, { ...u.spec, usage: 'client' });
    const text = renderKubeconfig({ server, caPem: ca.cert, clientCertPem: leaf.cert, clientKeyPem: leaf.key, tlsServerName: 'localhost' });
    await writeFile(u.file, text, { mode: 0o600 });
  }
  await writeFile(l.files.containerdConfig, containerdConfig(l, o.binaries));
  await writeFile(l.files.kubeletConfig, kubeletConfig(l, join(o.hostPkiDir, PKI_FILES.caCert)));
  await writeFile(l.files.kubeProxyConfig, kubeProxyConfig(l));
  await writeFile(l.files.cniConflist, cniConflist(l));
  await writeFile(l.files.podResolvConf, podResolvConf());
}
