import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VClusterError } from '../lib/errors.js';
import { isTerminalError, parseRequestKey, requestKey, TerminalError, type Request } from './reconcile.js';

describe('request keys', () => {
  const cases: { name: string; request: Request; key: string }[] = [
    { name: 'namespaced', request: { namespace: 'default', name: 'nginx' }, key: 'default/nginx' },
    { name: 'cluster-scoped', request: { name: 'node-1' }, key: 'node-1' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(requestKey(c.request), c.key);
      assert.deepEqual(parseRequestKey(c.key), c.request);
    });
  }
});

describe('isTerminalError', () => {
  const cases: { name: string; err: unknown; want: boolean }[] = [
    { name: 'terminal', err: new TerminalError('invalid spec'), want: true },
    {
      name: 'wrapped terminal',
      err: new VClusterError('sync to host', { cause: new TerminalError('x') }),
      want: true,
    },
    { name: 'ordinary', err: new Error('conflict'), want: false },
    { name: 'non-error', err: 'x', want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isTerminalError(c.err), c.want));
});
