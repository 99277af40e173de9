/** etcd KV service: Range, Put, DeleteRange, Txn, Compact. */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger.js';
import type { Backend } from '../backend/backend.js';
import { Errors } from '../errors.js';
import { header, unary } from './handlers.js';
import { classifyTxn } from './txn-shapes.js';
import {
  asObject, boolField, decodeDelete, decodePut, decodeRange, decodeTxn, encodeKv, encodeResponseOp, intField, type Wire,
} from './wire.js';

export interface KvServiceOptions {
  readonly backend: Backend;
  readonly log: Logger;
  /** etcd's --max-request-bytes. @default 1.5 MiB */
  readonly maxRequestBytes: number;
}

export function kvService(o: KvServiceOptions): UntypedServiceImplementation {
  const { backend, log } = o;
  const tooLarge = (n: number): void => {
    if (n > o.maxRequestBytes) throw Errors.requestTooLarge();
  };
  return {
    Range: unary(log, 'Range', (raw) => {
      const r = backend.range(decodeRange(raw));
      return { header: header(r.revision), kvs: r.result.kvs.map(encodeKv), more: r.result.more, count: r.result.count };
    }),
    Put: unary(log, 'Put', (raw) => {
      const req = decodePut(raw);
      tooLarge(req.key.length + req.value.length);
      const r = backend.put(req);
      const out: Wire = { header: header(r.revision) };
      if (r.result.prevKv !== undefined) out.prev_kv = encodeKv(r.result.prevKv);
      return out;
    }),
    DeleteRange: unary(log, 'DeleteRange', (raw) => {
      const req = decodeDelete(raw);
      if (req.key.length === 0) throw Errors.emptyKey();
      const r = backend.deleteRange(req);
      return { header: header(r.revision), deleted: r.result.deleted, prev_kvs: r.result.prevKvs.map(encodeKv) };
    }),
    Txn: unary(log, 'Txn', (raw) => {
      const req = decodeTxn(raw);
      let size = 0;
      for (const op of [...req.success, ...req.failure]) if (op.type === 'put') size += op.put.key.length + op.put.value.length;
      tooLarge(size);
      const r = backend.txn(req);
      if (log.isLevelEnabled('trace')) log.trace({ shape: classifyTxn(req), succeeded: r.result.succeeded }, 'txn');
      const h = header(r.revision);
      return { header: h, succeeded: r.result.succeeded, responses: r.result.responses.map(encodeResponseOp) };
    }),
    Compact: unary(log, 'Compact', async (raw) => {
      const o2 = asObject(raw, 'compaction request');
      const rev = await backend.compact(intField(o2, 'revision'), boolField(o2, 'physical'));
      return { header: header(rev) };
    }),
  };
}
