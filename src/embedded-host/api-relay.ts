/**
 * The host kube-apiserver listens on 127.0.0.1 only; pods and kubelets of the real nodes reach it at the
 * root-side address of node 1's veth pair, where this relay (run inside the host supervisor) forwards
 * each TCP connection to loopback. The address exists only once node 1's agent made the veth pair, so
 * listening is retried until then.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../lib/logger.js';

export interface ApiRelay {
  /** Resolves once the relay listens (or rejects after `timeoutMs`). */
  readonly listening: Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function startApiRelay(o: { address: string; port: number; targetPort: number; log: Logger; timeoutMs?: number }): ApiRelay {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(o.targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  let closed = false;
  const listenOnce = (): Promise<NodeJS.ErrnoException | undefined> =>
    new Promise((resolve) => {
      const onError = (err: NodeJS.ErrnoException): void => resolve(err);
      server.once('error', onError);
      server.listen(o.port, o.address, () => {
        server.off('error', onError);
        resolve(undefined);
      });
    });
  const listening = (async () => {
    const deadline = Date.now() + (o.timeoutMs ?? 120_000);
    for (;;) {
      if (closed) return;
      const err = await listenOnce();
      if (!err) {
        o.log.info({ address: o.address, port: o.port }, 'api relay listening');
        return;
      }
      if (err.code !== 'EADDRNOTAVAIL' || Date.now() > deadline) throw err;
      await sleep(100);
    }
  })();
  listening.catch(() => undefined);
  return {
    listening,
    close: async () => {
      closed = true;
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
