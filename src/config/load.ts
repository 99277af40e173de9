/**
 * The ONE loader of vcluster.yaml, and the only place in vcluster-ts that reads process.env for
 * configuration. Sources merge in this order, later ones winning (Helm semantics: mappings merge
 * deeply, everything else is replaced, `null` removes a key so its default applies):
 *   files (`-f`, in order) → in-memory texts → environment (VCLUSTER_PHYSICAL_CLIENT_QPS/_BURST)
 *   → `--set a.b=c` flags.
 * Each source is first checked on its own so an error names the file (and line) it is in; the
 * merged result is then checked as a whole, the error located in the last source that sets the path.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { ConfigError, isErrnoException } from '../lib/errors.js';
import { readFileAtMost } from '../lib/read-bounded.js';
import { ENV_HOST_BURST, ENV_HOST_QPS } from './defaults.js';
import { ConfigValidationError, type ConfigIssue, type PathSegment } from './errors.js';
import type { Config } from './schema.js';
import { parseWithSchema, validateConfig } from './validate.js';

/**
 * The largest vcluster.yaml accepted: 1 MiB. Real ones are a few KiB; a 10 MB file of ~97k keys did
 * not finish parsing in 120 s, so anything larger is refused before the YAML parser sees it.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooLarge(name: string): ConfigError {
  return new ConfigError(`${name}: larger than 1 MiB (${MAX_CONFIG_BYTES} bytes), the limit for a vcluster.yaml`, {
    hint: 'a vcluster.yaml holds settings, not data; remove what does not belong in it',
  });
}

export interface ConfigSource {
  /** Shown in errors, e.g. the file name. */
  readonly name: string;
  readonly text: string;
}

export interface LoadConfigOptions {
  /** vcluster.yaml files, merged in order. */
  readonly files?: readonly string[];
  /** YAML texts merged after the files (e.g. the stored effective config). */
  readonly sources?: readonly ConfigSource[];
  /** Helm-style `--set` flags: `a.b.c=value`, several joined by commas, `\.` and `\,` escaped. */
  readonly set?: readonly string[];
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed source: the plain value and a way to find the line of a path in it. */
interface ParsedSource {
  readonly name: string;
  readonly value: unknown;
  /** Line of `path` in this source, or undefined when the source does not set it. */
  readonly lineOf: (path: readonly PathSegment[]) => number | undefined | 'set';
}

// ---- YAML ----

function nodeChild(
  node: unknown,
  seg: PathSegment,
): { node: unknown; offset: number | undefined } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
      if (key === seg || (typeof seg === 'number' && key === String(seg))) {
        const keyNode = pair.key as YamlNode | null;
        return { node: pair.value, offset: keyNode?.range?.[0] };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg] as YamlNode | undefined;
    return item === undefined ? undefined : { node: item, offset: item.range?.[0] };
  }
  return undefined;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Parses one YAML text (a single document; empty means `{}`). Throws ConfigValidationError. */
export function parseYamlSource(source: ConfigSource): ParsedSource {
  if (source.text.length > MAX_CONFIG_BYTES || Buffer.byteLength(source.text, 'utf8') > MAX_CONFIG_BYTES) {
    throw tooLarge(source.name);
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(docs)) return { name: source.name, value: {}, lineOf: () => undefined }; // empty stream
  const nonEmpty = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  const doc = nonEmpty[0];
  const second = nonEmpty[1];
  if (second) {
    const line = second.range[0] === undefined ? undefined : lines.linePos(second.range[0]).line;
    throw new ConfigValidationError([
      { path: [], message: 'expected one YAML document, got several', source: source.name, line },
    ]);
  }
  if (!doc) return { name: source.name, value: {}, lineOf: () => undefined };
  const error = doc.errors[0];
  if (error) {
    throw new ConfigValidationError([
      {
        path: [],
        message: `invalid YAML: ${firstLine(error.message)}`,
        source: source.name,
        line: lines.linePos(error.pos[0]).line,
      },
    ]);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  const lineOf = (path: readonly PathSegment[]): number | undefined => {
    let node: unknown = doc.contents;
    let offset: number | undefined = doc.contents?.range?.[0];
    for (const seg of path) {
      const child = nodeChild(node, seg);
      if (!child) return undefined;
      node = child.node;
      offset = child.offset ?? offset;
    }
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  return { name: source.name, value: value ?? {}, lineOf };
}

// ---- merging ----

/** Drops `null` values (a null means "not set": the default applies). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isMapping(value)) return value;
  const out: Mapping = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}

/** Helm's merge: mappings merge deeply, anything else replaces, `null` removes the key. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMapping(base) || !isMapping(override)) return override === undefined ? base : override;
  const out: Mapping = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(out[k], v);
  }
  return out;
}

// ---- --set ----

export interface SetAssignment {
  readonly path: readonly PathSegment[];
  readonly value: unknown;
}

/** Splits on `sep` not preceded by a backslash; unescapes `\<sep>`. */
function splitEscaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === sep) {
      cur += sep;
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

function parseScalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d{0,14})$/.test(text)) return Number(text);
  return text;
}

