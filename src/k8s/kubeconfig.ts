/**
 * Kubeconfig files as `vcluster connect / disconnect / delete` need them: pure functions over a
 * parsed kubeconfig (add/remove a context with its cluster and user, merge, current-context,
 * extract-and-rename one context) plus thin file I/O (read, atomic write with mode 0600).
 * Unknown fields (extensions, preferences, exec settings ...) are kept untouched, so rewriting a
 * user's ~/.kube/config loses nothing.
 */
import { mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { dirname, join, delimiter, basename, isAbsolute, resolve, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { ErrorCode, VClusterError, isErrnoException } from '../lib/errors.js';

const fields = () => z.looseObject({});
const NamedClusterSchema = z.looseObject({
  name: z.string(),
  cluster: z
    .looseObject({ server: z.string().optional() })
    .nullable()
    .transform((v) => v ?? {}),
});
const NamedUserSchema = z.looseObject({
  name: z.string(),
  user: fields()
    .nullable()
    .transform((v) => v ?? {}),
});
const NamedContextSchema = z.looseObject({
  name: z.string(),
  context: z.looseObject({
    cluster: z.string().default(''),
    user: z.string().default(''),
    namespace: z.string().optional(),
  }),
});
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const KubeconfigSchema = z.looseObject({
  apiVersion: z.string().default('v1'),
  kind: z.string().default('Config'),
  clusters: list(NamedClusterSchema),
  users: list(NamedUserSchema),
  contexts: list(NamedContextSchema),
  'current-context': z.string().optional(),
  preferences: z.looseObject({}).nullish(),
});

export type Kubeconfig = z.output<typeof KubeconfigSchema>;
export type NamedCluster = Kubeconfig['clusters'][number];
export type NamedUser = Kubeconfig['users'][number];
export type NamedContext = Kubeconfig['contexts'][number];
export type ClusterFields = NamedCluster['cluster'];
export type UserFields = NamedUser['user'];

export function emptyKubeconfig(): Kubeconfig {
  return { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], preferences: {} };
}

/** Parses kubeconfig YAML; empty text is an empty kubeconfig. `source` names it in errors. */
export function parseKubeconfig(text: string, source = 'kubeconfig'): Kubeconfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new VClusterError(`${source}: invalid kubeconfig YAML`, {
      code: ErrorCode.PRECONDITION,
      cause: err,
    });
  }
  if (raw === null || raw === undefined) return emptyKubeconfig();
  const result = KubeconfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue
      ? issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '')
      : '';
    throw new VClusterError(
      `${source}: invalid kubeconfig: ${where || '(root)'}: ${issue?.message ?? 'invalid'}`,
      { code: ErrorCode.PRECONDITION },
    );
  }
  return result.data;
}

export function stringifyKubeconfig(kc: Kubeconfig): string {
  return stringify(kc, { lineWidth: 0 });
}

/** The current context's name, or undefined when unset/empty. */
export function getCurrentContext(kc: Kubeconfig): string | undefined {
  return kc['current-context'] || undefined;
}

export function getContext(kc: Kubeconfig, name: string): NamedContext | undefined {
  return kc.contexts.find((c) => c.name === name);
}

export function getCluster(kc: Kubeconfig, name: string): NamedCluster | undefined {
  return kc.clusters.find((c) => c.name === name);
}

export function getUser(kc: Kubeconfig, name: string): NamedUser | undefined {
  return kc.users.find((u) => u.name === name);
}

/** The namespace of a context (default: the current one), if it sets one. */
export function contextNamespace(kc: Kubeconfig, name = getCurrentContext(kc)): string | undefined {
  return name === undefined ? undefined : getContext(kc, name)?.context.namespace || undefined;
}

/** Makes `name` current; it must exist. */
export function setCurrentContext(kc: Kubeconfig, name: string): Kubeconfig {
  if (!getContext(kc, name))
    throw new VClusterError(`kubeconfig has no context ${JSON.stringify(name)}`, {
      code: ErrorCode.NOT_FOUND,
    });
  return { ...kc, 'current-context': name };
}

export function unsetCurrentContext(kc: Kubeconfig): Kubeconfig {
  const next: Kubeconfig = { ...kc };
  delete next['current-context'];
  return next;
}

