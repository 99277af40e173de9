/**
 * HTTP to one API server, over ONE keep-alive agent. client-node's KubeConfig supplies the server,
 * the TLS material and the auth headers (client certs, bearer tokens, exec plugins); the requests
 * themselves go through node:https so connections are reused (client-node 1.4 builds a new agent,
 * and so a new TLS handshake, for every request) and bodies stay raw JSON.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { VClusterError, ErrorCode, isErrnoException } from '../lib/errors.js';
import { KubeApiError } from './errors.js';
import type { KubeStatus } from './types.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Absolute API path, e.g. `/api/v1/namespaces/default/pods`. */
  readonly path: string;
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** @default 'application/json' when there is a body */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Whole-request timeout for non-streaming requests. @default 60_000 */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly body: string;
}

export interface Transport {
  /** The API server URL. */
  readonly server: string;
  /** One request; non-2xx answers reject with KubeApiError. */
  request(req: HttpRequest): Promise<HttpResponse>;
  /**
   * A streaming GET (watch): `onLine` gets every line of the body; resolves when the server ends
   * the stream or `req.signal` aborts; rejects with KubeApiError for a non-2xx answer.
   */
  stream(req: HttpRequest, onLine: (line: string) => void): Promise<void>;
  /** Closes idle connections. */
  close(): void;
}

export interface TransportOptions {
  readonly userAgent?: string;
}

export function buildUrl(server: string, path: string, query: Query = {}): URL {
  const url = new URL(server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** Parses an error body into a Status (the server sends one for nearly every error). */
export function statusFromBody(statusCode: number, body: string): KubeStatus {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && (parsed as KubeStatus).kind === 'Status') {
      return parsed;
    }
  } catch {
    // not JSON: fall through
  }
  const text = body.trim();
  return { code: statusCode, ...(text ? { message: text.slice(0, 500) } : {}) };
}

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers === 'object' && headers !== null) {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    }
  }
  return out;
}

/** Where and how to reach an API server: what a kubeconfig context resolves to. */
export interface ServerConfig {
  readonly server: string;
  readonly ca?: Buffer | string;
  readonly cert?: Buffer | string;
  readonly key?: Buffer | string;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
  /** Extra request headers, e.g. Authorization. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds a transport (one keep-alive agent) for a server. */
export function transportFromConfig(c: ServerConfig, options: TransportOptions = {}): Transport {
  const secure = c.server.startsWith('https:');
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    keepAliveMsecs: 30_000,
    ...(c.ca ? { ca: c.ca } : {}),
    ...(c.cert ? { cert: c.cert } : {}),
    ...(c.key ? { key: c.key } : {}),
    ...(c.rejectUnauthorized !== undefined ? { rejectUnauthorized: c.rejectUnauthorized } : {}),
    ...(c.servername ? { servername: c.servername } : {}),
  };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000 });
  const baseHeaders: Record<string, string> = {
    ...(c.headers ?? {}),
    Accept: 'application/json',
    'User-Agent': options.userAgent ?? 'vcluster-ts',
  };
  return new NodeTransport(c.server, secure ? https : http, agent, baseHeaders);
}

/** Builds a transport for the current context of client-node's `kc` (exec and auth-provider users). */
export async function transportFromKubeConfig(kc: KubeConfig, options: TransportOptions = {}): Promise<Transport> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new VClusterError(`kubeconfig context "${kc.getCurrentContext()}" has no cluster`, {
      code: ErrorCode.PRECONDITION,
    });
  }
  const tls: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const headers = headerRecord(tls.headers);
  if (tls.auth) headers.Authorization = `Basic ${Buffer.from(tls.auth).toString('base64')}`;
  return transportFromConfig(
    {
      server: cluster.server,
      ...(tls.ca ? { ca: tls.ca as Buffer | string } : {}),
      ...(tls.cert ? { cert: tls.cert as Buffer | string } : {}),
      ...(tls.key ? { key: tls.key as Buffer | string } : {}),
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
      headers,
    },
    options,
  );
}

/** ECONNRESET on a reused keep-alive socket before any answer. */
class StaleSocketError extends Error {
  readonly code = 'ECONNRESET';
  constructor(cause: unknown) {
    super('connection reset on a reused keep-alive socket', { cause });
  }
}

class NodeTransport implements Transport {
  constructor(
    readonly server: string,
    private readonly lib: typeof http | typeof https,
    private readonly agent: http.Agent,
    private readonly headers: Readonly<Record<string, string>>,
  ) {}

  #open(
    req: HttpRequest,
    timeoutMs: number | undefined,
  ): { request: http.ClientRequest; response: Promise<http.IncomingMessage> } {
    const url = buildUrl(this.server, req.path, req.query);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = { ...this.headers };
    if (payload) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const request = this.lib.request(url, {
      method: req.method,
      agent: this.agent,
      headers,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
    });
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', (err) =>
        reject(
          request.reusedSocket && isErrnoException(err) && err.code === 'ECONNRESET'
            ? new StaleSocketError(err)
            : err,
        ),
      );
      request.once('timeout', () =>
        request.destroy(
          new VClusterError(`${req.method} ${req.path}: no answer within ${timeoutMs}ms`, {
            code: ErrorCode.TIMEOUT,
          }),
        ),
      );
    });
    request.end(payload);
    return { request, response };
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.#requestOnce(req);
    } catch (err) {
      // The server closed an idle keep-alive connection just as we reused it: nothing reached
      // it, so sending again is safe for every method (Node's documented retry rule).
      if (err instanceof StaleSocketError) return this.#requestOnce(req);
      throw err;
    }
  }

  async #requestOnce(req: HttpRequest): Promise<HttpResponse> {
    const { response } = this.#open(req, req.timeoutMs ?? 60_000);
    const res = await response;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const statusCode = res.statusCode ?? 0;
    if (statusCode < 200 || statusCode > 299)
      throw new KubeApiError(statusCode, statusFromBody(statusCode, body));
    return { statusCode, body };
  }

  async stream(req: HttpRequest, onLine: (line: string) => void): Promise<void> {
    const { request, response } = this.#open(req, undefined);
    let res: http.IncomingMessage;
    try {
      res = await response;
    } catch (err) {
      if (req.signal?.aborted) return;
      throw err;
    }
    const statusCode = res.statusCode ?? 0;
    if (statusCode < 200 || statusCode > 299) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      throw new KubeApiError(statusCode, statusFromBody(statusCode, Buffer.concat(chunks).toString('utf8')));
    }
    res.setEncoding('utf8');
    let pending = '';
    try {
      for await (const chunk of res) {
        pending += chunk as string;
        let nl = pending.indexOf('\n');
        while (nl >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line) onLine(line);
          nl = pending.indexOf('\n');
        }
      }
      if (pending.trim()) onLine(pending.trim());
    } catch (err) {
      if (req.signal?.aborted) return;
      throw err;
    } finally {
      request.destroy();
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
