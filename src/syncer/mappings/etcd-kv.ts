/**
 * A minimal etcd v3 KV client (Range over a prefix, Put, Delete) over gRPC, using the same protos as
 * our kine. The mappings store talks to the vcluster's own store through it (unix:///data/kine.sock).
 */
import { credentials, makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadEtcdServices } from '../../kine/server/proto.js';

export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
}

export interface EtcdKv {
  rangePrefix(prefix: string): Promise<KeyValue[]>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  close(): void;
}

type Unary = (req: unknown, cb: (err: ServiceError | null, res: unknown) => void) => void;

/** The key just after every key with this prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export function openEtcdKv(endpoint: string): EtcdKv {
  const KvClient = makeGenericClientConstructor(loadEtcdServices().KV, 'KV');
  const client = new KvClient(endpoint, credentials.createInsecure()) as Client & Record<string, Unary>;
  const call = (method: string, req: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const fn = client[method];
      if (!fn) return reject(new Error(`etcd KV has no method ${method}`));
      fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res)));
    });
  return {
    async rangePrefix(prefix) {
      const res = (await call('Range', { key: Buffer.from(prefix), range_end: prefixEnd(prefix) })) as {
        kvs?: { key: Buffer; value: Buffer }[];
      };
      return (res.kvs ?? []).map((kv) => ({ key: kv.key.toString('utf8'), value: kv.value }));
    },
    async put(key, value) {
      await call('Put', { key: Buffer.from(key), value: Buffer.from(value) });
    },
    async delete(key) {
      await call('DeleteRange', { key: Buffer.from(key) });
    },
    close: () => client.close(),
  };
}
