/**
 * A minimal etcd v3 KV client (Range over a prefix, Put, Delete) over kine's own small gRPC client.
 * The mappings store talks to the vcluster's own store through it (unix:///data/kine.sock).
 */
import { GrpcClient } from '../../kine/grpc/client.js';
import { ETCD_RPCS } from '../../kine/grpc/etcd-messages.js';

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
  const client = new GrpcClient(endpoint);
  return {
    async rangePrefix(prefix) {
      const res = await client.unary(ETCD_RPCS.Range.path, ETCD_RPCS.Range.request, ETCD_RPCS.Range.response, {
        key: Buffer.from(prefix),
        range_end: prefixEnd(prefix),
      });
      const kvs = Array.isArray(res.kvs) ? (res.kvs as { key?: Buffer; value?: Buffer }[]) : [];
      return kvs.map((kv) => ({ key: (kv.key ?? Buffer.alloc(0)).toString('utf8'), value: Buffer.from(kv.value ?? Buffer.alloc(0)) }));
    },
    async put(key, value) {
      await client.unary(ETCD_RPCS.Put.path, ETCD_RPCS.Put.request, ETCD_RPCS.Put.response, { key: Buffer.from(key), value: Buffer.from(value) });
    },
    async delete(key) {
      await client.unary(ETCD_RPCS.DeleteRange.path, ETCD_RPCS.DeleteRange.request, ETCD_RPCS.DeleteRange.response, { key: Buffer.from(key) });
    },
    close: () => client.close(),
  };
}
