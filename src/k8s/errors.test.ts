import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { ErrorCode, VClusterError, formatError } from '../lib/errors.js';
import {
  KubeApiError,
  ignoreAlreadyExists,
  ignoreNotFound,
  isAlreadyExists,
  isConflict,
  isConnectionError,
  isGone,
  isNotFound,
  isTransient,
  retryOnConflict,
  toVClusterError,
} from './errors.js';

const notFound = new KubeApiError(404, {
  kind: 'Status',
  reason: 'NotFound',
  code: 404,
  message: 'pods "p" not found',
});
const conflict = new KubeApiError(409, {
  kind: 'Status',
  reason: 'Conflict',
  code: 409,
  message: 'the object has been modified',
});
const exists = new KubeApiError(409, {
  kind: 'Status',
  reason: 'AlreadyExists',
  code: 409,
  message: 'pods "p" already exists',
});
const gone = new KubeApiError(410, { kind: 'Status', reason: 'Expired', code: 410 });
const unavailable = new KubeApiError(503, { kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
// client-node's own exception: the body arrives as JSON text
const clientNodeNotFound = new ApiException(
  404,
  'Unsuccessful HTTP Request',
  JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404 }),
  {},
);
const clientNodeExists = new ApiException(
  409,
  'Unsuccessful HTTP Request',
  { kind: 'Status', reason: 'AlreadyExists', code: 409 },
  {},
);

describe('error narrowing', () => {
  const cases: { name: string; err: unknown; want: Record<string, boolean> }[] = [
    {
      name: 'NotFound',
      err: notFound,
      want: { notFound: true, conflict: false, exists: false, gone: false, transient: false },
    },
    {
      name: 'Conflict',
      err: conflict,
      want: { notFound: false, conflict: true, exists: false, gone: false, transient: false },
    },
    {
      name: 'AlreadyExists',
      err: exists,
      want: { notFound: false, conflict: false, exists: true, gone: false, transient: false },
    },
    {
      name: 'Gone',
      err: gone,
      want: { notFound: false, conflict: false, exists: false, gone: true, transient: false },
    },
    {
      name: '503',
      err: unavailable,
      want: { notFound: false, conflict: false, exists: false, gone: false, transient: true },
    },
    {
      name: 'ECONNREFUSED',
      err: refused,
      want: { notFound: false, conflict: false, exists: false, gone: false, transient: true },
    },
    {
      name: 'client-node 404 (text body)',
      err: clientNodeNotFound,
      want: { notFound: true, conflict: false, exists: false, gone: false, transient: false },
    },
    {
      name: 'client-node 409 AlreadyExists',
      err: clientNodeExists,
      want: { notFound: false, conflict: false, exists: true, gone: false, transient: false },
    },
    {
      name: 'plain Error',
      err: new Error('x'),
      want: { notFound: false, conflict: false, exists: false, gone: false, transient: false },
    },
    {
      name: 'not an error',
      err: 'x',
      want: { notFound: false, conflict: false, exists: false, gone: false, transient: false },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        {
          notFound: isNotFound(c.err),
          conflict: isConflict(c.err),
          exists: isAlreadyExists(c.err),
          gone: isGone(c.err),
          transient: isTransient(c.err),
        },
        c.want,
      );
    });
  }

  it('connection errors are found along the cause chain', () => {
    assert.ok(isConnectionError(new Error('request failed', { cause: refused })));
  });
});

describe('KubeApiError', () => {
  const cases: { err: KubeApiError; code: string; message: string }[] = [
    { err: notFound, code: ErrorCode.NOT_FOUND, message: 'pods "p" not found' },
    { err: exists, code: ErrorCode.ALREADY_EXISTS, message: 'pods "p" already exists' },
    { err: conflict, code: ErrorCode.INTERNAL, message: 'the object has been modified' },
    {
      err: new KubeApiError(403, { reason: 'Forbidden' }),
      code: ErrorCode.PRECONDITION,
      message: 'the server answered HTTP 403 (Forbidden)',
    },
    {
      err: unavailable,
      code: ErrorCode.UNAVAILABLE,
      message: 'the server answered HTTP 503 (ServiceUnavailable)',
    },
    { err: new KubeApiError(504, {}), code: ErrorCode.TIMEOUT, message: 'the server answered HTTP 504' },
  ];
  for (const c of cases) {
    it(`${c.err.statusCode} → ${c.code}`, () => {
      assert.ok(c.err instanceof VClusterError);
      assert.equal(c.err.code, c.code);
      assert.equal(c.err.message, c.message);
    });
  }
});

describe('ignoreNotFound / ignoreAlreadyExists', () => {
  it('returns undefined for NotFound and the value otherwise', async () => {
    assert.equal(await ignoreNotFound(Promise.reject(notFound)), undefined);
    assert.equal(await ignoreNotFound(Promise.resolve(3)), 3);
    await assert.rejects(ignoreNotFound(Promise.reject(conflict)), conflict);
  });
  it('swallows AlreadyExists only', async () => {
    assert.equal(await ignoreAlreadyExists(Promise.reject(exists)), undefined);
    await assert.rejects(ignoreAlreadyExists(Promise.reject(notFound)), notFound);
  });
});

describe('toVClusterError', () => {
  const cases: { name: string; err: unknown; code: string; text: string }[] = [
    { name: 'api error', err: notFound, code: ErrorCode.NOT_FOUND, text: 'get pod p: pods "p" not found' },
    {
      name: 'client-node api error',
      err: clientNodeExists,
      code: ErrorCode.ALREADY_EXISTS,
      text: 'get pod p: HTTP 409',
    },
    {
      name: 'unreachable',
      err: refused,
      code: ErrorCode.UNAVAILABLE,
      text: 'get pod p: connect ECONNREFUSED 127.0.0.1:6443',
    },
    { name: 'other', err: new Error('boom'), code: ErrorCode.INTERNAL, text: 'get pod p: boom' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = toVClusterError(c.err, 'get pod p');
      assert.equal(e.code, c.code);
      assert.equal(formatError(e), c.text);
    });
  }
});

describe('retryOnConflict', () => {
  const cases: {
    name: string;
    failures: Error[];
    attempts?: number;
    want: 'ok' | 'conflict' | 'notfound';
    calls: number;
    slept: number[];
  }[] = [
    { name: 'succeeds at once', failures: [], want: 'ok', calls: 1, slept: [] },
    { name: 'retries conflicts', failures: [conflict, conflict], want: 'ok', calls: 3, slept: [10, 20] },
    {
      name: 'gives up after the attempts',
      failures: [conflict, conflict, conflict],
      attempts: 2,
      want: 'conflict',
      calls: 2,
      slept: [10],
    },
    { name: 'other errors are not retried', failures: [notFound], want: 'notfound', calls: 1, slept: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      let calls = 0;
      const slept: number[] = [];
      const fn = (): Promise<string> => {
        const failure = c.failures[calls++];
        return failure ? Promise.reject(failure) : Promise.resolve('ok');
      };
      const result = await retryOnConflict(fn, {
        ...(c.attempts ? { attempts: c.attempts } : {}),
        sleep: (ms) => (slept.push(ms), Promise.resolve()),
      }).then(
        (v) => v,
        (err: unknown) => (isConflict(err) ? 'conflict' : isNotFound(err) ? 'notfound' : 'other'),
      );
      assert.equal(result, c.want);
      assert.equal(calls, c.calls);
      assert.deepEqual(slept, c.slept);
    });
  }
});
