/**
 * Validation of vcluster.yaml: zod's structural issues turned into path-named messages, plus the
 * cross-field rules zod cannot express (one backing store, switches vcluster-ts does not implement,
 * CIDR and DNS syntax, flag syntax). Pure: no I/O; load.ts adds sources and line numbers.
 */
import { isIP } from 'node:net';
import type { z } from 'zod';
import {
  DEFAULT_POD_CIDR,
  DEFAULT_PROXY,
  DEFAULT_SQLITE_DURABILITY,
  UNSUPPORTED_NESTED_KEYS,
  UNSUPPORTED_TOP_LEVEL_KEYS,
} from './defaults.js';
import { parseEndpoint, withoutPassword } from '../kine/config.js';
import { ConfigValidationError, type ConfigIssue, type PathSegment } from './errors.js';
import { ConfigSchema, type Config } from './schema.js';

type ZodIssue = z.core.$ZodIssue;

/** Describes a user-supplied value for a message: `"yes"`, `3`, `a mapping`, `a list`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return typeof value;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    default:
      return expected;
  }
}

function alternativesOf(issue: ZodIssue): string[] {
  switch (issue.code) {
    case 'invalid_type':
      return [describeExpected(issue.expected)];
    case 'invalid_value':
      return issue.values.map((v) => JSON.stringify(v));
    case 'invalid_union':
      return issue.errors.flatMap((branch) => (branch[0] ? alternativesOf(branch[0]) : []));
    default:
      return [];
  }
}

function segmentsOf(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, op: '<' | '>'): string {
  const limit = op === '>' ? issue.minimum : issue.maximum;
  return `must be ${op}${issue.inclusive ? '=' : ''} ${String(limit)}`;
}

/** A vCluster key that vcluster-ts deliberately leaves out (vs a typo). */
function isKnownUnsupported(parent: readonly PathSegment[], key: string): boolean {
  if (parent.length === 0) return UNSUPPORTED_TOP_LEVEL_KEYS.includes(key);
  if (parent.some((p) => typeof p === 'number')) return false;
  return UNSUPPORTED_NESTED_KEYS[parent.join('.')]?.includes(key) ?? false;
}

