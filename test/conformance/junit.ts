/**
 * The results in the JUnit XML that e2e.test writes to <report-dir>/junit_01.xml (ginkgo v2's
 * reporter, as configured by the e2e framework): one <testcase> per spec and per suite node, with a
 * `status` attribute. Pure: text in, results out.
 */

export type SpecOutcome = 'passed' | 'failed' | 'skipped';

export interface SpecResult {
  /** The spec's full text without ginkgo's `[It] ` node prefix, e.g. `[sig-apps] Job should … [Conformance]`. */
  readonly name: string;
  readonly outcome: SpecOutcome;
}

export interface JUnitResults {
  /** The specs ([It] nodes), in file order. */
  readonly specs: readonly SpecResult[];
  /** Suite nodes (BeforeSuite, AfterSuite, reporting nodes) that did not pass. */
  readonly failedSuiteNodes: readonly string[];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the XML character and entity references Go's encoding/xml writes. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*"([^"]*)"/g)) {
    const [, key, value] = m;
    if (key !== undefined && value !== undefined) out[key] = decodeXmlText(value);
  }
  return out;
}

/** ginkgo's spec states: passed, skipped, pending, failed, panicked, interrupted, aborted, timedout. */
export function outcomeOf(status: string | undefined, hasFailure: boolean): SpecOutcome {
  if (status === 'passed') return hasFailure ? 'failed' : 'passed';
  if (status === 'skipped' || status === 'pending') return 'skipped';
  if (status === undefined) return hasFailure ? 'failed' : 'passed';
  return 'failed';
}

const SPEC_PREFIX = '[It] ';

export function parseJUnit(xml: string): JUnitResults {
  const specs: SpecResult[] = [];
  const failedSuiteNodes: string[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const attrs = attributes(m[1] ?? '');
    const body = m[3] ?? '';
    const name = attrs.name ?? '';
    const outcome = outcomeOf(attrs.status, /<(failure|error)\b/.test(body));
    if (name.startsWith(SPEC_PREFIX)) specs.push({ name: name.slice(SPEC_PREFIX.length), outcome });
    else if (outcome === 'failed') failedSuiteNodes.push(name);
  }
  return { specs, failedSuiteNodes };
}
