/** A raw gRPC client on our etcd protos, for requests the npm etcd3 client cannot make. */
import { credentials, loadPackageDefinition, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS } from './proto.js';

type Unary = (req: unknown, cb: (err: ServiceError | null, res: unknown) => void) => void;
type Ctor = new (target: string, creds: ReturnType<typeof credentials.createInsecure>, opts?: object) => Client & Record<string, unknown>;

export interface RawClient {
  call(service: 'KV' | 'Lease' | 'Maintenance' | 'Cluster', method: string, req: unknown): Promise<Record<string, unknown>>;
  watch(): ClientDuplexStream<unknown, unknown>;
  close(): void;
}

/** `url`: unix:///path, unix:/path, http://host:port or host:port. */
export function grpcTarget(url: string): string {
  if (url.startsWith('unix://')) return `unix:${url.slice('unix://'.length)}`;
  return url.replace(/^https?:\/\//, '');
}

export function rawClient(url: string): RawClient {
  const def = protoLoader.loadSync('rpc.proto', { ...LOADER_OPTIONS, defaults: true });
  const pkg = loadPackageDefinition(def) as unknown as { etcdserverpb: Record<string, Ctor> };
  const target = grpcTarget(url);
  const clients = new Map<string, Client & Record<string, unknown>>();
  const get = (name: string): Client & Record<string, unknown> => {
    let c = clients.get(name);
    if (c === undefined) {
      const C = pkg.etcdserverpb[name];
      if (C === undefined) throw new Error(`no service ${name}`);
      c = new C(target, credentials.createInsecure());
      clients.set(name, c);
    }
    return c;
  };
  return {
    call: (service, method, req) =>
      new Promise((res, rej) => {
        const c = get(service);
        const fn = c[method] as Unary | undefined;
        if (fn === undefined) {
          rej(new Error(`no method ${service}.${method}`));
          return;
        }
        fn.call(c, req, (err, out) => (err ? rej(err) : res(out as Record<string, unknown>)));
      }),
    watch: () => {
      const c = get('Watch');
      const stream = (c.Watch as () => ClientDuplexStream<unknown, unknown>).call(c);
      stream.on('error', () => undefined); // streams end with CANCELLED/UNAVAILABLE when a test closes them
      return stream;
    },
    close: () => {
      for (const c of clients.values()) c.close();
    },
  };
}

/** Waits until Status answers. */
export async function waitForEtcdApi(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const c = rawClient(url);
  try {
    for (;;) {
      try {
        await c.call('Maintenance', 'Status', {});
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`etcd API at ${url} not ready after ${timeoutMs} ms`, { cause: err });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    c.close();
  }
}
