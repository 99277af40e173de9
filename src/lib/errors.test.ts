import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ErrorCode, UsageError, VClusterError, exitCodeFor, formatError, hintOf } from './errors.js';

describe('formatError', () => {
  const cases: { name: string; err: unknown; want: string }[] = [
    { name: 'plain error', err: new Error('boom'), want: 'boom' },
    {
      name: 'cause chain',
      err: new VClusterError('start control plane', { cause: new Error('kine: address in use') }),
      want: 'start control plane: kine: address in use',
    },
    { name: 'non-error value', err: 'text', want: 'text' },
    { name: 'non-error cause', err: new VClusterError('outer', { cause: 42 }), want: 'outer: 42' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(formatError(c.err), c.want));
});

describe('exitCodeFor', () => {
  const cases: { name: string; err: unknown; want: number }[] = [
    { name: 'usage', err: new UsageError('bad flag'), want: 2 },
    { name: 'config', err: new ConfigError('bad key'), want: 2 },
    { name: 'not found', err: new VClusterError('x', { code: ErrorCode.NOT_FOUND }), want: 3 },
    { name: 'precondition', err: new VClusterError('x', { code: ErrorCode.PRECONDITION }), want: 4 },
    { name: 'foreign error', err: new TypeError('x'), want: 1 },
  ];
  for (const c of cases) it(c.name, () => assert.equal(exitCodeFor(c.err), c.want));
});

describe('hintOf', () => {
  it('finds the hint of a cause', () => {
    const err = new VClusterError('outer', { cause: new UsageError('inner', { hint: 'try --help' }) });
    assert.equal(hintOf(err), 'try --help');
  });
  it('is undefined without hints', () => assert.equal(hintOf(new Error('x')), undefined));
});
