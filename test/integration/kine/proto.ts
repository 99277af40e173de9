/**
 * Loads the etcd protos (proto/etcd) with @grpc/proto-loader, for the tests' independent gRPC
 * client: kine itself codes messages with src/kine/grpc, so these tests cross-check that codec.
 */
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

export const PROTO_DIR = fileURLToPath(new URL('../../../proto/etcd/', import.meta.url));

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: false,
  oneofs: false,
  includeDirs: [PROTO_DIR],
};