/** One zod issue → one or more ConfigIssues (an unrecognized_keys issue names several keys). */
export function fromZodIssue(issue: ZodIssue): ConfigIssue[] {
  const path = segmentsOf(issue.path);
  const got = (): string => describeValue(issue.input);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: isKnownUnsupported(path, key) ? 'not supported by vcluster-ts' : 'unknown key',
      }));
    case 'invalid_type':
      return [{ path, message: `expected ${describeExpected(issue.expected)}, got ${got()}` }];
    case 'invalid_value':
      return [
        {
          path,
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got()}`,
        },
      ];
    case 'invalid_union':
      return [
        { path, message: `expected ${[...new Set(alternativesOf(issue))].join(' or ')}, got ${got()}` },
      ];
    case 'too_small':
      return [{ path, message: `${bound(issue, '>')}, got ${got()}` }];
    case 'too_big':
      return [{ path, message: `${bound(issue, '<')}, got ${got()}` }];
    default:
      return [{ path, message: issue.message.toLowerCase() }];
  }
}

/** Structural validation against the schema: the defaulted config, or the issues. */
export function parseWithSchema(
  raw: unknown,
): { config: Config; issues: [] } | { config: undefined; issues: ConfigIssue[] } {
  const input = raw === null || raw === undefined ? {} : raw;
  const result = ConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return { config: result.data, issues: [] };
  return { config: undefined, issues: result.error.issues.flatMap(fromZodIssue) };
}

// ---- cross-field rules ----

const CIDR_HINT = 'expected a CIDR like 10.96.0.0/12';

/** `10.96.0.0/12`, `fd00::/108`, or a dual-stack pair joined by a comma. */
export function isCidrList(value: string): boolean {
  const parts = value.split(',');
  if (parts.length > 2) return false;
  return parts.every((part) => {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(part.trim());
    if (!m?.[1] || !m[2]) return false;
    const family = isIP(m[1]);
    const bits = Number(m[2]);
    return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An RFC 1123 subdomain such as `cluster.local`. */
export function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split('.').every((l) => DNS_LABEL.test(l));
}

function isHttpUrlList(value: string): boolean {
  return value.split(',').every((part) => {
    try {
      const url = new URL(part.trim());
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  });
}

const UNSUPPORTED_TO_HOST = [
  'storageClasses',
  'persistentVolumes',
] as const;
const UNSUPPORTED_FROM_HOST = ['csiDrivers', 'csiNodes', 'csiStorageCapacities'] as const;
const NOT_SUPPORTED = 'not supported by vcluster-ts';
/** A key vcluster-ts means to implement; until then any value but the default is refused. */
const NOT_SUPPORTED_YET = 'not supported yet';

function checkBackingStore(config: Config, issues: ConfigIssue[]): void {
  const store = config.controlPlane.backingStore;
  const base = ['controlPlane', 'backingStore'];
  if (store.etcd.embedded.enabled) {
    issues.push({
      path: [...base, 'etcd', 'embedded', 'enabled'],
      message: `${NOT_SUPPORTED} (use etcd.external)`,
    });
  }
  if (store.etcd.deploy.enabled) {
    issues.push({
      path: [...base, 'etcd', 'deploy', 'enabled'],
      message: `${NOT_SUPPORTED} (use etcd.external)`,
    });
  }
  const enabled = [
    store.database.embedded.enabled,
    store.database.external.enabled,
    store.etcd.external.enabled,
  ];
  if (enabled.filter(Boolean).length > 1) {
    issues.push({
      path: base,
      message: 'only one of database.embedded, database.external, etcd.external may be enabled',
    });
  }
  // PRAGMA synchronous belongs to the embedded SQLite database: another store would ignore it
  const embeddedInUse = store.database.embedded.enabled || !(store.database.external.enabled || store.etcd.external.enabled);
  if (!embeddedInUse && store.database.embedded.durability !== DEFAULT_SQLITE_DURABILITY) {
    issues.push({
      path: [...base, 'database', 'embedded', 'durability'],
      message: 'applies to the embedded SQLite database only, not to database.external or etcd.external',
    });
  }
  // the control plane's kine serves the store from this PostgreSQL database (kine's --endpoint)
  const external = store.database.external;
  if (external.enabled && external.dataSource === '') {
    issues.push({
      path: [...base, 'database', 'external', 'dataSource'],
      message: 'required when database.external is enabled (postgres://user[:password]@host[:port]/database)',
    });
  } else if (external.dataSource !== '' && !isPostgresDataSource(external.dataSource)) {
    issues.push({
      path: [...base, 'database', 'external', 'dataSource'],
      message: `expected a PostgreSQL URL like postgres://vcluster@db.example:5432/vcluster (the one external database kine supports), got ${describeValue(withoutPassword(external.dataSource))}`,
    });
  }
  const etcd = store.etcd.external;
  if (etcd.enabled && etcd.endpoint === '') {
    issues.push({
      path: [...base, 'etcd', 'external', 'endpoint'],
      message: 'required when etcd.external is enabled',
    });
  } else if (etcd.endpoint !== '' && !isHttpUrlList(etcd.endpoint)) {
    issues.push({
      path: [...base, 'etcd', 'external', 'endpoint'],
      message: `expected http(s) URLs like https://127.0.0.1:2379, got ${describeValue(etcd.endpoint)}`,
    });
  }
}

function isPostgresDataSource(v: string): boolean {
  try {
    return parseEndpoint(v, 'dataSource').kind === 'postgres';
  } catch {
    return false;
  }
}

