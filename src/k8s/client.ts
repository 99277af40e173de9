/**
 * KubeClient: a small typed client for any kind, addressed by apiVersion/kind + namespace/name.
 * Objects go in and come out as the API server's JSON (see types.ts). Requests are throttled by a
 * QPS/burst token bucket (vCluster: 40/80 towards the host, 1000/2000 towards the virtual cluster).
 * Built from a kubeconfig (file or text) + context with client-node's KubeConfig; transport.ts does
 * the HTTP. Resource names come from API discovery, cached per apiVersion, refreshed on a miss.
 */
import { readFile } from 'node:fs/promises';
import { parseKubeconfig } from './kubeconfig.js';
import { kubeconfigDir, simpleServerConfig } from './server-config.js';
import { ErrorCode, VClusterError, isErrnoException } from '../lib/errors.js';
import { isConnectionError, isTransient, KubeApiError } from './errors.js';
import { realClock, type Clock } from '../lib/clock.js';
import { throttleFor, type Throttle } from './throttle.js';
import {
  transportFromConfig,
  transportFromKubeConfig,
  type HttpMethod,
  type HttpRequest,
  type Query,
  type Transport,
} from './transport.js';
import type { KubeObject, NewObject, ObjectKey, ResourceType, TypedObject, WatchEvent } from './types.js';

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

export interface ListOptions extends RequestOptions {
  /** Omitted for cluster-scoped kinds or to list across all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size; pages are fetched until the list is complete. @default 500 */
  readonly pageSize?: number;
  /** `'0'` lets the API server answer from its watch cache. */
  readonly resourceVersion?: string;
}

export interface ObjectList<T> {
  readonly items: T[];
  /** The list's resourceVersion: where a watch continues from. */
  readonly resourceVersion: string;
}

export interface WriteOptions extends RequestOptions {
  readonly fieldManager?: string;
  readonly dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  readonly type: PatchType;
  /** Patch the status subresource. */
  readonly subresource?: 'status';
  /** Server-side apply only. */
  readonly force?: boolean;
}

export interface RawGetOptions extends RequestOptions {
  /** Whole-request timeout. @default 60_000 */
  readonly timeoutMs?: number;
}

export interface DeleteOptions extends RequestOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Start after this resourceVersion (from a list). */
  readonly resourceVersion?: string;
  /** Server-side end of the watch. @default 300–600 s, random */
  readonly timeoutSeconds?: number;
  /** @default true */
  readonly allowWatchBookmarks?: boolean;
}

export interface KubeClient {
  get<T extends KubeObject = KubeObject>(
    type: ResourceType,
    key: ObjectKey,
    options?: RequestOptions,
  ): Promise<T>;
  list<T extends KubeObject = KubeObject>(type: ResourceType, options?: ListOptions): Promise<ObjectList<T>>;
  create<T extends NewObject>(obj: T, options?: WriteOptions): Promise<T>;
  /** PUT; the object's resourceVersion makes it conditional (409 Conflict when stale). */
  update<T extends TypedObject>(obj: T, options?: WriteOptions): Promise<T>;
  /** PUT on the status subresource. */
  updateStatus<T extends TypedObject>(obj: T, options?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    key: ObjectKey,
    patch: unknown,
    options: PatchOptions,
  ): Promise<T>;
  delete(type: ResourceType, key: ObjectKey, options?: DeleteOptions): Promise<void>;
  /**
   * POST to a subresource: `serviceaccounts/<name>/token` (TokenRequest), `pods/<name>/binding`,
   * `pods/<name>/eviction`. Returns the server's answer.
   */
  createSubresource<R = unknown>(
    type: ResourceType,
    key: ObjectKey,
    subresource: string,
    body: unknown,
    options?: WriteOptions,
  ): Promise<R>;
  /**
   * Watches until the server ends the stream (resolves) or `signal` aborts (resolves). A non-2xx
   * answer rejects with KubeApiError; an in-stream ERROR event is passed to `onEvent`.
   */
  watch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Whether a kind is namespaced (API discovery). */
  isNamespaced(type: ResourceType): Promise<boolean>;
  /**
   * GET of a non-resource path (`/readyz`, `/version`), as `kubectl get --raw`: the body as text; a
   * non-2xx answer rejects with KubeApiError.
   */
  getRaw(path: string, options?: RawGetOptions): Promise<string>;
}

