/** etcd KV service: Range, Put, DeleteRange, Txn, Compact. */
import type { Logger } from '../../lib/logger.js';
import { then, type Backend } from '../backend/backend.js';
import { Errors } from '../errors.js';
import { header, unary, type UnaryMethods } from './handlers.js';
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

export function kvService(o: KvServiceOptions): UnaryMethods {
  const { backend, log } = o;
  const tooLarge = (n: number): void => {
    if (n > o.maxRequestBytes) throw Errors.requestTooLarge();
  };
  return {
    Range: unary(log, 'Range', (raw) =>
      then(backend.range(decodeRange(raw)), (r) => ({
        header: header(r.revision),
        kvs: r.result.kvs.map(encodeKv),
        more: r.result.more,
        count: r.result.count,
      })),
    ),
    Put: unary(log, 'Put', async (raw) => {
      const req = decodePut(raw);
      tooLarge(req.key.length + req.value.length);
      const r = await backend.txn({ compare: [], success: [{ type: 'put', put: req }], failure: [] });
      const op = r.result.responses[0];
      const out: Wire = { header: header(r.revision) };
      if (op?.type === 'put' && op.put.prevKv !== undefined) out.prev_kv = encodeKv(op.put.prevKv);
      return out;
    }),
    DeleteRange: unary(log, 'DeleteRange', async (raw) => {
      const req = decodeDelete(raw);
      if (req.key.length === 0) throw Errors.emptyKey();
      const r = await backend.txn({ compare: [], success: [{ type: 'delete', delete: req }], failure: [] });
      const op = r.result.responses[0];
      const d = op?.type === 'delete' ? op.delete : { deleted: 0, prevKvs: [] };
      return { header: header(r.revision), deleted: d.deleted, prev_kvs: d.prevKvs.map(encodeKv) };
    }),
    Txn: unary(log, 'Txn', async (raw) => {
      const req = decodeTxn(raw);
      let size = 0;
      for (const op of [...req.success, ...req.failure]) if (op.type === 'put') size += op.put.key.length + op.put.value.length;
      tooLarge(size);
      const r = await backend.txn(req);
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
