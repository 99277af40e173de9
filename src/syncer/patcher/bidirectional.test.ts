import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyBidirectional, mergeBidirectional, type BidirectionalInput } from './bidirectional.js';

type D = Record<string, string>;

describe('copyBidirectional', () => {
  const cases: { name: string; input: BidirectionalInput<D>; want: { virtual: D; host: D } }[] = [
    {
      name: 'virtual changed → host',
      input: { virtualOld: { a: '1' }, virtual: { a: '2' }, hostOld: { a: '1' }, host: { a: '1' } },
      want: { virtual: { a: '2' }, host: { a: '2' } },
    },
    {
      name: 'host changed → virtual',
      input: { virtualOld: { a: '1' }, virtual: { a: '1' }, hostOld: { a: '1' }, host: { a: '3' } },
      want: { virtual: { a: '3' }, host: { a: '3' } },
    },
    {
      name: 'both changed → virtual wins',
      input: { virtualOld: { a: '1' }, virtual: { a: '2' }, hostOld: { a: '1' }, host: { a: '3' } },
      want: { virtual: { a: '2' }, host: { a: '2' } },
    },
    {
      name: 'first sight → virtual wins',
      input: { virtualOld: undefined, virtual: { a: '2' }, hostOld: undefined, host: { a: '3' } },
      want: { virtual: { a: '2' }, host: { a: '2' } },
    },
    {
      name: 'nothing changed → untouched',
      input: { virtualOld: { a: '1' }, virtual: { a: '1' }, hostOld: { a: '9' }, host: { a: '9' } },
      want: { virtual: { a: '1' }, host: { a: '9' } },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(copyBidirectional(c.input), c.want));
});

describe('mergeBidirectional', () => {
  const cases: { name: string; input: BidirectionalInput<D>; want: { virtual: D; host: D } }[] = [
    {
      name: 'virtual change merged onto host, host-only keys survive',
      input: {
        virtualOld: { a: '1' },
        virtual: { a: '2', b: 'n' },
        hostOld: { a: '1' },
        host: { a: '1', h: 'x' },
      },
      want: { virtual: { a: '2', b: 'n' }, host: { a: '2', b: 'n', h: 'x' } },
    },
    {
      name: 'virtual removal removes on host',
      input: {
        virtualOld: { a: '1', b: '2' },
        virtual: { a: '1' },
        hostOld: { a: '1', b: '2' },
        host: { a: '1', b: '2' },
      },
      want: { virtual: { a: '1' }, host: { a: '1' } },
    },
    {
      name: 'host change merged onto virtual',
      input: {
        virtualOld: { a: '1', v: 'y' },
        virtual: { a: '1', v: 'y' },
        hostOld: { a: '1' },
        host: { a: '5' },
      },
      want: { virtual: { a: '5', v: 'y' }, host: { a: '5' } },
    },
  ];
  it('without history, virtual keys are merged onto the host and host-only keys survive', () => {
    assert.deepEqual(
      mergeBidirectional<D>({
        virtualOld: undefined,
        virtual: { a: '1' },
        hostOld: undefined,
        host: { a: 'x', b: 'y' },
      }),
      {
        virtual: { a: '1' },
        host: { a: '1', b: 'y' },
      },
    );
  });
  for (const c of cases) it(c.name, () => assert.deepEqual(mergeBidirectional(c.input), c.want));
});
