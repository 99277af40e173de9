/** Errors of the syncer: short lower-case context, the cause chained ("sync to host: ..."). */
import { ErrorCode, VClusterError, type VClusterErrorOptions } from '../lib/errors.js';

export class SyncError extends VClusterError {
  constructor(message: string, options: Omit<VClusterErrorOptions, 'code'> & { code?: ErrorCode } = {}) {
    super(message, { ...options, code: options.code ?? ErrorCode.INTERNAL });
  }
}

/** A host object already holds the name but is not ours: never overwritten (F13). */
export class NameConflictError extends SyncError {
  constructor(
    readonly hostNamespace: string,
    readonly hostName: string,
  ) {
    super('host object exists and is not managed by this vcluster', { code: ErrorCode.ALREADY_EXISTS });
  }
}
