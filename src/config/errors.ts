/**
 * Path-named config errors. Every problem found in a vcluster.yaml becomes a ConfigIssue (where,
 * what); they are thrown together as one ConfigValidationError whose message names the source
 * (file, `--set` or an environment variable), the line when known, and the config path:
 *   `vcluster.yaml:4: sync.toHost.pods.enabld: unknown key`
 */
import { ConfigError } from '../lib/errors.js';

export type PathSegment = string | number;

export interface ConfigIssue {
  /** Path segments from the root of the config; [] is the root. */
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Where it came from: a file name, `--set`, an environment variable, `<inline>`. */
  readonly source?: string;
  /** 1-based line in `source`, when known. */
  readonly line?: number;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `sync.toHost.pods.enabled`, `extraArgs[0]`, `labels["kubernetes.io/os"]`; `(root)` for []. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function formatIssue(issue: ConfigIssue): string {
  const where =
    issue.source === undefined ? '' : `${issue.source}${issue.line === undefined ? '' : `:${issue.line}`}: `;
  return `${where}${formatPath(issue.path)}: ${issue.message}`;
}

/** Orders issues by source (first appearance), then by line: the order a reader meets them. */
function inReadingOrder(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const order = new Map<string | undefined, number>();
  for (const issue of issues) if (!order.has(issue.source)) order.set(issue.source, order.size);
  const rank = (i: ConfigIssue): number => order.get(i.source) ?? 0;
  return [...issues].sort((a, b) => rank(a) - rank(b) || (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** An invalid vcluster.yaml. `issues` holds every problem; the message lists them joined by "; ". */
export class ConfigValidationError extends ConfigError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    const sorted = inReadingOrder(issues);
    super(sorted.map(formatIssue).join('; '));
    this.issues = sorted;
  }
}