function checkSync(config: Config, issues: ConfigIssue[]): void {
  for (const kind of UNSUPPORTED_TO_HOST) {
    if (config.sync.toHost[kind].enabled) {
      issues.push({ path: ['sync', 'toHost', kind, 'enabled'], message: NOT_SUPPORTED });
    }
  }
  for (const kind of UNSUPPORTED_FROM_HOST) {
    if (config.sync.fromHost[kind].enabled === true) {
      issues.push({ path: ['sync', 'fromHost', kind, 'enabled'], message: NOT_SUPPORTED });
    }
  }
  // as vCluster: a class is either the tenant's (synced to the host) or the host's (imported), not both
  if (config.sync.toHost.priorityClasses.enabled && config.sync.fromHost.priorityClasses.enabled) {
    issues.push({
      path: ['sync', 'fromHost', 'priorityClasses', 'enabled'],
      message: 'cannot sync priority classes to and from the host at the same time (sync.toHost.priorityClasses.enabled is true)',
    });
  }
  if (config.sync.fromHost.nodes.syncBackChanges) {
    issues.push({ path: ['sync', 'fromHost', 'nodes', 'syncBackChanges'], message: NOT_SUPPORTED_YET });
  }
  config.sync.toHost.pods.enforceTolerations.forEach((t, i) => {
    if (!/^[^=:\s]+(=[^=:\s]*)?(:(NoSchedule|PreferNoSchedule|NoExecute))?$/.test(t)) {
      issues.push({
        path: ['sync', 'toHost', 'pods', 'enforceTolerations', i],
        message: `expected key[=value][:Effect], got ${describeValue(t)}`,
      });
    }
  });
}

function checkControlPlane(config: Config, issues: ConfigIssue[]): void {
  // the local driver serves the virtual API on 127.0.0.1 at a port chosen by `vcluster create`
  const proxy = config.controlPlane.proxy;
  if (proxy.bindAddress !== DEFAULT_PROXY.bindAddress) {
    issues.push({ path: ['controlPlane', 'proxy', 'bindAddress'], message: NOT_SUPPORTED_YET });
  }
  if (proxy.port !== DEFAULT_PROXY.port) {
    issues.push({ path: ['controlPlane', 'proxy', 'port'], message: NOT_SUPPORTED_YET });
  }
  for (const component of ['apiServer', 'controllerManager'] as const) {
    config.controlPlane.distro.k8s[component].extraArgs.forEach((arg, i) => {
      if (!/^--[A-Za-z0-9][-A-Za-z0-9]*(=.*)?$/.test(arg)) {
        issues.push({
          path: ['controlPlane', 'distro', 'k8s', component, 'extraArgs', i],
          message: `expected a flag like --name=value, got ${describeValue(arg)}`,
        });
      }
    });
  }
}

function checkNetworking(config: Config, issues: ConfigIssue[]): void {
  const net = config.networking;
  if (!isCidrList(net.podCIDR)) {
    issues.push({
      path: ['networking', 'podCIDR'],
      message: `${CIDR_HINT}, got ${describeValue(net.podCIDR)}`,
    });
  } else if (net.podCIDR !== DEFAULT_POD_CIDR) {
    // synced pods take the host's pod IPs; nothing in the virtual cluster allocates from it
    issues.push({ path: ['networking', 'podCIDR'], message: NOT_SUPPORTED_YET });
  }
  if (net.serviceCIDR !== '' && !isCidrList(net.serviceCIDR)) {
    issues.push({
      path: ['networking', 'serviceCIDR'],
      message: `${CIDR_HINT}, got ${describeValue(net.serviceCIDR)}`,
    });
  }
  if (config.serviceCIDR !== undefined && config.serviceCIDR !== '') {
    if (net.serviceCIDR !== '' && net.serviceCIDR !== config.serviceCIDR) {
      issues.push({
        path: ['serviceCIDR'],
        message: 'conflicts with networking.serviceCIDR (use only networking.serviceCIDR)',
      });
    } else if (!isCidrList(config.serviceCIDR)) {
      issues.push({
        path: ['serviceCIDR'],
        message: `${CIDR_HINT}, got ${describeValue(config.serviceCIDR)}`,
      });
    }
  }
  if (!isDnsSubdomain(net.advanced.clusterDomain)) {
    issues.push({
      path: ['networking', 'advanced', 'clusterDomain'],
      message: `expected a DNS name like cluster.local, got ${describeValue(net.advanced.clusterDomain)}`,
    });
  }
}