/** A KubeClient that owns connections. */
export interface ClosableKubeClient extends KubeClient {
  /** Closes idle connections; in-flight requests finish. */
  close(): void;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface CreateKubeClientOptions {
  /** Requests per second; ≤ 0 or omitted means unlimited. */
  readonly qps?: number;
  /** @default ceil(qps) */
  readonly burst?: number;
  readonly clock?: Clock;
  /** Retries of GETs on connection errors and 429/5xx. @default 2 */
  readonly getRetries?: number;
}

/** A KubeClient over any Transport (a fake one in unit tests). */
export function createKubeClient(
  transport: Transport,
  options: CreateKubeClientOptions = {},
): ClosableKubeClient {
  return new HttpKubeClient(
    transport,
    throttleFor(options.qps, options.burst, options.clock),
    options.clock ?? realClock,
    options.getRetries ?? 2,
  );
}

export interface OpenKubeClientOptions extends CreateKubeClientOptions {
  /** Path of a kubeconfig file (or give `kubeconfig`). */
  readonly kubeconfigPath?: string;
  /** Kubeconfig YAML text. */
  readonly kubeconfig?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
  readonly userAgent?: string;
}

/**
 * Opens a client for a kubeconfig file or text and a context. Certificate and token users are read
 * directly; exec and auth-provider users go through client-node's KubeConfig, loaded only then (it
 * costs ~70 MiB of memory).
 */
export async function openKubeClient(options: OpenKubeClientOptions): Promise<ClosableKubeClient> {
  const where = options.kubeconfigPath ?? 'kubeconfig';
  let text: string;
  try {
    if (options.kubeconfig !== undefined) text = options.kubeconfig;
    else if (options.kubeconfigPath !== undefined) text = await readFile(options.kubeconfigPath, 'utf8');
    else throw new VClusterError('open kube client: give kubeconfigPath or kubeconfig', { code: ErrorCode.INTERNAL });
  } catch (err) {
    if (err instanceof VClusterError) throw err;
    if (isErrnoException(err) && err.code === 'ENOENT') {
      throw new VClusterError(`${where}: no such file`, { code: ErrorCode.NOT_FOUND, cause: err });
    }
    throw new VClusterError(`${where}: cannot read`, { code: ErrorCode.PRECONDITION, cause: err });
  }
  const transportOptions = options.userAgent ? { userAgent: options.userAgent } : {};
  let parsed;
  try {
    parsed = parseKubeconfig(text, where);
  } catch (err) {
    throw new VClusterError(`${where}: invalid kubeconfig`, { code: ErrorCode.PRECONDITION, cause: err });
  }
  const simple = simpleServerConfig(parsed, options.context, kubeconfigDir(options.kubeconfigPath), where);
  if (simple) return createKubeClient(transportFromConfig(simple, transportOptions), options);
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromString(text);
  kc.setCurrentContext(options.context ?? kc.getCurrentContext());
  return createKubeClient(await transportFromKubeConfig(kc, transportOptions), options);
}

const enc = encodeURIComponent;

function apiPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function parseJson<T>(body: string, what: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new VClusterError(`${what}: the server sent invalid JSON`, {
      code: ErrorCode.INTERNAL,
      cause: err,
    });
  }
}

class HttpKubeClient implements ClosableKubeClient {
  readonly #discovery = new Map<string, Promise<ApiResource[]>>();

