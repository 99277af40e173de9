/**
 * The seed of a kubernetes-driver vcluster: the files `vcluster create` prepares (config.yaml,
 * state.json, the PKI) travel in Secret vc-seed-<name>, mounted at /seed; the first start of pod
 * <name>-0 copies them into /data, and later starts keep what /data holds (the PKI, state.db) and take
 * only the config anew. Secret keys cannot hold "/", so a path's "/" is "__" in its key.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { pathExists } from '../../lib/path-exists.js';

export function seedKey(path: string): string {
  return path.split('/').join('__');
}

export function seedPath(key: string): string {
  return key.split('__').join('/');
}

/** Files that follow the seed on every start (the rest is only copied when /data lacks it). */
const ALWAYS_FROM_SEED = new Set(['config.yaml']);


async function createdAt(stateFile: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(stateFile, 'utf8')) as { createdAt?: string }).createdAt;
  } catch {
    return undefined;
  }
}

/**
 * Copies the seed into the data dir; returns the paths written. A data dir left by an earlier vcluster
 * of the same name (its state.json has another createdAt: a volume that outlived a delete) is emptied
 * first, so the new one never starts on the old one's PKI and database.
 */
export async function applySeed(seedDir: string, dataDir: string): Promise<string[]> {
  const seeded = await createdAt(join(seedDir, 'state.json'));
  const present = await createdAt(join(dataDir, 'state.json'));
  if (seeded && present && seeded !== present) {
    for (const entry of await readdir(dataDir)) await rm(join(dataDir, entry), { recursive: true, force: true });
  }
  let keys: string[];
  try {
    keys = (await readdir(seedDir)).filter((k) => !k.startsWith('..')); // the Secret volume's own ..data links
  } catch (err) {
    throw new VClusterError(`read the seed ${seedDir}`, { cause: err, code: ErrorCode.PRECONDITION });
  }
  const written: string[] = [];
  for (const key of keys.sort()) {
    const rel = seedPath(key);
    if (rel.includes('..') || rel.startsWith('/')) throw new VClusterError(`seed key ${key} leaves the data dir`, { code: ErrorCode.CONFIG });
    const target = join(dataDir, rel);
    if (!ALWAYS_FROM_SEED.has(rel) && (await pathExists(target))) continue;
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(join(seedDir, key), target);
    written.push(rel);
  }
  return written;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A kubeconfig for the host cluster from the pod's own service account (token, CA, KUBERNETES_SERVICE_*). */
export async function inClusterKubeconfig(env: NodeJS.ProcessEnv = process.env, saDir = SA_DIR): Promise<string> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) {
    throw new VClusterError('--in-cluster-host: KUBERNETES_SERVICE_HOST is not set (not running in a pod?)', { code: ErrorCode.PRECONDITION });
  }
  const [token, ca, namespace] = await Promise.all(['token', 'ca.crt', 'namespace'].map((f) => readFile(join(saDir, f), 'utf8'))).catch((err: unknown) => {
    throw new VClusterError(`--in-cluster-host: read the service account from ${saDir}`, { cause: err, code: ErrorCode.PRECONDITION });
  });
  const server = host.includes(':') ? `https://[${host}]:${port}` : `https://${host}:${port}`;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return renderKubeconfigWithToken(server, b64(ca!), token!.trim(), namespace!.trim());
}

function renderKubeconfigWithToken(server: string, caB64: string, token: string, namespace: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'host', cluster: { server, 'certificate-authority-data': caB64 } }],
    users: [{ name: 'host', user: { token } }],
    contexts: [{ name: 'host', context: { cluster: 'host', user: 'host', namespace } }],
    'current-context': 'host',
  });
}

export async function writeInClusterKubeconfig(path: string): Promise<void> {
  await writeFile(path, await inClusterKubeconfig(), { mode: 0o600 });
}

