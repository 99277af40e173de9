/** Shared plumbing for gRPC handlers: response headers and error mapping. */
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger.js';
import { EtcdError, toGrpcStatus } from '../errors.js';
import type { Wire } from './wire.js';

/** Single-member identity reported in headers, Status and MemberList. */
export const CLUSTER_ID = '14841639068965178418';
export const MEMBER_ID = '10276657743932975437';
export const RAFT_TERM = 2;

export function header(revision: number): Wire {
  return { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision, raft_term: RAFT_TERM };
}

export type UnaryHandler = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void;

/** Wraps a (possibly async) request -> response function as a grpc-js unary handler. */
export function unary(log: Logger, method: string, fn: (req: unknown) => Wire | Promise<Wire>): UnaryHandler {
  return (call, callback) => {
    let out: Wire | Promise<Wire>;
    try {
      out = fn(call.request);
    } catch (err) {
      fail(log, method, err, callback);
      return;
    }
    if (out instanceof Promise) {
      out.then(
        (res) => callback(null, res),
        (err: unknown) => fail(log, method, err, callback),
      );
    } else {
      callback(null, out);
    }
  };
}

function fail(log: Logger, method: string, err: unknown, callback: sendUnaryData<unknown>): void {
  const status = toGrpcStatus(err);
  if (!(err instanceof EtcdError)) log.error({ err, method }, 'request failed');
  callback({ code: status.code, details: status.details, name: 'Error', message: status.details });
}
