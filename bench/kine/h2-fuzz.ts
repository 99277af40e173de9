/**
 * A long fuzz run of kine's HTTP/2 frame reader, HPACK decoder and connection state machine (the
 * unit tests run the same properties 200 times each). Prints JSON, then a one-line summary.
 *
 *   node --import tsx bench/kine/h2-fuzz.ts [--runs 20000] [--seed N]
 */
import { parseArgs } from 'node:util';
import { PROPERTIES } from '../../test/integration/kine/h2-fuzz-properties.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const results: { property: string; runs: number; ms: number; ok: boolean; error?: string }[] = [];
for (const [property, run] of Object.entries(PROPERTIES)) {
  const t = performance.now();
  try {
    run(runs, seed);
    results.push({ property, runs, ms: Math.round(performance.now() - t), ok: true });
  } catch (err) {
    results.push({ property, runs, ms: Math.round(performance.now() - t), ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}
const failed = results.filter((r) => !r.ok);
console.log(JSON.stringify({ seed, results }, null, 2));
console.log(`h2 fuzz: ${String(results.length - failed.length)} passed, ${String(failed.length)} failed (${String(runs)} runs each, seed ${String(seed)})`);
process.exitCode = failed.length === 0 ? 0 : 1;
