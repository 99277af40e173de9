/**
 * The helm CLI for tests only (helm.sh/helm/v4, pinned in test/go/helm, built once into
 * ~/.cache/vcluster-ts/helm/<hash>/helm), and the normalized form the chart drift test compares
 * chart output and `vcluster create`'s objects in.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './cli.js';

/** Builds helm when its cache is cold (minutes on 2 cores); returns the binary's path. */
export function buildHelm(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'test/go/helm/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 1_800_000,
  }).trim();
}

export const CHART_DIR = join(REPO_ROOT, 'chart');

export interface KubeObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly [field: string]: unknown;
}

/** The objects of a multi-document YAML stream (helm template's output), empty documents left out. */
export function parseStream(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is KubeObject => typeof o === 'object' && o !== null && 'kind' in o);
}

/** Secret keys whose content is made per install: the seed's PKI and state.json (`vcluster create` only). */
function perInstall(kind: string, name: string, key: string): boolean {
  return (
    kind === 'Secret' && name.startsWith('vc-seed-') && (key === 'state.json' || key.startsWith('pki__'))
  );
}

/** YAML-valued keys (the vcluster.yaml) compare as parsed values, not text: the two sides lay it out differently. */
const YAML_KEYS = new Set(['config.yaml', 'vcluster.yaml']);

/**
 * One object as the drift test compares it: JSON round-trip (undefined fields gone), no empty
 * namespace on cluster-scoped objects, Secret data and stringData folded into decoded `content`
 * (per-install seed keys dropped), vcluster.yaml texts parsed. Pure.
 */
export function normalize(obj: KubeObject): unknown {
  const o = JSON.parse(JSON.stringify(obj)) as Record<string, unknown> & {
    metadata: Record<string, unknown>;
  };
  if (o.metadata.namespace === '' || o.metadata.namespace === undefined) delete o.metadata.namespace;
  const content: Record<string, unknown> = {};
  const data = (o.data ?? {}) as Record<string, string>;
  const stringData = (o.stringData ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(data))
    content[k] = o.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  for (const [k, v] of Object.entries(stringData)) content[k] = v;
  if (o.data !== undefined || o.stringData !== undefined) {
    delete o.data;
    delete o.stringData;
    o.content = Object.fromEntries(
      Object.entries(content)
        .filter(([k]) => !perInstall(o.kind as string, o.metadata.name as string, k))
        .map(([k, v]) => [k, YAML_KEYS.has(k) ? (parse(String(v)) as unknown) : v]),
    );
  }
  return o;
}

/** `Kind/name` → normalized object. */
export function byKey(objects: readonly KubeObject[]): Map<string, unknown> {
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, normalize(o)]));
}