function upsert<T extends { name: string }>(items: readonly T[], item: T): T[] {
  const i = items.findIndex((x) => x.name === item.name);
  return i < 0 ? [...items, item] : items.map((x, j) => (j === i ? item : x));
}

export interface ContextEntry {
  /** The context's name; also the cluster's and user's unless given. */
  readonly name: string;
  readonly cluster: ClusterFields;
  readonly user: UserFields;
  readonly namespace?: string;
  readonly clusterName?: string;
  readonly userName?: string;
}

/** Adds (or replaces) a context together with its cluster and user. */
export function addContext(
  kc: Kubeconfig,
  entry: ContextEntry,
  options: { makeCurrent?: boolean } = {},
): Kubeconfig {
  const clusterName = entry.clusterName ?? entry.name;
  const userName = entry.userName ?? entry.name;
  const next: Kubeconfig = {
    ...kc,
    clusters: upsert(kc.clusters, { name: clusterName, cluster: entry.cluster }),
    users: upsert(kc.users, { name: userName, user: entry.user }),
    contexts: upsert(kc.contexts, {
      name: entry.name,
      context: {
        cluster: clusterName,
        user: userName,
        ...(entry.namespace ? { namespace: entry.namespace } : {}),
      },
    }),
  };
  return options.makeCurrent ? { ...next, 'current-context': entry.name } : next;
}

/**
 * Merges `other` into `base`: clusters, users and contexts of `other` replace same-named ones.
 * With `makeCurrent`, other's current-context becomes current.
 */
export function mergeKubeconfig(
  base: Kubeconfig,
  other: Kubeconfig,
  options: { makeCurrent?: boolean } = {},
): Kubeconfig {
  let next: Kubeconfig = { ...base };
  for (const c of other.clusters) next = { ...next, clusters: upsert(next.clusters, c) };
  for (const u of other.users) next = { ...next, users: upsert(next.users, u) };
  for (const c of other.contexts) next = { ...next, contexts: upsert(next.contexts, c) };
  const current = getCurrentContext(other);
  return options.makeCurrent && current ? { ...next, 'current-context': current } : next;
}

export interface RemoveContextOptions {
  /** Keep the cluster and user entries even when no other context uses them. */
  readonly keepClusterAndUser?: boolean;
  /** When the removed context was current, make this one current (else current-context is unset). */
  readonly fallbackContext?: string;
}

/** Removes a context, and its cluster and user when nothing else refers to them. No-op if absent. */
export function removeContext(kc: Kubeconfig, name: string, options: RemoveContextOptions = {}): Kubeconfig {
  const ctx = getContext(kc, name);
  if (!ctx) return kc;
  const contexts = kc.contexts.filter((c) => c.name !== name);
  let clusters = kc.clusters;
  let users = kc.users;
  if (!options.keepClusterAndUser) {
    if (!contexts.some((c) => c.context.cluster === ctx.context.cluster))
      clusters = clusters.filter((c) => c.name !== ctx.context.cluster);
    if (!contexts.some((c) => c.context.user === ctx.context.user))
      users = users.filter((u) => u.name !== ctx.context.user);
  }
  const next: Kubeconfig = { ...kc, clusters, users, contexts };
  if (getCurrentContext(kc) !== name) return next;
  if (options.fallbackContext && getContext(next, options.fallbackContext))
    return { ...next, 'current-context': options.fallbackContext };
  return unsetCurrentContext(next);
}

export interface ExtractOptions {
  /** @default the current context */
  readonly context?: string;
  /** New name for the context, its cluster and its user. */
  readonly rename?: string;
  /** Replace the cluster's server URL. */
  readonly server?: string;
  /** Set the context's namespace. */
  readonly namespace?: string;
}

/**
 * A kubeconfig holding only one context with its cluster and user, optionally renamed (as
 * `vcluster connect` does with the kubeconfig Secret: `vcluster_<name>_<ns>_<hostcontext>`).
 */
