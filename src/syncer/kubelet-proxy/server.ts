/**
 * The kubelet the virtual kube-apiserver talks to for every virtual node (vCluster's fake kubelet):
 * HTTPS on one port, on one loopback address per node, accepting only the apiserver's kubelet client
 * certificate (signed by the vcluster's CA). Pod logs, exec, attach and port-forward of a virtual pod
 * go to its host twin's subresources on the host API with the syncer's host credentials (upgraded
 * connections piped both ways); /stats/summary is the host node's, with only the tenant's pods.
 * A pod this vcluster does not manage is refused (404 / 403 with the reason).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { ErrorCode, VClusterError, formatError, isErrnoException } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Informer } from '../../k8s/informer.js';
import type { Pod } from '../../k8s/types.js';
import { UID_ANNOTATION } from '../translate/constants.js';
import type { NameContext } from '../translate/names.js';
import { nodeKubeletAddress, SHARED_KUBELET_ADDRESS } from './address.js';
import type { KubeletEndpoints } from './endpoints.js';
import { checkOwnership, hostPodRef, virtualPodOf } from './ownership.js';
import { hostSubresource, isStreaming, parseKubeletPath, type HostPodRef, type KubeletRoute, type PodRoute } from './routes.js';
import { isSimulatedPod, simulatedExecQuery } from './simulated.js';
import { filterSummary, type Summary } from './stats.js';
import { forwardGet, forwardUpgrade, getJson, writeRawError, type HostApiSource } from './upstream.js';

/** The CN of the client certificate the virtual kube-apiserver presents to kubelets. */
export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';

export interface KubeletProxyOptions {
  readonly names: NameContext;
  readonly port: number;
  /** PEM: the serving certificate and key, and the CA that signs accepted client certificates. */
  readonly tls: { readonly cert: string; readonly key: string; readonly clientCa: string };
  /** @default [KUBELET_CLIENT_CN] */
  readonly allowedClients?: readonly string[];
  readonly hostApi: HostApiSource;
  readonly log: Logger;
  /** Binds a per-node address; injected by tests. @default listen on TCP */
  readonly bind?: (server: net.Server, address: string, port: number) => Promise<void>;
}

type Refusal = { readonly status: number; readonly message: string };

