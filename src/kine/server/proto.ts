/** Loads the hand-written etcd protos (proto/etcd) at runtime with @grpc/proto-loader. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';

/** proto/etcd at the repository root, from src/kine/server (tsx) or .build/src/kine/server (compiled). */
function findProtoDir(): string {
  const candidates = ['../../../proto/etcd/', '../../../../proto/etcd/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'rpc.proto'))) ?? (candidates[0] as string);
}

export const PROTO_DIR = findProtoDir();

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: false,
  oneofs: false,
  includeDirs: [PROTO_DIR],
};

export interface EtcdServices {
  readonly KV: ServiceDefinition;
  readonly Watch: ServiceDefinition;
  readonly Lease: ServiceDefinition;
  readonly Cluster: ServiceDefinition;
  readonly Maintenance: ServiceDefinition;
}

export function loadEtcdServices(): EtcdServices {
  const def = protoLoader.loadSync('rpc.proto', LOADER_OPTIONS);
  const pkg = loadPackageDefinition(def) as unknown as Record<string, Record<string, { service: ServiceDefinition }>>;
  const ns = pkg.etcdserverpb;
  const svc = (name: string): ServiceDefinition => {
    const s = ns?.[name]?.service;
    if (s === undefined) throw new Error(`etcdserverpb.${name} missing from rpc.proto`);
    return s;
  };
  return { KV: svc('KV'), Watch: svc('Watch'), Lease: svc('Lease'), Cluster: svc('Cluster'), Maintenance: svc('Maintenance') };
}