export function extractContext(kc: Kubeconfig, options: ExtractOptions = {}): Kubeconfig {
  const name = options.context ?? getCurrentContext(kc) ?? kc.contexts[0]?.name;
  const ctx = name === undefined ? undefined : getContext(kc, name);
  if (!ctx)
    throw new VClusterError(`kubeconfig has no context ${JSON.stringify(name ?? '')}`, {
      code: ErrorCode.NOT_FOUND,
    });
  const cluster = getCluster(kc, ctx.context.cluster);
  const user = getUser(kc, ctx.context.user);
  if (!cluster)
    throw new VClusterError(
      `kubeconfig context ${JSON.stringify(ctx.name)}: no cluster ${JSON.stringify(ctx.context.cluster)}`,
      { code: ErrorCode.NOT_FOUND },
    );
  if (!user)
    throw new VClusterError(
      `kubeconfig context ${JSON.stringify(ctx.name)}: no user ${JSON.stringify(ctx.context.user)}`,
      { code: ErrorCode.NOT_FOUND },
    );
  const newName = options.rename ?? ctx.name;
  const namespace = options.namespace ?? ctx.context.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        ...cluster,
        name: options.rename ?? cluster.name,
        cluster: { ...cluster.cluster, ...(options.server ? { server: options.server } : {}) },
      },
    ],
    users: [{ ...user, name: options.rename ?? user.name }],
    contexts: [
      {
        ...ctx,
        name: newName,
        context: {
          ...ctx.context,
          cluster: options.rename ?? cluster.name,
          user: options.rename ?? user.name,
          ...(namespace ? { namespace } : {}),
        },
      },
    ],
    'current-context': newName,
    preferences: {},
  };
}

export interface FlattenOptions {
  /** @default the current context */
  readonly context?: string;
  /** Where relative file paths start: the kubeconfig file's folder. */
  readonly baseDir: string;
  /** Reads a credential file (absolute path); throws when it cannot. */
  readonly readFile: (path: string) => Buffer;
}

const FILE_FIELDS = {
  cluster: [['certificate-authority', 'certificate-authority-data']],
  user: [
    ['client-certificate', 'client-certificate-data'],
    ['client-key', 'client-key-data'],
  ],
} as const;

/**
 * What `kubectl config view --minify --flatten --raw --context=X` prints, as a Kubeconfig: only the
 * context (made current), its cluster and its user, with every credential file inlined (certificate,
 * key and CA files read into the *-data fields as base64), so the result stands alone; a tokenFile is
 * kept as an absolute path, as kubectl keeps it. Relative paths start at `baseDir`, as do relative exec commands naming a file (`./bin/x`).
 * Top-level fields (preferences, extensions) are kept. Pure: files are read through `readFile`.
 */
export function flattenContext(kc: Kubeconfig, options: FlattenOptions): Kubeconfig {
  const name = options.context ?? getCurrentContext(kc);
  if (name === undefined) {
    throw new VClusterError('kubeconfig has no current context to flatten', { code: ErrorCode.NOT_FOUND });
  }
  const ctx = getContext(kc, name);
  if (!ctx) throw new VClusterError(`kubeconfig has no context ${JSON.stringify(name)}`, { code: ErrorCode.NOT_FOUND });
  const what = `kubeconfig context ${JSON.stringify(name)}`;
  const cluster = ctx.context.cluster ? getCluster(kc, ctx.context.cluster) : undefined;
  if (ctx.context.cluster && !cluster)
    throw new VClusterError(`${what}: no cluster ${JSON.stringify(ctx.context.cluster)}`, { code: ErrorCode.NOT_FOUND });
  const user = ctx.context.user ? getUser(kc, ctx.context.user) : undefined;
  if (ctx.context.user && !user)
    throw new VClusterError(`${what}: no user ${JSON.stringify(ctx.context.user)}`, { code: ErrorCode.NOT_FOUND });
  const absolute = (p: string): string => (isAbsolute(p) ? p : resolve(options.baseDir, p));
  const read = (owner: string, field: string, path: string): Buffer => {
    try {
      return options.readFile(absolute(path));
    } catch (err) {
      throw new VClusterError(`${owner}: ${field} ${absolute(path)}: cannot read`, { code: ErrorCode.PRECONDITION, cause: err });
    }
  };
  const inline = (owner: string, fields: Record<string, unknown>, pairs: readonly (readonly [string, string])[]): Record<string, unknown> => {
    const out = { ...fields };
    for (const [pathField, dataField] of pairs) {
      const path = out[pathField];
      if (typeof path !== 'string' || path === '') continue;
      if (typeof out[dataField] === 'string' && out[dataField] !== '') {
        throw new VClusterError(`${owner}: both ${pathField} and ${dataField} are set`, { code: ErrorCode.PRECONDITION });
      }
      out[dataField] = read(owner, pathField, path).toString('base64');
      delete out[pathField];
    }
    return out;
  };
  const flatUser = (u: NamedUser): NamedUser => {
    const owner = `kubeconfig user ${JSON.stringify(u.name)}`;
    const fields = inline(owner, u.user, FILE_FIELDS.user);
    // a tokenFile stays a file, made absolute, as kubectl keeps it: such tokens rotate (projected SA tokens)
    const tokenFile = fields.tokenFile;
    if (typeof tokenFile === 'string' && tokenFile !== '') fields.tokenFile = absolute(tokenFile);
    const exec = fields.exec;
    if (typeof exec === 'object' && exec !== null && !Array.isArray(exec)) {
      const command = (exec as Record<string, unknown>).command;
      if (typeof command === 'string' && command.includes(sep) && !isAbsolute(command)) {
        fields.exec = { ...exec, command: absolute(command) };
      }
    }
    return { ...u, user: fields };
  };
  return {
    ...kc,
    clusters: cluster
      ? [{ ...cluster, cluster: inline(`kubeconfig cluster ${JSON.stringify(cluster.name)}`, cluster.cluster, FILE_FIELDS.cluster) }]
      : [],
    users: user ? [flatUser(user)] : [],
    contexts: [ctx],
    'current-context': name,
  };
}

