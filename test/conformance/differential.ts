/**
 * The comparison of two e2e runs with the same focus, one against the host and one against a
 * vcluster: counts per target and the differential (specs that pass on the host but do not pass in
 * the vcluster — failed there, or missing from its report). Pure.
 */
import type { JUnitResults, SpecOutcome } from './junit.js';

export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface Differential {
  readonly host: Counts;
  readonly virtual: Counts;
  /** Passed on the host, failed (or absent) in the vcluster: the regressions a vcluster adds. */
  readonly hostOnly: readonly string[];
  /** Passed in the vcluster, failed on the host (information only). */
  readonly virtualOnly: readonly string[];
}

export function countOutcomes(results: JUnitResults): Counts {
  const count = (o: SpecOutcome): number => results.specs.filter((s) => s.outcome === o).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

function outcomes(results: JUnitResults): Map<string, SpecOutcome> {
  return new Map(results.specs.map((s) => [s.name, s.outcome]));
}

export function differential(host: JUnitResults, virtual: JUnitResults): Differential {
  const onHost = outcomes(host);
  const inVirtual = outcomes(virtual);
  const hostOnly = [...onHost]
    .filter(([name, o]) => o === 'passed' && inVirtual.get(name) !== 'passed' && inVirtual.get(name) !== 'skipped')
    .map(([name]) => name)
    .sort();
  const virtualOnly = [...inVirtual]
    .filter(([name, o]) => o === 'passed' && onHost.get(name) === 'failed')
    .map(([name]) => name)
    .sort();
  return { host: countOutcomes(host), virtual: countOutcomes(virtual), hostOnly, virtualOnly };
}

const fmt = (c: Counts): string => `${c.passed} passed, ${c.failed} failed (${c.skipped} skipped or not in the focus)`;

/** Human-readable summary lines. */
export function formatDifferential(d: Differential): string[] {
  return [
    `host:     ${fmt(d.host)}`,
    `vcluster: ${fmt(d.virtual)}`,
    `pass on the host, fail in the vcluster: ${d.hostOnly.length}`,
    ...d.hostOnly.map((n) => `  - ${n}`),
    ...(d.virtualOnly.length > 0
      ? [`pass in the vcluster, fail on the host: ${d.virtualOnly.length}`, ...d.virtualOnly.map((n) => `  - ${n}`)]
      : []),
  ];
}
