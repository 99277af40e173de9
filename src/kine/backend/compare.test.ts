import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Compare, CompareResult, CompareTarget, KeyValue } from '../types.js';
import { applyCompare } from './compare.js';

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