  constructor(
    private readonly transport: Transport,
    private readonly throttle: Throttle,
    private readonly clock: Clock,
    private readonly getRetries: number,
  ) {}

  close(): void {
    this.transport.close();
  }

  // ---- discovery and paths ----

  async #resources(apiVersion: string, refresh: boolean): Promise<ApiResource[]> {
    let cached = this.#discovery.get(apiVersion);
    if (!cached || refresh) {
      cached = this.#send({ method: 'GET', path: apiPrefix(apiVersion) }).then((body) => {
        const list = parseJson<{ resources?: ApiResource[] }>(body, `discover ${apiVersion}`);
        return (list.resources ?? []).filter((r) => !r.name.includes('/'));
      });
      this.#discovery.set(apiVersion, cached);
      cached.catch(() => this.#discovery.delete(apiVersion));
    }
    return cached;
  }

  async #resource(type: ResourceType): Promise<ApiResource> {
    const find = (list: ApiResource[]): ApiResource | undefined => list.find((r) => r.kind === type.kind);
    let found: ApiResource | undefined;
    try {
      found =
        find(await this.#resources(type.apiVersion, false)) ??
        find(await this.#resources(type.apiVersion, true));
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) found = undefined;
      else throw err;
    }
    if (!found) {
      throw new VClusterError(`the server does not serve ${type.kind} in ${type.apiVersion}`, {
        code: ErrorCode.NOT_FOUND,
      });
    }
    return found;
  }

  async isNamespaced(type: ResourceType): Promise<boolean> {
    return (await this.#resource(type)).namespaced;
  }

  async getRaw(path: string, options: RawGetOptions = {}): Promise<string> {
    if (!path.startsWith('/')) {
      throw new VClusterError(`get raw ${JSON.stringify(path)}: the path must start with /`, { code: ErrorCode.USAGE });
    }
    return this.#send({
      method: 'GET',
      path,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...signalOf(options),
    });
  }

  async #path(
    type: ResourceType,
    namespace: string | undefined,
    name?: string,
    subresource?: string,
  ): Promise<string> {
    const resource = await this.#resource(type);
    let path = apiPrefix(type.apiVersion);
    if (resource.namespaced && namespace) path += `/namespaces/${enc(namespace)}`;
    else if (resource.namespaced && name !== undefined) {
      throw new VClusterError(`${type.kind} ${name}: a namespace is required`, { code: ErrorCode.USAGE });
    }
    path += `/${resource.name}`;
    if (name !== undefined) {
      if (name === '') throw new VClusterError(`${type.kind}: a name is required`, { code: ErrorCode.USAGE });
      path += `/${enc(name)}`;
    }
    if (subresource) path += `/${subresource}`;
    return path;
  }

  // ---- sending ----

  async #send(req: HttpRequest): Promise<string> {
    const retries = req.method === 'GET' ? this.getRetries : 0;
    for (let attempt = 0; ; attempt++) {
      await this.throttle.acquire(req.signal);
      try {
        return (await this.transport.request(req)).body;
      } catch (err) {
        if (attempt >= retries || req.signal?.aborted || !isTransient(err)) throw err;
        const retryAfter = err instanceof KubeApiError ? Number(err.status.details?.retryAfterSeconds) : NaN;
        const delay =
          Number.isFinite(retryAfter) && retryAfter > 0
            ? retryAfter * 1000
            : isConnectionError(err)
              ? 50
              : 200 * 2 ** attempt;
        await this.clock.sleep(delay, req.signal);
      }
    }
  }

  async #json<T>(req: HttpRequest): Promise<T> {
    return parseJson<T>(await this.#send(req), `${req.method} ${req.path}`);
  }

  // ---- verbs ----

  async get<T extends KubeObject = KubeObject>(
    type: ResourceType,
    key: ObjectKey,
    options: RequestOptions = {},
  ): Promise<T> {
    const path = await this.#path(type, key.namespace, key.name);
    return this.#json<T>({ method: 'GET', path, ...(options.signal ? { signal: options.signal } : {}) });
  }

  async list<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const path = await this.#path(type, options.namespace);
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query: Query = {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: options.pageSize ?? 500,
        continue: continueToken,
        // resourceVersion only applies to the first page
        resourceVersion: continueToken === undefined ? options.resourceVersion : undefined,
      };
      const page = await this.#json<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>({
        method: 'GET',
        path,
        query,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      for (const item of page.items ?? [])
        items.push({ ...item, apiVersion: type.apiVersion, kind: type.kind });
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken !== undefined);
    return { items, resourceVersion };
  }

  #writeQuery(options: WriteOptions): Query {
    return { fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined };
  }

  async create<T extends NewObject>(obj: T, options: WriteOptions = {}): Promise<T> {
    const path = await this.#path(obj, obj.metadata.namespace);
    return this.#json<T>({
      method: 'POST',
      path,
      body: obj,
      query: this.#writeQuery(options),
      ...signalOf(options),
    });
  }

  async update<T extends TypedObject>(obj: T, options: WriteOptions = {}): Promise<T> {
    const path = await this.#path(obj, obj.metadata.namespace, obj.metadata.name);
    return this.#json<T>({
      method: 'PUT',
      path,
      body: obj,
      query: this.#writeQuery(options),
      ...signalOf(options),
    });
  }

  async updateStatus<T extends TypedObject>(obj: T, options: WriteOptions = {}): Promise<T> {
    const path = await this.#path(obj, obj.metadata.namespace, obj.metadata.name, 'status');
    return this.#json<T>({
      method: 'PUT',
      path,
      body: obj,
      query: this.#writeQuery(options),
      ...signalOf(options),
    });
  }

  async patch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    key: ObjectKey,
    patch: unknown,
    options: PatchOptions,
  ): Promise<T> {
    const path = await this.#path(type, key.namespace, key.name, options.subresource);
    const query: Query = {
      ...this.#writeQuery(options),
      force: options.type === 'apply' ? options.force : undefined,
    };
    return this.#json<T>({
      method: 'PATCH',
      path,
      body: patch,
      contentType: PATCH_CONTENT_TYPES[options.type],
      query,
      ...signalOf(options),
    });
  }

  async delete(type: ResourceType, key: ObjectKey, options: DeleteOptions = {}): Promise<void> {
    const path = await this.#path(type, key.namespace, key.name);
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
      ...(options.dryRun ? { dryRun: ['All'] } : {}),
    };
    await this.#send({ method: 'DELETE', path, body, ...signalOf(options) });
  }

  async createSubresource<R = unknown>(
    type: ResourceType,
    key: ObjectKey,
    subresource: string,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<R> {
    const path = await this.#path(type, key.namespace, key.name, subresource);
    return this.#json<R>({
      method: 'POST',
      path,
      body,
      query: this.#writeQuery(options),
      ...signalOf(options),
    });
  }

  async watch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const path = await this.#path(type, options.namespace);
    await this.throttle.acquire(signal);
    const query: Query = {
      watch: 1,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ?? true,
      timeoutSeconds: options.timeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
    };
    await this.transport.stream({ method: 'GET', path, query, signal }, (line) => {
      const event = parseJson<{ type?: string; object?: unknown }>(line, `watch ${type.kind}`);
      if (!isWatchEventType(event.type) || typeof event.object !== 'object' || event.object === null) return;
      onEvent({ type: event.type, object: event.object } as WatchEvent<T>);
    });
  }
}

function isWatchEventType(t: unknown): t is WatchEvent<KubeObject>['type'] {
  return t === 'ADDED' || t === 'MODIFIED' || t === 'DELETED' || t === 'BOOKMARK' || t === 'ERROR';
}

function signalOf(options: RequestOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

export type { HttpMethod };
