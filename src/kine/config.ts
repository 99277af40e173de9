/** kine's options and the pure parsing of its endpoint and listen address. */
import { isAbsolute, resolve } from 'node:path';
import { parse as parseConnectionString } from 'pg-connection-string';
import { UsageError } from '../lib/errors.js';
import type { Durability } from './sqlite/schema.js';

/** Where the log lives: a SQLite file (the default) or a PostgreSQL database. */
export type StoreEndpoint =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface KineOptions {
  readonly store: StoreEndpoint;
  readonly listen: ListenAddress;
  /** synchronous=FULL survives power loss; NORMAL survives process crashes only (kine's default). @default 'FULL' */
  readonly durability: Durability;
  /** Own compaction every interval (0 = off: kube-apiserver compacts). @default 0 */
  readonly compactIntervalMs: number;
  /** Revisions kept when kine compacts by itself. @default 1000 */
  readonly compactMinRetain: number;
  /** Revisions per compaction transaction. @default 1000 */
  readonly compactBatchSize: number;
  /** @default 5000 (kine's 5 s) */
  readonly watchProgressNotifyIntervalMs: number;
  /** Status.version. @default '3.6.16' */
  readonly emulatedEtcdVersion: string;
  /** @default 1.5 MiB (etcd's --max-request-bytes) */
  readonly maxRequestBytes: number;
  /** TLS on the listener (files in PEM); required on a TCP address that is not loopback. */
  readonly tls?: KineTlsFiles;
  /** The HTTP/2 under gRPC: ours (grpc/http2/) or node:http2 (grpc/node-http2-server.ts). @default 'own' */
  readonly transport?: KineTransport;
}

export const KINE_TRANSPORTS = ['own', 'node-http2'] as const;
export type KineTransport = (typeof KINE_TRANSPORTS)[number];

export function parseTransport(v: string, flag = '--transport'): KineTransport {
  const t = KINE_TRANSPORTS.find((x) => x === v);
  if (t === undefined) throw new UsageError(`${flag}: expected ${KINE_TRANSPORTS.join(' or ')}, got '${v}'`);
  return t;
}

export interface KineTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Clients must present a certificate signed by this CA (etcd's --trusted-ca-file). */
  readonly trustedCaFile?: string;
}

export type ListenAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export const DEFAULTS = {
  durability: 'FULL',
  compactIntervalMs: 0,
  compactMinRetain: 1000,
  compactBatchSize: 1000,
  watchProgressNotifyIntervalMs: 5000,
  emulatedEtcdVersion: '3.6.16',
  maxRequestBytes: 1.5 * 1024 * 1024,
} as const;

/**
 * `sqlite://<path>[?params]` (params are accepted and ignored), a bare path, or
 * `postgres://[user[:password]@][host][:port]/<db>[?host=<socket dir>&...]` (also `postgresql://`),
 * handed to the PostgreSQL client as it is.
 */
export function parseEndpoint(endpoint: string, flag = '--endpoint'): StoreEndpoint {
  let path = endpoint;
  if (endpoint.includes('://')) {
    const m = /^([a-z0-9+]+):\/\/(.*)$/i.exec(endpoint);
    const scheme = m?.[1]?.toLowerCase();
    if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', url: parsePostgresUrl(endpoint, flag) };
    if (m === null || scheme !== 'sqlite') {
      throw new UsageError(`${flag}: unsupported endpoint '${withoutPassword(endpoint)}' (expected sqlite://<path> or postgres://…)`);
    }
    path = m[2] ?? '';
  }
  path = path.split('?')[0] ?? '';
  if (path === '') throw new UsageError(`${flag}: missing database path in '${endpoint}'`);
  return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
}

function parsePostgresUrl(endpoint: string, flag: string): string {
  let database: string | null | undefined;
  try {
    database = parseConnectionString(endpoint).database;
  } catch {
    throw new UsageError(`${flag}: invalid PostgreSQL URL '${withoutPassword(endpoint)}'`);
  }
  if (database === undefined || database === null || database === '') throw new UsageError(`${flag}: missing database name in '${withoutPassword(endpoint)}' (postgres://user@host/<db>)`);
  return endpoint;
}

/** A URL or path for logs, without any password. */
export function describeStore(s: StoreEndpoint): string {
  if (s.kind === 'sqlite') return s.path;
  return withoutPassword(s.url);
}

/** A URL with its password (scheme://user:password@…) masked, for messages and logs. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z0-9+]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

/** `unix://<path>`, `unix:<path>`, `[tcp|http]://host:port` or `host:port`. */
export function parseListenAddress(address: string, flag = '--listen-address'): ListenAddress {
  const unix = /^unix:(?:\/\/)?(.+)$/.exec(address);
  if (unix !== null) {
    const p = unix[1] ?? '';
    return { kind: 'unix', path: isAbsolute(p) ? p : resolve(p) };
  }
  const hp = address.replace(/^(tcp|http):\/\//, '');
  const m = /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):(\d+)$/i.exec(hp);
  if (m === null) throw new UsageError(`${flag}: expected unix://<path> or <host>:<port>, got '${address}'`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag}: invalid port in '${address}'`);
  return { kind: 'tcp', host: m[1] ?? '', port };
}

export function parseDurability(v: string, flag = '--durability'): Durability {
  const u = v.toUpperCase();
  if (u === 'FULL' || u === 'NORMAL') return u;
  throw new UsageError(`${flag}: expected FULL or NORMAL, got '${v}'`);
}

/** Durations like 500ms, 5s, 2m, 0. */
export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (m === null) throw new UsageError(`${flag}: expected a duration such as 500ms, 5s or 5m, got '${v}'`);
  const n = Number(m[1]);
  const unit = m[2] ?? (n === 0 ? 's' : undefined);
  if (unit === undefined) throw new UsageError(`${flag}: missing unit in '${v}' (ms, s, m or h)`);
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h']);
}

export function parseNonNegativeInt(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${flag}: expected a non-negative integer, got '${v}'`);
  return n;
}

/** Loopback hosts: the only TCP addresses served without TLS. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The TLS files from `--cert-file/--key-file/--trusted-ca-file`, checked against the listener: a
 * TCP address other than loopback is refused without TLS (anyone who can reach it could read and
 * write the whole store).
 */
export function parseTls(
  listen: ListenAddress,
  f: { readonly certFile?: string | undefined; readonly keyFile?: string | undefined; readonly trustedCaFile?: string | undefined },
): KineTlsFiles | undefined {
  const { certFile, keyFile, trustedCaFile } = f;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError('--cert-file and --key-file: give both or neither');
  }
  if (certFile === undefined || keyFile === undefined) {
    if (trustedCaFile !== undefined) throw new UsageError('--trusted-ca-file: needs --cert-file and --key-file (client certificates are checked only over TLS)');
    if (listen.kind === 'tcp' && !isLoopbackHost(listen.host)) {
      throw new UsageError(
        `--listen-address ${listen.host}:${String(listen.port)}: refusing to serve the store without TLS on a non-loopback address; give --cert-file and --key-file (and --trusted-ca-file to require client certificates), or listen on 127.0.0.1 or a unix socket`,
      );
    }
    return undefined;
  }
  return {
    certFile: resolve(certFile),
    keyFile: resolve(keyFile),
    ...(trustedCaFile === undefined ? {} : { trustedCaFile: resolve(trustedCaFile) }),
  };
}
