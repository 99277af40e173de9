import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeaderList } from './hpack.js';
import { checkRequestHeaders, checkTrailers } from './request-headers.js';

const base: HeaderList = [[':method', 'POST'], [':scheme', 'http'], [':path', '/etcdserverpb.KV/Range'], [':authority', 'x']];

describe('checkRequestHeaders', () => {
  const bad: [string, HeaderList][] = [
    ['duplicated :path', [...base, [':path', '/b']]],
    ['unknown pseudo-header', [...base, [':foo', 'x']]],
    ['response pseudo-header', [...base, [':status', '200']]],
    ['pseudo-header after a regular one', [[':method', 'POST'], ['x', 'y'], [':scheme', 'http'], [':path', '/']]],
    ['upper-case name', [...base, ['Content-Type', 'application/grpc']]],
    ['connection header', [...base, ['connection', 'keep-alive']]],
    ['transfer-encoding', [...base, ['transfer-encoding', 'chunked']]],
    ['te other than trailers', [...base, ['te', 'gzip']]],
    ['missing :method', base.slice(1)],
    ['missing :scheme', base.filter(([n]) => n !== ':scheme')],
    ['missing :path', base.filter(([n]) => n !== ':path')],
    ['empty :path', [[':method', 'GET'], [':scheme', 'http'], [':path', '']]],
    ['bad content-length', [...base, ['content-length', '1x']]],
  ];
  for (const [name, h] of bad) it(`refuses ${name}`, () => assert.equal(checkRequestHeaders(h).ok, false));

  it('accepts a gRPC request and returns its content-length', () => {
    assert.deepEqual(checkRequestHeaders([...base, ['content-type', 'application/grpc'], ['te', 'trailers'], ['content-length', '12']]), {
      ok: true,
      contentLength: 12,
    });
  });
  it('accepts CONNECT with only :method and :authority', () => {
    assert.equal(checkRequestHeaders([[':method', 'CONNECT'], [':authority', 'h:1']]).ok, true);
  });
});

describe('checkTrailers', () => {
  it('refuses pseudo-headers and accepts plain fields', () => {
    assert.match(checkTrailers([[':path', '/']]) ?? '', /pseudo-header/);
    assert.equal(checkTrailers([['grpc-status', '0']]), undefined);
  });
});
