import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lineDiff, objectLines, writtenAt } from './diff.js';

describe('lineDiff', () => {
  const cases = [
    { name: 'equal', a: ['x', 'y'], b: ['x', 'y'], want: [] },
    { name: 'changed line', a: ['a', 'k: 1', 'z'], b: ['a', 'k: 2', 'z'], want: ['- k: 1', '+ k: 2'] },
    { name: 'added at the end', a: ['a'], b: ['a', 'b'], want: ['+ b'] },
    { name: 'removed at the start', a: ['a', 'b'], b: ['b'], want: ['- a'] },
    { name: 'from nothing', a: [], b: ['a', 'b'], want: ['+ a', '+ b'] },
    { name: 'to nothing', a: ['a'], b: [], want: ['- a'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(lineDiff(c.a, c.b), c.want));
});

describe('objectLines and writtenAt', () => {
  const v1 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', resourceVersion: '10', creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ time: '2026-01-01T00:00:00Z' }] }, data: { k: '1' } };
  const v2 = { ...v1, metadata: { ...v1.metadata, resourceVersion: '11', managedFields: [{ time: '2026-01-01T00:00:00Z' }, { time: '2026-01-01T00:05:00Z' }] }, data: { k: '2' } };
  it('leaves out resourceVersion and managedFields, so the diff is the change', () => assert.deepEqual(lineDiff(objectLines(v1), objectLines(v2)), ['-   k: "1"', '+   k: "2"']));
  const times = [
    { name: 'newest managedFields time', obj: v2, want: '2026-01-01T00:05:00Z' },
    { name: 'creationTimestamp without managedFields', obj: { metadata: { creationTimestamp: '2025-05-05T00:00:00Z' } }, want: '2025-05-05T00:00:00Z' },
    { name: 'nothing', obj: { data: {} }, want: undefined },
    { name: 'not an object', obj: 'text', want: undefined },
  ];
  for (const c of times) it(c.name, () => assert.equal(writtenAt(c.obj), c.want));
});
