/**
 * Generates a cluster's PKI once into <data>/pki and reuses it: existing files are kept, missing or
 * expiring leaves are re-issued from the existing CAs, and a serving cert whose SANs no longer cover
 * the spec is re-issued. Keys are written 0600, atomically.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VClusterError } from '../../lib/errors.js';
import { isErrnoException } from '../../lib/errors.js';
import type * as Certificates from './certificates.js';
import type { KeyPairPem } from './certificates.js';
import { secondsUntilExpiry, subjectAltNames } from './inspect.js';
import { CA_VALIDITY_DAYS, PKI_FILES, leafPlans, servingSans, type LeafName, type PkiSpec } from './layout.js';

/**
 * The issuing half (@peculiar/x509 and its ASN.1 stack), loaded only when something is missing or
 * due: a long-running process that merely reuses its PKI never carries it.
 */
const issuer = (): Promise<typeof Certificates> => import('./certificates.js');

/** Leaves with less than this left are re-issued at start. */
const RENEW_BEFORE_SECONDS = 30 * 24 * 3600;

export interface Pki {
  readonly dir: string;
  readonly ca: KeyPairPem;
  readonly frontProxyCa: KeyPairPem;
  readonly leaves: Readonly<Record<LeafName, KeyPairPem>>;
  readonly serviceAccount: { readonly key: string; readonly pub: string };
  /** Absolute path of a file in the PKI dir. */
  path(file: string): string;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return undefined;
    throw new VClusterError(`read ${path}`, { cause: err });
  }
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

async function ensureCa(dir: string, certFile: string, keyFile: string, cn: string): Promise<KeyPairPem> {
  const cert = await readOptional(join(dir, certFile));
  const key = await readOptional(join(dir, keyFile));
  if (cert && key) return { cert, key };
  const ca = await (await issuer()).createCa(cn, CA_VALIDITY_DAYS);
  await writeAtomic(join(dir, keyFile), ca.key, 0o600);
  await writeAtomic(join(dir, certFile), ca.cert, 0o644);
  return ca;
}

function coversSans(certPem: string, spec: PkiSpec): boolean {
  const have = new Set(subjectAltNames(certPem));
  const want = servingSans(spec);
  return [...want.dnsNames.map((d) => `DNS:${d}`), ...want.ipAddresses.map((i) => `IP:${i}`)].every((s) => have.has(s));
}

export async function ensurePki(dir: string, spec: PkiSpec): Promise<Pki> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ca = await ensureCa(dir, PKI_FILES.caCert, PKI_FILES.caKey, `${spec.name}-ca`);
    const frontProxyCa = await ensureCa(dir, PKI_FILES.frontProxyCaCert, PKI_FILES.frontProxyCaKey, 'front-proxy-ca');
    // vCluster keeps split server/client CA file names; with one CA they are copies.
    for (const [c, k] of [
      [PKI_FILES.serverCaCert, PKI_FILES.serverCaKey],
      [PKI_FILES.clientCaCert, PKI_FILES.clientCaKey],
    ] as const) {
      if ((await readOptional(join(dir, c))) !== ca.cert) {
        await writeAtomic(join(dir, k), ca.key, 0o600);
        await writeAtomic(join(dir, c), ca.cert, 0o644);
      }
    }
    const leaves = {} as Record<LeafName, KeyPairPem>;
    for (const plan of leafPlans(spec)) {
      const certPath = join(dir, PKI_FILES.cert(plan.name));
      const keyPath = join(dir, PKI_FILES.key(plan.name));
      const cert = await readOptional(certPath);
      const key = await readOptional(keyPath);
      const fresh =
        cert !== undefined &&
        key !== undefined &&
        secondsUntilExpiry(cert) > RENEW_BEFORE_SECONDS &&
        (plan.name !== 'apiserver' || coversSans(cert, spec));
      if (fresh) {
        leaves[plan.name] = { cert, key };
        continue;
      }
      const issued = await (await issuer()).createLeaf(plan.ca === 'ca' ? ca : frontProxyCa, plan.spec);
      await writeAtomic(keyPath, issued.key, 0o600);
      await writeAtomic(certPath, issued.cert, 0o644);
      leaves[plan.name] = issued;
    }
    let saKey = await readOptional(join(dir, PKI_FILES.saKey));
    let saPub = await readOptional(join(dir, PKI_FILES.saPub));
    if (!saKey || !saPub) {
      const sa = await (await issuer()).createServiceAccountKey();
      await writeAtomic(join(dir, PKI_FILES.saKey), sa.key, 0o600);
      await writeAtomic(join(dir, PKI_FILES.saPub), sa.pub, 0o644);
      saKey = sa.key;
      saPub = sa.pub;
    }
    return { dir, ca, frontProxyCa, leaves, serviceAccount: { key: saKey, pub: saPub }, path: (f) => join(dir, f) };
  } catch (err) {
    if (err instanceof VClusterError) throw err;
    throw new VClusterError(`ensure pki in ${dir}`, { cause: err });
  }
}
