import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row } from '../sql/row.js';
import type { Compare, CompareResult, CompareTarget, KeyValue } from '../types.js';
import { applyCompare, compareRows } from './compare.js';

const kv: KeyValue = { key: Buffer.from('k'), createRevision: 5, modRevision: 9, version: 3, value: Buffer.from('b'), lease: 7 };
const cmp = (target: CompareTarget, result: CompareResult, operand: number | string): Compare => ({
  key: Buffer.from('k'),
  end: Buffer.alloc(0),
  target,
  result,
  number: typeof operand === 'number' ? operand : 0,
  value: typeof operand === 'string' ? Buffer.from(operand) : Buffer.alloc(0),
});

describe('applyCompare', () => {
  const cases: [string, Compare, KeyValue[], boolean][] = [
    ['MOD == rev', cmp('MOD', 'EQUAL', 9), [kv], true],
    ['MOD == other', cmp('MOD', 'EQUAL', 8), [kv], false],
    ['MOD == 0 on a missing key', cmp('MOD', 'EQUAL', 0), [], true],
    ['VERSION == 0 on a missing key', cmp('VERSION', 'EQUAL', 0), [], true],
    ['CREATE > 4', cmp('CREATE', 'GREATER', 4), [kv], true],
    ['CREATE < 5', cmp('CREATE', 'LESS', 5), [kv], false],
    ['VERSION != 3', cmp('VERSION', 'NOT_EQUAL', 3), [kv], false],
    ['LEASE == 7', cmp('LEASE', 'EQUAL', 7), [kv], true],
    ['VALUE == b', cmp('VALUE', 'EQUAL', 'b'), [kv], true],
    ['VALUE > a', cmp('VALUE', 'GREATER', 'a'), [kv], true],
    ['VALUE on a missing key always fails', cmp('VALUE', 'NOT_EQUAL', 'x'), [], false],
    ['range: every key must match', cmp('VERSION', 'EQUAL', 3), [kv, { ...kv, version: 1 }], false],
  ];
  for (const [name, c, kvs, want] of cases) it(name, () => assert.equal(applyCompare(c, kvs), want));
});

describe('compareRows', () => {
  const row = (extra: Partial<Row>): Row => ({
    id: 9, name: 'k', created: 0, deleted: 0, create_revision: 5, prev_revision: 6, lease: 7, value: Buffer.from('b'), old_value: null, version: 3, ...extra,
  });
  const cases: [string, Compare, Row[], boolean][] = [
    ['MOD is the row id', cmp('MOD', 'EQUAL', 9), [row({})], true],
    ['CREATE of a created row is its id', cmp('CREATE', 'EQUAL', 4), [row({ created: 1, id: 4 })], true],
    ['VERSION of a created row is 1', cmp('VERSION', 'EQUAL', 1), [row({ created: 1, version: null })], true],
    ['VALUE of a null value is empty', cmp('VALUE', 'EQUAL', ''), [row({ value: null })], true],
    ['no rows: the zero KeyValue', cmp('MOD', 'EQUAL', 0), [], true],
  ];
  for (const [name, c, rows, want] of cases) it(name, () => assert.equal(compareRows(c, rows), want));
});
