/**
 * The pod template's vClusterConfigHash: a change of the effective config rolls pod <name>-0. Computed
 * over the config as canonical JSON, the way the Helm chart computes it in its template
 * (`.Values.config | toJson | sha256sum | trunc 16`): Go's encoding/json sorts object keys, writes no
 * spaces and escapes <, >, &, U+2028 and U+2029. So `vcluster create` and `helm install` of the same
 * config give the same hash. Pure.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

/** JSON as Go's json.Marshal writes a map[string]interface{}: keys sorted, compact, HTML-safe strings. */
export function goCanonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => goCanonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${goString(k)}:${goCanonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return 'null'; // functions and symbols have no JSON form
}

/** The first 16 hex digits of sha256 over the canonical JSON of a vcluster.yaml text. */
export function configHash(configYaml: string): string {
  return createHash('sha256')
    .update(goCanonicalJson(parse(configYaml) as unknown))
    .digest('hex')
    .slice(0, 16);
}
