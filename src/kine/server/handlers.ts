/** Shared plumbing for the etcd handlers: response headers and the unary wrapper. */
import type { Logger } from '../../lib/logger.js';
import { EtcdError } from '../errors.js';
import type { EtcdRpcName } from '../grpc/etcd-messages.js';
import type { UnaryMethod } from '../grpc/grpc-server.js';
import type { Wire } from './wire.js';

/** Single-member identity reported in headers, Status and MemberList. */
export const CLUSTER_ID = '14841639068965178418';
export const MEMBER_ID = '10276657743932975437';
export const RAFT_TERM = 2;

export function header(revision: number): Wire {
  return { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision, raft_term: RAFT_TERM };
}

export type UnaryMethods = Partial<Record<EtcdRpcName, UnaryMethod>>;

/** Wraps a (possibly async) request -> response function; errors that are not etcd's own are logged. */
export function unary(log: Logger, method: string, fn: (req: Wire) => Wire | Promise<Wire>): UnaryMethod {
  const report = (err: unknown): never => {
    if (!(err instanceof EtcdError)) log.error({ err, method }, 'request failed');
    throw err;
  };
  return (req) => {
    try {
      const out = fn(req);
      return out instanceof Promise ? out.catch(report) : out;
    } catch (err) {
      return report(err);
    }
  };
}