function setPathOf(key: string, flag: string): PathSegment[] {
  const path: PathSegment[] = [];
  for (const part of splitEscaped(key, '.')) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(part);
    const name = m?.[1] ?? part;
    if (name === '') throw new ConfigError(`--set ${flag}: empty key`);
    path.push(name);
    for (const idx of (m?.[2] ?? '').matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  return path;
}

/**
 * Parses `--set` flags as Helm does: `a.b=c,d.e=f`; values `true`/`false`/`null`/integers are
 * typed, `{x,y}` is a list, anything else a string; `a.b[0]=x` sets a list element.
 */
export function parseSetFlags(flags: readonly string[]): SetAssignment[] {
  const out: SetAssignment[] = [];
  for (const flag of flags) {
    for (const item of splitEscaped(flag, ',').reduce<string[]>((acc, part) => {
      // a part without "=" continues the previous list value: a={x,y}
      const last = acc[acc.length - 1];
      if (last !== undefined && /=\{[^}]*$/.test(last)) acc[acc.length - 1] = `${last},${part}`;
      else acc.push(part);
      return acc;
    }, [])) {
      const eq = item.indexOf('=');
      if (eq <= 0) throw new ConfigError(`--set ${flag}: expected key=value`);
      const path = setPathOf(item.slice(0, eq), flag);
      const raw = item.slice(eq + 1);
      const list = /^\{(.*)\}$/.exec(raw);
      const value = list
        ? list[1] === ''
          ? []
          : (list[1] ?? '').split(',').map(parseScalar)
        : parseScalar(raw);
      out.push({ path, value });
    }
  }
  return out;
}

/** Sets `value` at `path` in a copy of `root`, creating mappings and lists on the way. */
export function setIn(root: unknown, path: readonly PathSegment[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    while (list.length < head) list.push(null);
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const map: Mapping = isMapping(root) ? { ...root } : {};
  map[head] = setIn(map[head], rest, value);
  return map;
}

const startsWith = (path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean =>
  prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);

function assignmentsSource(name: string, assignments: readonly SetAssignment[]): ParsedSource {
  let value: unknown = {};
  for (const a of assignments) value = setIn(value, a.path, a.value);
  return {
    name,
    value,
    lineOf: (path) =>
      assignments.some((a) => startsWith(path, a.path) || startsWith(a.path, path)) ? 'set' : undefined,
  };
}

function envSources(env: Readonly<Record<string, string | undefined>>): ParsedSource[] {
  const out: ParsedSource[] = [];
  const numeric = (text: string): unknown => (/^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text);
  const qps = env[ENV_HOST_QPS];
  if (qps !== undefined && qps !== '') {
    out.push(
      assignmentsSource(ENV_HOST_QPS, [
        { path: ['experimental', 'syncSettings', 'hostQPS'], value: numeric(qps) },
      ]),
    );
  }
  const burst = env[ENV_HOST_BURST];
  if (burst !== undefined && burst !== '') {
    out.push(
      assignmentsSource(ENV_HOST_BURST, [
        { path: ['experimental', 'syncSettings', 'hostBurst'], value: numeric(burst) },
      ]),
    );
  }
  return out;
}

function locateIn(
  sources: readonly ParsedSource[],
  path: readonly PathSegment[],
): { source?: string; line?: number } {
  // the longest prefix of `path` that some source sets; among those, the last source wins
  for (let n = path.length; n >= 1; n--) {
    const prefix = path.slice(0, n);
    for (let i = sources.length - 1; i >= 0; i--) {
      const source = sources[i];
      const found = source?.lineOf(prefix);
      if (source === undefined || found === undefined) continue;
      return found === 'set' ? { source: source.name } : { source: source.name, line: found };
    }
  }
  const last = sources[sources.length - 1];
  return last ? { source: last.name } : {};
}

/** Merges parsed sources and validates: the shared core of loadConfig and parseConfig. */
function resolve(sources: readonly ParsedSource[]): Config {
  const issues: ConfigIssue[] = [];
  for (const source of sources) {
    const { issues: own } = parseWithSchema(dropNulls(source.value));
    for (const issue of own) {
      const found = locateIn([source], issue.path);
      issues.push({
        ...issue,
        source: source.name,
        ...(found.line === undefined ? {} : { line: found.line }),
      });
    }
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
  let merged: unknown = {};
  for (const source of sources) merged = mergeValues(merged, source.value);
  return validateConfig(dropNulls(merged), (path) => locateIn(sources, path));
}

function collect(parsed: ParsedSource[], options: LoadConfigOptions): ParsedSource[] {
  const env = options.env ?? process.env;
  const sources = [...parsed, ...(options.sources ?? []).map(parseYamlSource), ...envSources(env)];
  if (options.set && options.set.length > 0)
    sources.push(assignmentsSource('--set', parseSetFlags(options.set)));
  return sources;
}

/** Loads vcluster.yaml files (plus in-memory texts, env and --set). No files ⇒ the defaults. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const parsed: ParsedSource[] = [];
  for (const file of options.files ?? []) {
    let bytes: Buffer | undefined;
    try {
      bytes = await readFileAtMost(file, MAX_CONFIG_BYTES);
    } catch (err) {
      const reason = isErrnoException(err) && err.code === 'ENOENT' ? 'no such file' : 'cannot read file';
      throw new ConfigError(`${file}: ${reason}`, { cause: err });
    }
    if (bytes === undefined) throw tooLarge(file);
    parsed.push(parseYamlSource({ name: file, text: bytes.toString('utf8') }));
  }
  return resolve(collect(parsed, options));
}

/** Parses one vcluster.yaml text; `name` is what errors call it. */
export function parseConfig(
  text: string,
  name = '<inline>',
  options: Omit<LoadConfigOptions, 'files' | 'sources'> = {},
): Config {
  return resolve(collect([parseYamlSource({ name, text })], options));
}
