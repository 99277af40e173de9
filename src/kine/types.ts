/** The data model shared by kine's layers (protocol-neutral: the server maps it to the wire). */

export interface KeyValue {
  readonly key: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: Buffer;
  readonly lease: number;
}

export interface KvEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly kv: KeyValue;
  /** The key's previous state; absent for creates. */
  readonly prevKv: KeyValue | undefined;
}

/** A key range in etcd's encoding: end empty = the single key; end = [0] = every key >= key. */
export interface KeyRange {
  readonly key: Buffer;
  readonly end: Buffer;
}

export interface RangeRequest extends KeyRange {
  readonly limit: number;
  readonly revision: number;
  readonly sortOrder: 'NONE' | 'ASCEND' | 'DESCEND';
  readonly sortTarget: 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  readonly keysOnly: boolean;
  readonly countOnly: boolean;
  readonly minModRevision: number;
  readonly maxModRevision: number;
  readonly minCreateRevision: number;
  readonly maxCreateRevision: number;
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export interface PutRequest {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly lease: number;
  readonly prevKv: boolean;
  readonly ignoreValue: boolean;
  readonly ignoreLease: boolean;
}

export interface PutResult {
  readonly prevKv: KeyValue | undefined;
}

export interface DeleteRequest extends KeyRange {
  readonly prevKv: boolean;
}

export interface DeleteResult {
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';
export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';

export interface Compare extends KeyRange {
  readonly target: CompareTarget;
  readonly result: CompareResult;
  /** The operand for VERSION/CREATE/MOD/LEASE. */
  readonly number: number;
  /** The operand for VALUE. */
  readonly value: Buffer;
}

export type RequestOp =
  | { readonly type: 'range'; readonly range: RangeRequest }
  | { readonly type: 'put'; readonly put: PutRequest }
  | { readonly type: 'delete'; readonly delete: DeleteRequest }
  | { readonly type: 'txn'; readonly txn: TxnRequest };

/** `revision`: what etcd puts in the op's own header (the write's revision; 0 for nested txns). */
export type ResponseOp =
  | { readonly type: 'range'; readonly range: RangeResult; readonly revision: number }
  | { readonly type: 'put'; readonly put: PutResult; readonly revision: number }
  | { readonly type: 'delete'; readonly delete: DeleteResult; readonly revision: number }
  | { readonly type: 'txn'; readonly txn: TxnResult; readonly revision: number };

export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly RequestOp[];
  readonly failure: readonly RequestOp[];
}

export interface TxnResult {
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}

/** What every successful call also returns: the store revision after it. */
export interface Revisioned<T> {
  readonly revision: number;
  readonly result: T;
}
