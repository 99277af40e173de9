/**
 * The boundary between protobuf objects (as ../grpc/protobuf.ts decodes them: .proto field names,
 * int64 as numbers or decimal strings, enums as numbers or names, bytes as Buffers) and kine's typed model. Everything arriving is
 * `unknown` and is narrowed here; anything malformed becomes an InvalidArgument status.
 */
import { Errors } from '../errors.js';
import type {
  Compare, CompareResult, CompareTarget, DeleteRequest, KeyValue, KvEvent, PutRequest, RangeRequest,
  RequestOp, ResponseOp, TxnRequest,
} from '../types.js';

export type Wire = Record<string, unknown>;

export function asObject(v: unknown, what: string): Wire {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw Errors.malformed(what);
  return v as Wire;
}

export function bytesField(o: Wire, field: string): Buffer {
  const v = o[field];
  if (v === undefined || v === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === 'string') return Buffer.from(v, 'base64');
  throw Errors.malformed(field);
}

export function intField(o: Wire, field: string): number {
  const v = o[field];
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' || typeof v === 'bigint' ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw Errors.malformed(`${field} out of range`);
  return n;
}

export function boolField(o: Wire, field: string): boolean {
  return o[field] === true;
}

function enumField<T extends string>(o: Wire, field: string, names: readonly T[]): T {
  const v = o[field];
  if (v === undefined || v === null) return names[0] as T;
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
  if (typeof v === 'number' && v >= 0 && v < names.length) return names[v] as T;
  throw Errors.malformed(`${field} has an unknown value`);
}

const SORT_ORDERS = ['NONE', 'ASCEND', 'DESCEND'] as const;
const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const;
const COMPARE_RESULTS: readonly CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];

export function decodeRange(v: unknown): RangeRequest {
  const o = asObject(v, 'range request');
  let sortOrder: RangeRequest['sortOrder'];
  let sortTarget: RangeRequest['sortTarget'];
  try {
    sortOrder = enumField(o, 'sort_order', SORT_ORDERS);
    sortTarget = enumField(o, 'sort_target', SORT_TARGETS);
  } catch {
    throw Errors.invalidSortOption();
  }
  return {
    key: bytesField(o, 'key'),
    end: bytesField(o, 'range_end'),
    limit: intField(o, 'limit'),
    revision: intField(o, 'revision'),
    sortOrder,
    sortTarget,
    keysOnly: boolField(o, 'keys_only'),
    countOnly: boolField(o, 'count_only'),
    minModRevision: intField(o, 'min_mod_revision'),
    maxModRevision: intField(o, 'max_mod_revision'),
    minCreateRevision: intField(o, 'min_create_revision'),
    maxCreateRevision: intField(o, 'max_create_revision'),
  };
}

export function decodePut(v: unknown): PutRequest {
  const o = asObject(v, 'put request');
  return {
    key: bytesField(o, 'key'),
    value: bytesField(o, 'value'),
    lease: intField(o, 'lease'),
    prevKv: boolField(o, 'prev_kv'),
    ignoreValue: boolField(o, 'ignore_value'),
    ignoreLease: boolField(o, 'ignore_lease'),
  };
}

export function decodeDelete(v: unknown): DeleteRequest {
  const o = asObject(v, 'delete request');
  return { key: bytesField(o, 'key'), end: bytesField(o, 'range_end'), prevKv: boolField(o, 'prev_kv') };
}

function decodeCompare(v: unknown): Compare {
  const o = asObject(v, 'compare');
  const target = enumField(o, 'target', COMPARE_TARGETS);
  const field = { VERSION: 'version', CREATE: 'create_revision', MOD: 'mod_revision', VALUE: 'value', LEASE: 'lease' }[target];
  return {
    key: bytesField(o, 'key'),
    end: bytesField(o, 'range_end'),
    target,
    result: enumField(o, 'result', COMPARE_RESULTS),
    number: target === 'VALUE' ? 0 : intField(o, field),
    value: target === 'VALUE' ? bytesField(o, 'value') : Buffer.alloc(0),
  };
}

function decodeOp(v: unknown, depth: number): RequestOp {
  const o = asObject(v, 'request op');
  if (o.request_range !== undefined && o.request_range !== null) return { type: 'range', range: decodeRange(o.request_range) };
  if (o.request_put !== undefined && o.request_put !== null) return { type: 'put', put: decodePut(o.request_put) };
  if (o.request_delete_range !== undefined && o.request_delete_range !== null) {
    return { type: 'delete', delete: decodeDelete(o.request_delete_range) };
  }
  if (o.request_txn !== undefined && o.request_txn !== null) return { type: 'txn', txn: decodeTxn(o.request_txn, depth + 1) };
  throw Errors.keyNotFound(); // etcd's answer to an empty RequestOp
}

function list(o: Wire, field: string): unknown[] {
  const v = o[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw Errors.malformed(field);
  return v;
}

export function decodeTxn(v: unknown, depth = 0): TxnRequest {
  if (depth > 32) throw Errors.malformed('txn nested too deeply');
  const o = asObject(v, 'txn request');
  return {
    compare: list(o, 'compare').map(decodeCompare),
    success: list(o, 'success').map((x) => decodeOp(x, depth)),
    failure: list(o, 'failure').map((x) => decodeOp(x, depth)),
  };
}

// ---- encoding ----

export interface HeaderSource {
  header(revision: number): Wire;
}

export function encodeKv(kv: KeyValue): Wire {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease,
  };
}

export function encodeEvent(e: KvEvent, withPrev: boolean): Wire {
  const out: Wire = { type: e.type, kv: encodeKv(e.kv) };
  if (withPrev && e.prevKv !== undefined) out.prev_kv = encodeKv(e.prevKv);
  return out;
}

/** Encodes a Txn op result; like etcd, an op's header carries only its own revision. */
export function encodeResponseOp(r: ResponseOp): Wire {
  const header = { revision: r.revision };
  switch (r.type) {
    case 'range':
      return { response_range: { header, kvs: r.range.kvs.map(encodeKv), more: r.range.more, count: r.range.count } };
    case 'put':
      return { response_put: { header, prev_kv: r.put.prevKv === undefined ? null : encodeKv(r.put.prevKv) } };
    case 'delete':
      return { response_delete_range: { header, deleted: r.delete.deleted, prev_kvs: r.delete.prevKvs.map(encodeKv) } };
    case 'txn':
      return {
        response_txn: { header, succeeded: r.txn.succeeded, responses: r.txn.responses.map(encodeResponseOp) },
      };
  }
}
