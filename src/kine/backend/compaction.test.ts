import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { Errors } from '../errors.js';
import { checkCompactRevision, Compactor, type CompactionLog } from './compaction.js';

describe('checkCompactRevision', () => {
  const CURRENT = 20;
  const COMPACT = 5;
  const cases: [string, number, Error | undefined][] = [
    ['above the compaction, below the current revision', 10, undefined],
    ['the current revision', CURRENT, undefined],
    ['the compact revision again', COMPACT, Errors.compacted()],
    ['below the compact revision', COMPACT - 1, Errors.compacted()],
    ['a future revision', CURRENT + 1, Errors.futureRev()],
  ];
  for (const [name, rev, err] of cases) {
    it(name, () => {
      if (err === undefined) checkCompactRevision(rev, CURRENT, COMPACT);
      else assert.throws(() => checkCompactRevision(rev, CURRENT, COMPACT), { message: err.message });
    });
  }
});

describe('Compactor.resume', () => {
  const cases: [string, number, number, [number, number, number][]][] = [
    ['an unfinished compaction runs on', 3, 25, [[3, 13, 25], [13, 23, 25], [23, 25, 25]]],
    ['a finished one does nothing', 25, 25, []],
  ];
  for (const [name, through, target, want] of cases) {
    it(name, async () => {
      let done = through;
      const batches: [number, number, number][] = [];
      const store: CompactionLog = {
        compactedThroughRevision: () => done,
        compactBatch: (lo, hi, t) => {
          batches.push([lo, hi, t]);
          done = hi;
          return 0;
        },
        checkpoint: () => undefined,
      };
      const c = new Compactor(store, { log: silentLogger(), batchSize: 10, now: () => 0, stopped: () => false });
      c.resume(target);
      await c.idle();
      assert.deepEqual(batches, want);
    });
  }
});
