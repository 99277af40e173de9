/**
 * Resolves a kubeconfig context to a ServerConfig without client-node, for the common cases:
 * client certificates, bearer tokens (inline or file), basic auth, CA data or file, and
 * insecure-skip-tls-verify. Users with `exec` or `auth-provider` return undefined, and the caller falls
 * back to client-node's KubeConfig (which runs those plugins).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { getCluster, getContext, getCurrentContext, getUser, type Kubeconfig } from './kubeconfig.js';
import type { ServerConfig } from './transport.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `baseDir` resolves relative file paths (the kubeconfig file's folder). */
export function simpleServerConfig(kc: Kubeconfig, contextName: string | undefined, baseDir: string, where: string): ServerConfig | undefined {
  const name = contextName ?? getCurrentContext(kc);
  const context = name ? getContext(kc, name) : undefined;
  if (!name || !context) {
    throw new VClusterError(`${where}: no context ${JSON.stringify(name ?? '')}`, {
      code: ErrorCode.PRECONDITION,
      hint: 'list the contexts with `kubectl config get-contexts`',
    });
  }
  const cluster = getCluster(kc, context.context.cluster)?.cluster;
  const user = (getUser(kc, context.context.user)?.user ?? {}) as Record<string, unknown>;
  if (user.exec !== undefined || user['auth-provider'] !== undefined) return undefined;
  const server = str(cluster?.server);
  if (!server) throw new VClusterError(`${where}: context "${name}" has no cluster server`, { code: ErrorCode.PRECONDITION });
  const file = (p: unknown): Buffer | undefined => {
    const path = str(p);
    return path ? readFileSync(isAbsolute(path) ? path : resolve(baseDir, path)) : undefined;
  };
  const data = (v: unknown): Buffer | undefined => {
    const text = str(v);
    return text ? Buffer.from(text, 'base64') : undefined;
  };
  const ca = data(cluster?.['certificate-authority-data']) ?? file(cluster?.['certificate-authority']);
  const cert = data(user['client-certificate-data']) ?? file(user['client-certificate']);
  const key = data(user['client-key-data']) ?? file(user['client-key']);
  const tokenFile = file(user.tokenFile);
  const token = str(user.token) ?? tokenFile?.toString('utf8').trim();
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (str(user.username)) headers.Authorization = `Basic ${Buffer.from(`${str(user.username)}:${str(user.password) ?? ''}`).toString('base64')}`;
  return {
    server,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster?.['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
    ...(str(cluster?.['tls-server-name']) ? { servername: str(cluster?.['tls-server-name'])! } : {}),
    headers,
  };
}

export function kubeconfigDir(path: string | undefined): string {
  return path ? dirname(resolve(path)) : process.cwd();
}
