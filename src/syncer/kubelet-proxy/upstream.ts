/**
 * The host API as the kubelet proxy reaches it: the server and credentials of the syncer's host
 * kubeconfig (re-read when the file changes, so a rotated service-account token is picked up), plain
 * requests forwarded with a keep-alive agent, and upgraded connections (SPDY or WebSocket) forwarded
 * as raw sockets: the request goes to the host API with the translated path and the syncer's
 * credentials, then both sockets are piped, the host's `101 Switching Protocols` included.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { ErrorCode, VClusterError } from '../../lib/errors.js';
import { parseKubeconfig } from '../../k8s/kubeconfig.js';
import { kubeconfigDir, simpleServerConfig } from '../../k8s/server-config.js';
import type { ServerConfig } from '../../k8s/transport.js';

export interface HostApi {
  readonly url: URL;
  readonly tls: tls.ConnectionOptions;
  /** Authorization (a bearer token or basic auth); empty with client certificates. */
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: http.Agent;
}

export function hostApiFromConfig(c: ServerConfig): HostApi {
  const url = new URL(c.server);
  const options: tls.ConnectionOptions = {
    ...(c.ca ? { ca: c.ca } : {}),
    ...(c.cert ? { cert: c.cert } : {}),
    ...(c.key ? { key: c.key } : {}),
    ...(c.rejectUnauthorized !== undefined ? { rejectUnauthorized: c.rejectUnauthorized } : {}),
    ...(c.servername ? { servername: c.servername } : {}),
  };
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, ...options })
      : new http.Agent({ keepAlive: true });
  return { url, tls: options, headers: { ...(c.headers ?? {}) }, agent };
}

/** The host API of a kubeconfig file, loaded again only when the file's text changes. */
export class HostApiSource {
  #text = '';
  #api: HostApi | undefined;

  constructor(private readonly kubeconfigPath: string) {}

  async get(): Promise<HostApi> {
    const text = await readFile(this.kubeconfigPath, 'utf8').catch((err: unknown) => {
      throw new VClusterError(`read host kubeconfig ${this.kubeconfigPath}`, { code: ErrorCode.UNAVAILABLE, cause: err });
    });
    if (this.#api && text === this.#text) return this.#api;
    const config = simpleServerConfig(parseKubeconfig(text, this.kubeconfigPath), undefined, kubeconfigDir(this.kubeconfigPath), this.kubeconfigPath);
    if (!config) {
      throw new VClusterError(`${this.kubeconfigPath}: the kubelet proxy cannot use a host kubeconfig whose user runs an exec or auth-provider plugin`, {
        code: ErrorCode.PRECONDITION,
      });
    }
    this.#api?.agent.destroy();
    this.#text = text;
    this.#api = hostApiFromConfig(config);
    return this.#api;
  }

  close(): void {
    this.#api?.agent.destroy();
  }
}

/** Headers of the incoming request that must not reach the host API. */
const DROPPED_HEADERS = new Set(['host', 'authorization', 'content-length', 'proxy-authorization', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);

function forwardable(name: string): boolean {
  const lower = name.toLowerCase();
  return !DROPPED_HEADERS.has(lower) && !lower.startsWith('impersonate-') && !lower.startsWith('x-remote-');
}

function hostHeader(url: URL): string {
  return url.host;
}

/** Answers a plain-text HTTP error on a raw socket (before any upgrade) and closes it. */
export function writeRawError(socket: Duplex, status: number, message: string): void {
  const body = Buffer.from(`${message}\n`);
  const reason = http.STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString()}`);
}

/**
 * Forwards an upgrade request (exec, attach, port-forward) to `path?query` on the host API and pipes
 * the two connections until either side closes. `onError` is told of a failure to connect.
 */
export function forwardUpgrade(
  api: HostApi,
  target: { readonly path: string; readonly query: string },
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  onError: (err: Error) => void,
): void {
  const secure = api.url.protocol === 'https:';
  const port = Number(api.url.port || (secure ? 443 : 80));
  const host = api.url.hostname.replace(/^\[|\]$/g, '');
  const upstream: net.Socket = secure
    ? tls.connect({ host, port, ...api.tls, ...(api.tls.servername || net.isIP(host) ? {} : { servername: host }), ALPNProtocols: ['http/1.1'] })
    : net.connect({ host, port });
  let connected = false;
  upstream.setNoDelay(true);
  if (socket instanceof net.Socket) socket.setNoDelay(true);
  upstream.once(secure ? 'secureConnect' : 'connect', () => {
    connected = true;
    const lines = [`GET ${target.path}${target.query ? `?${target.query}` : ''} HTTP/1.1`, `Host: ${hostHeader(api.url)}`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (forwardable(name)) lines.push(`${name}: ${req.rawHeaders[i + 1]!}`);
    }
    for (const [name, value] of Object.entries(api.headers)) lines.push(`${name}: ${value}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  upstream.on('error', (err) => {
    if (!connected) {
      onError(err);
      writeRawError(socket, 502, `kubelet proxy: cannot reach the host API: ${err.message}`);
    } else socket.destroy();
  });
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
}

/**
 * Forwards a GET (pod logs) to `path?query` on the host API and streams the answer back as it
 * arrives (`kubectl logs -f`), status and content type included.
 */
export function forwardGet(
  api: HostApi,
  target: { readonly path: string; readonly query: string },
  res: http.ServerResponse,
  onError: (err: Error) => void,
): void {
  const url = new URL(`${target.path}${target.query ? `?${target.query}` : ''}`, api.url);
  const lib = url.protocol === 'https:' ? https : http;
  const upstream = lib.request(url, {
    method: 'GET',
    agent: api.agent,
    headers: { ...api.headers, Accept: '*/*', 'User-Agent': 'vcluster-kubelet-proxy' },
  });
  upstream.setNoDelay(true);
  upstream.once('response', (answer) => {
    const headers: Record<string, string> = {};
    const type = answer.headers['content-type'];
    if (type) headers['Content-Type'] = type;
    res.writeHead(answer.statusCode ?? 502, headers);
    res.flushHeaders();
    answer.on('data', (chunk: Buffer) => res.write(chunk));
    answer.once('end', () => res.end());
    answer.once('error', () => res.destroy());
  });
  upstream.once('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    onError(err);
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`kubelet proxy: cannot reach the host API: ${err.message}\n`);
  });
  // the apiserver went away (kubectl logs -f ended): stop reading from the host
  res.once('close', () => upstream.destroy());
  upstream.end();
}

/** GETs a JSON document from the host API (stats summaries). */
export function getJson(api: HostApi, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, api.url);
    const lib = url.protocol === 'https:' ? https : http;
    const request = lib.request(url, { method: 'GET', agent: api.agent, headers: { ...api.headers, Accept: 'application/json' }, timeout: 30_000 });
    request.once('response', (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.once('end', () => resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      answer.once('error', reject);
    });
    request.once('timeout', () => request.destroy(new VClusterError(`GET ${path}: no answer within 30 s`, { code: ErrorCode.TIMEOUT })));
    request.once('error', reject);
    request.end();
  });
}