/** vCluster's context name for a connected vcluster. */
export function vclusterContextName(name: string, namespace: string, hostContext: string): string {
  return `vcluster_${name}_${namespace}_${hostContext}`;
}

/**
 * The parts of a vcluster context name, or undefined for any other context. Kubernetes names
 * have no `_`, so the host context is everything after the third `_`.
 */
export function parseVclusterContextName(
  context: string,
): { name: string; namespace: string; hostContext: string } | undefined {
  const m = /^vcluster_([^_]+)_([^_]+)_(.+)$/.exec(context);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { name: m[1], namespace: m[2], hostContext: m[3] };
}

// ---- file I/O ----

/** The kubeconfig path kubectl would write to: the first KUBECONFIG entry, else ~/.kube/config. */
export function defaultKubeconfigPath(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p !== '');
  return first ?? join(home, '.kube', 'config');
}

/** Reads a kubeconfig file; a missing file is an empty kubeconfig. */
export async function readKubeconfigFile(path: string): Promise<Kubeconfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return emptyKubeconfig();
    throw new VClusterError(`${path}: cannot read kubeconfig`, { code: ErrorCode.PRECONDITION, cause: err });
  }
  return parseKubeconfig(text, path);
}

/** Writes atomically (temp file + rename in the same directory), mode 0600. */
export async function writeKubeconfigFile(path: string, kc: Kubeconfig): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, stringifyKubeconfig(kc), { mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new VClusterError(`${path}: cannot write kubeconfig`, { code: ErrorCode.PRECONDITION, cause: err });
  }
}

/** Read → change → write. Returns what was written. */
export async function updateKubeconfigFile(
  path: string,
  change: (kc: Kubeconfig) => Kubeconfig,
): Promise<Kubeconfig> {
  const next = change(await readKubeconfigFile(path));
  await writeKubeconfigFile(path, next);
  return next;
}

/** A context entry for a client-certificate user, with everything inlined (base64 data fields). */
export function certificateContext(
  name: string,
  c: {
    readonly server: string;
    readonly caPem: string;
    readonly certPem: string;
    readonly keyPem: string;
    readonly namespace?: string;
    /** The name to verify the server's certificate against, when the server URL's host is not in it. */
    readonly tlsServerName?: string;
  },
): ContextEntry {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return {
    name,
    cluster: {
      server: c.server,
      'certificate-authority-data': b64(c.caPem),
      ...(c.tlsServerName ? { 'tls-server-name': c.tlsServerName } : {}),
    },
    user: { 'client-certificate-data': b64(c.certPem), 'client-key-data': b64(c.keyPem) },
    ...(c.namespace ? { namespace: c.namespace } : {}),
  };
}