/** A Kubernetes resource quantity, non-negative: `10`, `0.5`, `100m`, `20Gi`, `1e3`. */
export function isQuantity(value: string | number): boolean {
  const text = typeof value === 'number' ? String(value) : value;
  return /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.test(text);
}

function checkPolicies(config: Config, issues: ConfigIssue[]): void {
  const p = config.policies;
  const maps: [readonly string[], Readonly<Record<string, string | number>>][] = [
    [['resourceQuota', 'quota'], p.resourceQuota.quota],
    [['limitRange', 'default'], p.limitRange.default],
    [['limitRange', 'defaultRequest'], p.limitRange.defaultRequest],
    [['limitRange', 'min'], p.limitRange.min],
    [['limitRange', 'max'], p.limitRange.max],
  ];
  for (const [path, values] of maps) {
    for (const [resource, value] of Object.entries(values)) {
      if (!isQuantity(value)) {
        issues.push({
          path: ['policies', ...path, resource],
          message: `expected a quantity like 100m, 1 or 20Gi, got ${describeValue(value)}`,
        });
      }
    }
  }
}

function checkOther(config: Config, issues: ConfigIssue[]): void {
  // `vcluster connect` writes the kubeconfig; exporting one under other names is not built yet
  const exported = config.exportKubeConfig;
  const server = exported.server;
  if (server !== '' && !/^https:\/\/[^/\s]+/.test(server)) {
    issues.push({
      path: ['exportKubeConfig', 'server'],
      message: `expected an https:// URL, got ${describeValue(server)}`,
    });
  } else if (server !== '') {
    issues.push({ path: ['exportKubeConfig', 'server'], message: NOT_SUPPORTED_YET });
  }
  if (exported.context !== '') issues.push({ path: ['exportKubeConfig', 'context'], message: NOT_SUPPORTED_YET });
  if (exported.insecure) issues.push({ path: ['exportKubeConfig', 'insecure'], message: NOT_SUPPORTED_YET });
  if (config.experimental.syncSettings.setOwner) {
    // host objects are found and removed by their labels; owner references to the Service are not set
    issues.push({ path: ['experimental', 'syncSettings', 'setOwner'], message: NOT_SUPPORTED_YET });
  }
}

/** The rules across fields of an already structurally valid config. */
export function checkConfig(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkSync(config, issues);
  checkControlPlane(config, issues);
  checkBackingStore(config, issues);
  checkNetworking(config, issues);
  checkPolicies(config, issues);
  checkOther(config, issues);
  return issues;
}

/** Folds legacy spellings into their current place (top-level serviceCIDR → networking.serviceCIDR). */
export function normalizeConfig(config: Config): Config {
  const { serviceCIDR, ...rest } = config;
  if (serviceCIDR === undefined) return config;
  return {
    ...rest,
    networking: { ...rest.networking, serviceCIDR: rest.networking.serviceCIDR || serviceCIDR },
  };
}

/**
 * Validates a parsed vcluster.yaml (`unknown` from YAML or JSON) and returns the defaulted,
 * normalized config. Throws ConfigValidationError naming every problem; `locate` adds the source
 * and line of a path (load.ts passes one built from the YAML documents).
 */
export function validateConfig(
  raw: unknown,
  locate: (path: readonly PathSegment[]) => { source?: string; line?: number } = () => ({}),
): Config {
  const parsed = parseWithSchema(raw);
  const issues = parsed.config ? checkConfig(parsed.config) : parsed.issues;
  if (issues.length > 0) {
    throw new ConfigValidationError(issues.map((issue) => ({ ...issue, ...locate(issue.path) })));
  }
  // parsed.config is defined here: no issues means the schema accepted it.
  return normalizeConfig(parsed.config as Config);
}