function listenTcp(server: net.Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export class KubeletProxy implements KubeletEndpoints {
  readonly port: number;
  readonly #o: KubeletProxyOptions;
  readonly #https: https.Server;
  readonly #log: Logger;
  /** address → its listener (one per address, shared by every node on it). */
  readonly #listeners = new Map<string, Promise<net.Server>>();
  /** address → the nodes advertising it. */
  readonly #nodes = new Map<string, Set<string>>();
  #hostPods: Informer<Pod> | undefined;

  constructor(options: KubeletProxyOptions) {
    this.#o = options;
    this.port = options.port;
    this.#log = options.log.child({ component: 'kubelet-proxy' });
    this.#https = https.createServer({
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.tls.clientCa,
      requestCert: true,
      rejectUnauthorized: true,
    });
    this.#https.on('request', (req, res) => void this.#onRequest(req, res));
    this.#https.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void this.#onUpgrade(req, socket, head));
    this.#https.on('tlsClientError', (err) => this.#log.debug({ err: err.message }, 'kubelet proxy: TLS handshake refused'));
  }

  /** The host pods of this vcluster (the syncer's host cache): how virtual pods are mapped. */
  useHostPods(informer: Informer<Pod>): void {
    this.#hostPods = informer;
  }

  /** Listens on the shared address; fails when the port is taken. */
  async start(): Promise<void> {
    await this.#listen(SHARED_KUBELET_ADDRESS);
    this.#log.info({ address: SHARED_KUBELET_ADDRESS, port: this.port }, 'kubelet proxy listening');
  }

  async addressOf(nodeName: string): Promise<string> {
    let address = nodeKubeletAddress(nodeName);
    try {
      await this.#listen(address);
    } catch (err) {
      // a system without the whole 127/8 on loopback: every node shares 127.0.0.1
      if (!(isErrnoException(err) && err.code === 'EADDRNOTAVAIL')) throw err;
      address = SHARED_KUBELET_ADDRESS;
    }
    const nodes = this.#nodes.get(address) ?? new Set<string>();
    nodes.add(nodeName);
    this.#nodes.set(address, nodes);
    return address;
  }

  release(nodeName: string): void {
    for (const [address, nodes] of this.#nodes) {
      if (!nodes.delete(nodeName) || nodes.size > 0) continue;
      this.#nodes.delete(address);
      if (address === SHARED_KUBELET_ADDRESS) continue;
      const listener = this.#listeners.get(address);
      this.#listeners.delete(address);
      void listener?.then((s) => s.close()).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const servers = await Promise.all([...this.#listeners.values()].map((p) => p.catch(() => undefined)));
    this.#listeners.clear();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))));
    this.#https.closeAllConnections();
    this.#https.close();
  }

  #listen(address: string): Promise<net.Server> {
    const existing = this.#listeners.get(address);
    if (existing) return existing;
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.#https.emit('connection', socket);
    });
    const started = (this.#o.bind ?? listenTcp)(server, address, this.port).then(
      () => server,
      (err: unknown) => {
        this.#listeners.delete(address);
        if (isErrnoException(err) && err.code === 'EADDRNOTAVAIL') throw err;
        throw new VClusterError(`kubelet proxy: listen on ${address}:${this.port}`, { code: ErrorCode.PRECONDITION, cause: err });
      },
    );
    this.#listeners.set(address, started);
    return started;
  }

  /** undefined when the client is the virtual apiserver; else why not. */
  #authenticate(socket: Duplex): Refusal | undefined {
    const tlsSocket = socket as TLSSocket;
    if (!tlsSocket.authorized) return { status: 401, message: 'kubelet proxy: a client certificate signed by the vcluster CA is required' };
    const cn = tlsSocket.getPeerCertificate().subject?.CN;
    const allowed = this.#o.allowedClients ?? [KUBELET_CLIENT_CN];
    if (typeof cn !== 'string' || !allowed.includes(cn)) return { status: 403, message: `kubelet proxy: client ${String(cn)} is not allowed` };
    return undefined;
  }

  /** Maps a pod route to its host twin, or says why not. */
  #resolve(route: PodRoute): { ok: true; host: HostPodRef; simulated: boolean } | { ok: false; refusal: Refusal } {
    const informer = this.#hostPods;
    if (!informer) return { ok: false, refusal: { status: 503, message: 'kubelet proxy: the syncer caches are not ready yet' } };
    const pod = { namespace: route.namespace, name: route.pod };
    const ref = hostPodRef(this.#o.names, pod);
    const hostPod = informer.get(`${ref.namespace}/${ref.name}`);
    const owned = checkOwnership(this.#o.names, pod, hostPod);
    if (!owned.ok) return { ok: false, refusal: { status: owned.status, message: owned.message } };
    return { ok: true, host: owned.host, simulated: hostPod !== undefined && isSimulatedPod(hostPod) };
  }

  #route(req: http.IncomingMessage): { route: KubeletRoute | undefined; query: URLSearchParams } {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    return { route: parseKubeletPath(url.pathname), query: url.searchParams };
  }

  #refused(route: KubeletRoute | undefined, refusal: Refusal): void {
    const pod = route && 'pod' in route ? `${route.namespace}/${route.pod}` : undefined;
    this.#log.info({ kind: route?.kind, pod, status: refusal.status, reason: refusal.message }, 'kubelet proxy refused a request');
  }

  async #onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = (status: number, message: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
    };
    const denied = this.#authenticate(req.socket);
    const { route, query } = this.#route(req);
    if (denied) return (this.#refused(route, denied), text(denied.status, denied.message));
    if (!route) return text(404, `kubelet proxy: ${req.url ?? ''} is not served (only containerLogs, exec, attach, portForward, stats/summary, healthz)`);
    if (req.method !== 'GET' && !isStreaming(route)) return text(405, `kubelet proxy: ${req.method ?? ''} is not allowed`);
    switch (route.kind) {
      case 'healthz':
        return text(200, 'ok');
      case 'statsSummary':
        return this.#stats(req, res);
      case 'containerLogs': {
        const target = this.#resolve(route);
        if (!target.ok) return (this.#refused(route, target.refusal), text(target.refusal.status, target.refusal.message));
        try {
          forwardGet(await this.#o.hostApi.get(), hostSubresource(route, query, target.host), res, (err) => this.#log.warn({ err: err.message }, 'kubelet proxy: host API unreachable'));
        } catch (err) {
          text(502, `kubelet proxy: ${formatError(err)}`);
        }
        return;
      }
      default:
        return text(400, `kubelet proxy: ${route.kind} needs an upgraded connection (SPDY or WebSocket)`);
    }
  }

  async #onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const { route, query } = this.#route(req);
    const denied = this.#authenticate(socket);
    if (denied) return (this.#refused(route, denied), writeRawError(socket, denied.status, denied.message));
    if (!route || !isStreaming(route) || !('pod' in route)) return writeRawError(socket, 404, `kubelet proxy: ${req.url ?? ''} cannot be upgraded`);
    const target = this.#resolve(route);
    if (!target.ok) return (this.#refused(route, target.refusal), writeRawError(socket, target.refusal.status, target.refusal.message));
    try {
      const api = await this.#o.hostApi.get();
      const forwarded = hostSubresource(route, query, target.host);
      // a simulated pod's exec would run on the host machine: never the tenant's command (simulated.ts)
      if (route.kind === 'exec' && target.simulated) forwarded.query = simulatedExecQuery(forwarded.query);
      forwardUpgrade(api, forwarded, req, socket, head, (err) =>
        this.#log.warn({ err: err.message }, 'kubelet proxy: host API unreachable'),
      );
      this.#log.debug({ kind: route.kind, pod: `${route.namespace}/${route.pod}` }, 'kubelet proxy: stream forwarded');
    } catch (err) {
      writeRawError(socket, 502, `kubelet proxy: ${formatError(err)}`);
    }
  }

  async #stats(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, type: string, body: string): void => void res.writeHead(status, { 'Content-Type': type }).end(body);
    const nodes = [...(this.#nodes.get(req.socket.localAddress?.replace(/^::ffff:/, '') ?? '') ?? [])];
    const informer = this.#hostPods;
    if (nodes.length !== 1 || !informer) {
      return send(503, 'text/plain; charset=utf-8', `kubelet proxy: cannot tell which node ${req.socket.localAddress ?? ''} stands for\n`);
    }
    const node = nodes[0]!;
    try {
      const answer = await getJson(await this.#o.hostApi.get(), `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`);
      if (answer.status !== 200) return send(answer.status, 'text/plain; charset=utf-8', `kubelet proxy: host node ${node}: ${answer.body.slice(0, 500)}\n`);
      const summary = filterSummary(JSON.parse(answer.body) as Summary, this.#o.names.hostNamespace, (name) => {
        const host = informer.get(`${this.#o.names.hostNamespace}/${name}`);
        const virtual = host ? virtualPodOf(this.#o.names, host) : undefined;
        const uid = host?.metadata?.annotations?.[UID_ANNOTATION];
        return virtual ? { ...virtual, ...(uid ? { uid } : {}) } : undefined;
      });
      send(200, 'application/json', JSON.stringify(summary));
    } catch (err) {
      send(502, 'text/plain; charset=utf-8', `kubelet proxy: ${formatError(err)}\n`);
    }
  }
}
