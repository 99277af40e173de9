import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from './table.js';
import { intOption, outputOption } from './options.js';

describe('renderTable', () => {
  it('pads columns with three spaces', () => {
    assert.equal(renderTable(['NAME', 'STATUS'], [['a', 'Running'], ['longer-name', 'Paused']]), 'NAME          STATUS\na             Running\nlonger-name   Paused');
  });
});

describe('intOption', () => {
  const parse = intOption('--nodes', 1, 200);
  const cases = [
    { in: '3', want: 3 },
    { in: '200', want: 200 },
    { in: '0', err: 'invalid --nodes "0": must be a whole number from 1 to 200' },
    { in: '2.5', err: 'invalid --nodes "2.5": must be a whole number from 1 to 200' },
    { in: 'x', err: 'invalid --nodes "x": must be a whole number from 1 to 200' },
    { in: '201', err: 'invalid --nodes "201": must be a whole number from 1 to 200' },
  ];
  for (const c of cases) {
    it(`"${c.in}"`, () => {
      if (c.err) assert.throws(() => parse(c.in), { message: c.err });
      else assert.equal(parse(c.in), c.want);
    });
  }
  it('output format', () => {
    assert.equal(outputOption('json'), 'json');
    assert.throws(() => outputOption('yaml'), { message: 'invalid --output "yaml": must be table or json' });
  });
});
