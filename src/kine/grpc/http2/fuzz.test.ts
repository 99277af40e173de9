/** A short fuzz run of the frame reader, the HPACK decoder and a connection (bench/kine/h2-fuzz.ts runs them long). */
import { describe, it } from 'node:test';
import { PROPERTIES } from '../../../../test/integration/kine/h2-fuzz-properties.js';

const RUNS = 200;

describe('http2 fuzz', () => {
  for (const [name, run] of Object.entries(PROPERTIES)) {
    it(name, () => run(RUNS));
  }
});
