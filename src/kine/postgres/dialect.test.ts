import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqliteDialect } from '../sqlite/dialect.js';
import { pgBound, postgresDialect } from './dialect.js';

describe('PostgreSQL range bounds (text holds no NUL)', () => {
  const cases: [string, string, string][] = [
    ['a plain bound is kept', '/registry/pods/', '/registry/pods/'],
    ['a continue key (last key + NUL)', '/registry/pods/a\u0000', '/registry/pods/a\u0001'],
    ['cut at the first NUL', 'a\u0000b\u0000', 'a\u0001'],
    ['a lone NUL', '\u0000', '\u0001'],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(pgBound(input), want));

  it('selects the same NUL-free names as the original bound', () => {
    const names = ['a', 'a\u0001', 'a\u0001x', 'ab', 'b'];
    for (const bound of ['a\u0000', 'a\u0000z', 'a\u0000\u0000']) {
      const geq = (b: string) => names.filter((n) => Buffer.compare(Buffer.from(n), Buffer.from(b)) >= 0);
      assert.deepEqual(geq(pgBound(bound)), geq(bound), bound);
    }
  });

  const storable: [string, string, boolean, boolean][] = [
    ['a Kubernetes key', '/registry/pods/default/x', true, true],
    ['a key with NUL', 'a\u0000b', true, false],
  ];
  for (const [name, key, sqlite, postgres] of storable) {
    it(`storable: ${name}`, () => assert.deepEqual([sqliteDialect.storable(key), postgresDialect.storable(key)], [sqlite, postgres]));
  }
});
