import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { Errors, toGrpcStatus } from './errors.js';

describe('etcd errors are byte-identical to etcd (rpctypes)', () => {
  const cases: [string, () => Error, status, string][] = [
    ['compacted', Errors.compacted, status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'],
    ['future revision', Errors.futureRev, status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'],
    ['empty key', Errors.emptyKey, status.INVALID_ARGUMENT, 'etcdserver: key is not provided'],
    ['key not found', Errors.keyNotFound, status.INVALID_ARGUMENT, 'etcdserver: key not found'],
    ['duplicate key', Errors.duplicateKey, status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'],
    ['too many ops', Errors.tooManyOps, status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'],
    ['lease not found', Errors.leaseNotFound, status.NOT_FOUND, 'etcdserver: requested lease not found'],
    ['lease exists', Errors.leaseExist, status.FAILED_PRECONDITION, 'etcdserver: lease already exists'],
    ['lease TTL too large', Errors.leaseTTLTooLarge, status.OUT_OF_RANGE, 'etcdserver: too large lease TTL'],
    ['request too large', Errors.requestTooLarge, status.INVALID_ARGUMENT, 'etcdserver: request is too large'],
  ];
  for (const [name, make, code, message] of cases) {
    it(name, () => assert.deepEqual(toGrpcStatus(make()), { code, details: message }));
  }
});

describe('toGrpcStatus for non-etcd errors', () => {
  const sqlite = (code: string): Error => Object.assign(new Error('boom'), { code });
  const cases: [string, unknown, status][] = [
    ['SQLITE_BUSY -> UNAVAILABLE (the Go client retries reads)', sqlite('SQLITE_BUSY'), status.UNAVAILABLE],
    ['SQLITE_IOERR -> UNAVAILABLE', sqlite('SQLITE_IOERR_WRITE'), status.UNAVAILABLE],
    ['a bug -> INTERNAL', new TypeError('x is undefined'), status.INTERNAL],
    ['a thrown string -> INTERNAL', 'weird', status.INTERNAL],
  ];
  for (const [name, err, code] of cases) it(name, () => assert.equal(toGrpcStatus(err).code, code));
});
