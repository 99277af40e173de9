/**
 * etcd's client-visible errors, byte-identical: the Go client (api/v3rpc/rpctypes) maps a gRPC
 * status back to a typed error by its exact message, and kube-apiserver tests those types.
 */
import { GrpcCode, type GrpcStatus } from './grpc/status.js';
import { VClusterError, ErrorCode } from '../lib/errors.js';

export class EtcdError extends VClusterError {
  readonly grpcCode: GrpcCode;
  constructor(grpcCode: GrpcCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ErrorCode.INTERNAL });
    this.grpcCode = grpcCode;
  }
}

function etcd(code: GrpcCode, message: string): () => EtcdError {
  return () => new EtcdError(code, message);
}

/** Factories, so every throw has its own stack. */
export const Errors = {
  emptyKey: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  keyNotFound: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: key not found'),
  valueProvided: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  tooManyOps: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  invalidSortOption: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: invalid sort option'),
  compacted: etcd(GrpcCode.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: etcd(GrpcCode.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: etcd(GrpcCode.NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseExist: etcd(GrpcCode.FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  leaseTTLTooLarge: etcd(GrpcCode.OUT_OF_RANGE, 'etcdserver: too large lease TTL'),
  requestTooLarge: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: request is too large'),
  stopped: etcd(GrpcCode.UNAVAILABLE, 'etcdserver: server stopped'),
  timeout: etcd(GrpcCode.UNAVAILABLE, 'etcdserver: request timed out'),
  corrupt: etcd(GrpcCode.DATA_LOSS, 'etcdserver: corrupt cluster'),
  /** Not an etcd error: kine stores keys as TEXT (kine's schema), so keys must be UTF-8. */
  keyNotUtf8: etcd(GrpcCode.INVALID_ARGUMENT, 'etcdserver: key is not valid UTF-8 (kine stores keys as TEXT)'),
  malformed: (what: string): EtcdError => new EtcdError(GrpcCode.INVALID_ARGUMENT, `etcdserver: malformed request: ${what}`),
} as const;

/** The gRPC status for anything thrown inside a handler; storage failures become UNAVAILABLE. */
export function toGrpcStatus(err: unknown): GrpcStatus {
  if (err instanceof EtcdError) return { code: err.grpcCode, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof (err as { code?: unknown } | null)?.code === 'string' ? (err as { code: string }).code : '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return { code: GrpcCode.UNAVAILABLE, details: 'etcdserver: request timed out' };
  }
  if (code.startsWith('SQLITE_')) {
    return { code: GrpcCode.UNAVAILABLE, details: `etcdserver: storage error: ${message}` };
  }
  return { code: GrpcCode.INTERNAL, details: `etcdserver: internal error: ${message}` };
}
