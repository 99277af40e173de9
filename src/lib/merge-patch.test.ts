import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyMergePatch, computePatch, isNoopPatch } from './merge-patch.js';
import { toJson, type JsonValue } from './json.js';

describe('computePatch', () => {
  const cases: { name: string; old: unknown; desired: unknown; want: JsonValue | undefined }[] = [
    {
      name: 'equal objects',
      old: { a: 1, b: { c: [1, 2] } },
      desired: { b: { c: [1, 2] }, a: 1 },
      want: undefined,
    },
    { name: 'changed scalar', old: { a: 1 }, desired: { a: 2 }, want: { a: 2 } },
    { name: 'added key', old: {}, desired: { a: 'x' }, want: { a: 'x' } },
    { name: 'removed key', old: { a: 1, b: 2 }, desired: { a: 1 }, want: { b: null } },
    {
      name: 'nested change',
      old: { metadata: { labels: { a: '1', b: '2' } } },
      desired: { metadata: { labels: { a: '1', c: '3' } } },
      want: { metadata: { labels: { b: null, c: '3' } } },
    },
    { name: 'arrays replaced whole', old: { l: [1, 2, 3] }, desired: { l: [1, 3] }, want: { l: [1, 3] } },
    { name: 'object replaced by scalar', old: { a: { b: 1 } }, desired: { a: 'x' }, want: { a: 'x' } },
    { name: 'undefined fields are absent', old: { a: 1, b: undefined }, desired: { a: 1 }, want: undefined },
    {
      name: 'dates compare by ISO value',
      old: { t: new Date(0) },
      desired: { t: new Date(0) },
      want: undefined,
    },
    { name: 'unicode values', old: { v: 'ä' }, desired: { v: '日本' }, want: { v: '日本' } },
    { name: 'whole document replaced when not an object', old: [1], desired: { a: 1 }, want: { a: 1 } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(computePatch(c.old, c.desired), c.want));

  it('does not mutate inputs', () => {
    const old = { a: { b: 1 } };
    const desired = { a: { c: 2 } };
    computePatch(old, desired);
    assert.deepEqual(old, { a: { b: 1 } });
    assert.deepEqual(desired, { a: { c: 2 } });
  });
});

describe('applyMergePatch', () => {
  const cases: { name: string; target: unknown; patch: JsonValue; want: JsonValue }[] = [
    // RFC 7386 appendix A examples
    { name: 'rfc: replace', target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
    { name: 'rfc: add', target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
    { name: 'rfc: remove', target: { a: 'b' }, patch: { a: null }, want: {} },
    {
      name: 'rfc: nested remove',
      target: { a: { b: 'c' } },
      patch: { a: { b: 'd', c: null } },
      want: { a: { b: 'd' } },
    },
    { name: 'rfc: array replace', target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
    { name: 'rfc: non-object target', target: ['a', 'b'], patch: { a: 'b' }, want: { a: 'b' } },
    {
      name: 'rfc: nested null creation',
      target: {},
      patch: { a: { bb: { ccc: null } } },
      want: { a: { bb: {} } },
    },
    {
      name: 'removes, adds and replaces a list in one patch',
      target: { a: 1, b: { c: 2, d: 3 }, l: [1] },
      patch: { b: { c: null, e: 4 }, l: [2] },
      want: { a: 1, b: { d: 3, e: 4 }, l: [2] },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(applyMergePatch(c.target, c.patch), c.want));
});

// JSON without nulls: merge patches cannot express a literal null.
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('merge patch properties', () => {
  it('apply(old, computePatch(old, desired)) = desired', () => {
    fc.assert(
      fc.property(json, json, (old, desired) => {
        const patch = computePatch(old, desired);
        const got = patch === undefined ? toJson(old) : applyMergePatch(old, patch);
        assert.deepEqual(got, toJson(desired));
      }),
    );
  });
  it('a computed patch is a no-op exactly when the documents are equal', () => {
    fc.assert(fc.property(json, (doc) => assert.ok(isNoopPatch(doc, computePatch(doc, doc)))));
  });
});
