/** Listening for both gRPC transports (grpc-server.ts, node-http2-server.ts): a unix socket or host:port. */
import type { Server } from 'node:net';
import type { Logger } from '../../lib/logger.js';

export type ListenTarget = { readonly path: string } | { readonly host: string; readonly port: number };

/** Resolves to the bound port (port 0: any free port; 0 for a unix socket); later errors are logged. */
export function listenOn(server: Server, target: ListenTarget, log: Logger): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      server.on('error', (err) => log.error({ err }, 'grpc server error'));
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : 0);
    };
    if ('path' in target) server.listen(target.path, done);
    else server.listen(target.port, target.host, done);
  });
}
