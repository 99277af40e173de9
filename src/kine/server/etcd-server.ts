/**
 * Assembles kine: log (SQLite or PostgreSQL) -> backend -> gRPC services, bound to a unix socket or loopback TCP.
 * `startKine` returns once the server is listening; it stops when the AbortSignal fires.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import { VClusterError, ErrorCode } from '../../lib/errors.js';
import type { Backend } from '../backend/backend.js';
import { describeStore, type KineOptions } from '../config.js';
import { toGrpcStatus } from '../errors.js';
import { ETCD_RPCS, type EtcdRpcName } from '../grpc/etcd-messages.js';
import { GrpcServer, type GrpcServerOptions, type GrpcTransport } from '../grpc/grpc-server.js';
import { openStore } from './store.js';
import { readTls } from './tls-files.js';
import type { UnaryMethods } from './handlers.js';
import { kvService } from './kv.js';
import { leaseKeepAlive, leaseService } from './lease.js';
import { clusterService, maintenanceService } from './maintenance.js';
import { watchService, type WatchSession } from './watch.js';

export interface RunningKine {
  /** What kube-apiserver's --etcd-servers takes: unix://<path> or http://127.0.0.1:<port>. */
  readonly url: string;
  readonly backend: Backend;
  /** Resolves when the server has stopped (after the signal fired). */
  readonly stopped: Promise<void>;
}

export async function startKine(options: KineOptions, log: Logger, signal: AbortSignal): Promise<RunningKine> {
  if (signal.aborted) throw new VClusterError('kine: aborted before start');
  const tls = options.tls === undefined ? undefined : readTls(options.tls);
  const store = await openStore(options.store, { durability: options.durability, compactBatchSize: options.compactBatchSize }, log);
  const backend = store.backend;

  const grpcLog = log.child({ layer: 'grpc' });
  const serverOptions: GrpcServerOptions = {
    log: grpcLog,
    maxReceiveBytes: options.maxRequestBytes + 512 * 1024,
    toStatus: toGrpcStatus,
    ...(tls === undefined ? {} : { tls }),
  };
  // node:http2 is loaded only when asked for (--transport node-http2), not carried by every kine
  const server: GrpcTransport =
    options.transport === 'node-http2' ? new (await import('../grpc/node-http2-server.js')).NodeHttp2GrpcServer(serverOptions) : new GrpcServer(serverOptions);
  const sessions = new Set<WatchSession>();
  const bind = options.listen.kind === 'unix' ? `unix:${options.listen.path}` : `${options.listen.host}:${options.listen.port}`;
  let url = '';
  const closeAll = async (): Promise<void> => {
    for (const s of sessions) s.close();
    await server.close(1000);
    await store.close();
    if (options.listen.kind === 'unix') rmSync(options.listen.path, { force: true });
  };
  try {
    if (options.listen.kind === 'unix') {
      mkdirSync(dirname(options.listen.path), { recursive: true });
      if (existsSync(options.listen.path)) {
        if (!statSync(options.listen.path).isSocket()) {
          throw new VClusterError(`listen address ${options.listen.path} exists and is not a socket`, { code: ErrorCode.PRECONDITION });
        }
        rmSync(options.listen.path);
      }
    }
    const mo = { backend, log: grpcLog, emulatedVersion: options.emulatedEtcdVersion, clientUrl: () => url };
    const unaries: UnaryMethods = {
      ...kvService({ backend, log: grpcLog, maxRequestBytes: options.maxRequestBytes }),
      ...leaseService(backend, grpcLog),
      ...maintenanceService(mo),
      ...clusterService(mo),
    };
    for (const [name, fn] of Object.entries(unaries) as [EtcdRpcName, NonNullable<UnaryMethods[EtcdRpcName]>][]) {
      const rpc = ETCD_RPCS[name];
      server.unary(rpc.path, rpc.request, rpc.response, fn);
    }
    const watch = watchService(
      { backend, log: grpcLog, progressIntervalMs: options.watchProgressNotifyIntervalMs, maxResponseBytes: options.maxRequestBytes },
      sessions,
    );
    server.bidi(ETCD_RPCS.Watch.path, ETCD_RPCS.Watch.request, ETCD_RPCS.Watch.response, watch);
    server.bidi(ETCD_RPCS.LeaseKeepAlive.path, ETCD_RPCS.LeaseKeepAlive.request, ETCD_RPCS.LeaseKeepAlive.response, leaseKeepAlive(backend));
    const port = await server.listen(options.listen.kind === 'unix' ? { path: options.listen.path } : { host: options.listen.host, port: options.listen.port });
    const scheme = options.tls === undefined ? 'http' : 'https';
    url = options.listen.kind === 'unix' ? `unix://${options.listen.path}` : `${scheme}://${options.listen.host}:${port}`;
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw new VClusterError(`kine: listen on ${bind}`, { cause: err, code: ErrorCode.PRECONDITION });
  }

  let compactTimer: NodeJS.Timeout | undefined;
  if (options.compactIntervalMs > 0) {
    let previous = backend.currentRevision();
    compactTimer = setInterval(() => {
      const target = Math.min(previous, backend.currentRevision() - options.compactMinRetain);
      previous = backend.currentRevision();
      if (target > backend.compactRevision()) {
        backend.compact(target, false).catch((err: unknown) => log.warn({ err, target }, 'periodic compaction failed'));
      }
    }, options.compactIntervalMs);
    compactTimer.unref();
  }

  log.info({ url, db: describeStore(options.store), durability: options.durability, transport: options.transport ?? 'own', revision: backend.currentRevision() }, 'kine listening');
  const stopped = new Promise<void>((res) => {
    const onAbort = (): void => {
      if (compactTimer !== undefined) clearInterval(compactTimer);
      log.info({}, 'kine stopping');
      closeAll().then(
        () => {
          log.info({}, 'kine stopped');
          res();
        },
        (err: unknown) => {
          log.error({ err }, 'kine stop failed');
          res();
        },
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { url, backend, stopped };
}
