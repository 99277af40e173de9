/**
 * An in-memory KubeClient for unit tests (controller-runtime's client/fake in miniature): one
 * resourceVersion counter, uids, generateName, optimistic concurrency (409 Conflict on a stale
 * resourceVersion), AlreadyExists / NotFound with the API server's messages, status kept apart
 * from the spec for kinds with a status subresource, finalizers delaying deletion, label and
 * field selectors, watches (with replay from a resourceVersion), a log of every request, and an
 * injection point for errors. Approximations: a strategic merge patch merges lists of objects by
 * their `name` (by `type` for `conditions`) and is otherwise a JSON merge patch; JSON patch and
 * server-side apply are not supported.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, VClusterError } from '../lib/errors.js';
import { toJson } from '../lib/json.js';
import { applyMergePatch } from '../lib/merge-patch.js';
import type {
  ClosableKubeClient,
  DeleteOptions,
  ListOptions,
  ObjectList,
  PatchOptions,
  RawGetOptions,
  WatchOptions,
  WriteOptions,
} from './client.js';
import { KubeApiError } from './errors.js';
import {
  keyOf,
  type KubeObject,
  type KubeStatus,
  type NewObject,
  type ObjectKey,
  type ResourceType,
  type TypedObject,
  type WatchEvent,
} from './types.js';

const CLUSTER_SCOPED = new Set([
  'v1/Node',
  'v1/Namespace',
  'v1/PersistentVolume',
  'storage.k8s.io/v1/StorageClass',
  'scheduling.k8s.io/v1/PriorityClass',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'node.k8s.io/v1/RuntimeClass',
  'networking.k8s.io/v1/IngressClass',
]);
const WITH_STATUS = new Set([
  'Pod',
  'Service',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Node',
  'Namespace',
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ResourceQuota',
  'Ingress',
  'PodDisruptionBudget',
]);

export type FakeVerb =
  'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'watch' | 'createSubresource' | 'getRaw';

export interface FakeAction {
  readonly verb: FakeVerb;
  /** '' for getRaw. */
  readonly kind: string;
  readonly namespace?: string;
  /** The path for getRaw. */
  readonly name?: string;
}

export interface FakeKubeClientOptions {
  /** Objects present from the start (they get uids and resourceVersions). */
  readonly objects?: readonly TypedObject[];
  /** Extra cluster-scoped kinds (`apiVersion/Kind`). */
  readonly clusterScoped?: readonly string[];
  /** Called before each request; return an Error to make the request fail with it. */
  readonly inject?: (action: FakeAction) => Error | undefined;
  /** RFC 3339 time for creationTimestamp/deletionTimestamp. @default now */
  readonly now?: () => string;
  /** getRaw's answers by path (others are 404). @default `ok` for /readyz, /livez and /healthz */
  readonly raw?: Readonly<Record<string, string>>;
}

const HEALTH_ANSWERS: Readonly<Record<string, string>> = { '/readyz': 'ok', '/livez': 'ok', '/healthz': 'ok' };

type Obj = KubeObject & Record<string, unknown>;
type Meta = NonNullable<KubeObject['metadata']>;

interface Watcher {
  readonly type: string;
  readonly options: WatchOptions;
  readonly onEvent: (e: WatchEvent<KubeObject>) => void;
}

const clone = <T>(v: T): T => structuredClone(v);
const typeKey = (t: ResourceType): string => `${t.apiVersion}/${t.kind}`;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `pods`, `endpoints`, `ingresses`, `networkpolicies`: the resource name in messages. */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return k === 'endpoints' ? k : `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** A failed request as kube-apiserver answers it (a Status object in a KubeApiError). */
export function statusError(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeApiError {
  return new KubeApiError(code, {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message,
    ...(details ? { details } : {}),
  });
}

// ---- selectors ----

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector (`a=b,c!=d,e,!f,g in (x,y),h notin (z)`). */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts = selector.match(/(?:[^,(]+(?:\([^)]*\))?)+/g) ?? [];
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((part): Requirement => {
      let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
      if (m?.[1] && m[2] && m[3] !== undefined) {
        const key = m[1];
        const values = new Set(m[3].split(',').map((v) => v.trim()));
        return m[2] === 'in'
          ? (l) => l[key] !== undefined && values.has(l[key])
          : (l) => l[key] === undefined || !values.has(l[key]);
      }
      m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
      if (m?.[1] && m[2]) {
        const [key, op, value] = [m[1], m[2], m[3] ?? ''];
        return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
      }
      if (part.startsWith('!')) return (l) => l[part.slice(1)] === undefined;
      if (/^\S+$/.test(part)) return (l) => l[part] !== undefined;
      throw new VClusterError(`invalid label selector ${JSON.stringify(selector)}`, {
        code: ErrorCode.USAGE,
      });
    });
}

function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const seg of path.split('.')) cur = isRecord(cur) ? cur[seg] : undefined;
  return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean'
    ? String(cur)
    : undefined;
}

function matchesFields(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((part) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (!m?.[1] || !m[2])
      throw new VClusterError(`invalid field selector ${JSON.stringify(selector)}`, {
        code: ErrorCode.USAGE,
      });
    const value = fieldValue(obj, m[1]) ?? '';
    return m[2] === '!=' ? value !== m[3] : value === m[3];
  });
}

function matches(
  obj: KubeObject,
  options: { namespace?: string; labelSelector?: string; fieldSelector?: string },
): boolean {
  if (options.namespace && obj.metadata?.namespace !== options.namespace) return false;
  const labels = obj.metadata?.labels ?? {};
  if (options.labelSelector && !parseLabelSelector(options.labelSelector).every((r) => r(labels)))
    return false;
  return matchesFields(obj, options.fieldSelector);
}

// ---- patches ----

function mergeKeyFor(field: string): string {
  return field === 'conditions' ? 'type' : field === 'ownerReferences' ? 'uid' : 'name';
}

/** A strategic merge patch, approximated: lists of objects merge by their merge key. */
export function strategicPatch(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch) && Array.isArray(target)) {
    const key = mergeKeyFor(field);
    const keyed = (a: unknown[]): boolean =>
      a.length > 0 && a.every((x) => isRecord(x) && typeof x[key] === 'string');
    if (!keyed(patch) || !keyed(target)) return clone(patch);
    const out: unknown[] = (target as unknown[]).map((x) => clone(x));
    for (const item of patch as Record<string, unknown>[]) {
      const i = out.findIndex((x) => (x as Record<string, unknown>)[key] === item[key]);
      if (i < 0) out.push(clone(item));
      else out[i] = strategicPatch(out[i], item);
    }
    return out;
  }
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = strategicPatch(out[k], v, k);
  }
  return out;
}

export class FakeKubeClient implements ClosableKubeClient {
  readonly #objects = new Map<string, Map<string, Obj>>();
  readonly #watchers = new Set<Watcher>();
  readonly #history: { rv: number; type: string; event: WatchEvent<KubeObject> }[] = [];
  readonly #clusterScoped: Set<string>;
  readonly #inject: FakeKubeClientOptions['inject'];
  readonly #now: () => string;
  readonly #raw: Readonly<Record<string, string>>;
  #rv = 0;
  /** Every request, in order. */
  readonly actions: FakeAction[] = [];

  constructor(options: FakeKubeClientOptions = {}) {
    this.#clusterScoped = new Set([...CLUSTER_SCOPED, ...(options.clusterScoped ?? [])]);
    this.#inject = options.inject;
    this.#now = options.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    this.#raw = options.raw ?? HEALTH_ANSWERS;
    for (const obj of options.objects ?? []) this.#insert(obj);
    this.actions.length = 0;
  }

  /** The current resourceVersion. */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** Writes (create/update/patch/delete ...) recorded so far. */
  writes(): FakeAction[] {
    return this.actions.filter((a) => !['get', 'list', 'watch', 'getRaw'].includes(a.verb));
  }

  /** A copy of a stored object without recording an action, or undefined. */
  peek<T extends KubeObject = KubeObject>(type: ResourceType, key: ObjectKey): T | undefined {
    const obj = this.#table(type).get(this.#key(type, key));
    return obj ? (clone(obj) as T) : undefined;
  }

  close(): void {
    this.#watchers.clear();
  }

  isNamespaced(type: ResourceType): Promise<boolean> {
    return Promise.resolve(!this.#clusterScoped.has(typeKey(type)));
  }

  getRaw(path: string, _options: RawGetOptions = {}): Promise<string> {
    return this.#run(() => {
      const action: FakeAction = { verb: 'getRaw', kind: '', name: path };
      this.actions.push(action);
      const err = this.#inject?.(action);
      if (err) throw err;
      const answer = Object.hasOwn(this.#raw, path) ? this.#raw[path] : undefined;
      if (answer === undefined) throw statusError(404, 'NotFound', 'the server could not find the requested resource');
      return answer;
    });
  }

  #namespaced(type: ResourceType): boolean {
    return !this.#clusterScoped.has(typeKey(type));
  }

  #key(type: ResourceType, key: ObjectKey): string {
    return keyOf(this.#namespaced(type) ? key : { name: key.name });
  }

  #table(type: ResourceType): Map<string, Obj> {
    let t = this.#objects.get(typeKey(type));
    if (!t) this.#objects.set(typeKey(type), (t = new Map<string, Obj>()));
    return t;
  }

  #record(verb: FakeVerb, type: ResourceType, key?: Partial<ObjectKey>): void {
    const action: FakeAction = {
      verb,
      kind: type.kind,
      ...(key?.namespace && this.#namespaced(type) ? { namespace: key.namespace } : {}),
      ...(key?.name ? { name: key.name } : {}),
    };
    this.actions.push(action);
    const err = this.#inject?.(action);
    if (err) throw err;
  }

  #notFound(type: ResourceType, name: string): KubeApiError {
    return statusError(404, 'NotFound', `${pluralOf(type.kind)} "${name}" not found`, {
      name,
      kind: pluralOf(type.kind),
    });
  }

  #emit(type: ResourceType, eventType: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj): void {
    const event = { type: eventType, object: clone(obj) } as WatchEvent<KubeObject>;
    this.#history.push({ rv: this.#rv, type: typeKey(type), event });
    if (this.#history.length > 10_000) this.#history.shift();
    for (const w of this.#watchers) {
      if (w.type === typeKey(type) && matches(obj, w.options)) w.onEvent(clone(event));
    }
  }

  #insert(input: NewObject): Obj {
    const type = { apiVersion: input.apiVersion, kind: input.kind };
    const obj = clone(input) as Obj & { metadata: Meta };
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomUUID().slice(0, 5)}`;
    if (!meta.name)
      throw statusError(
        422,
        'Invalid',
        `${type.kind} "": metadata.name: Required value: name or generateName is required`,
      );
    if (this.#namespaced(type) && !meta.namespace)
      throw statusError(422, 'Invalid', `${type.kind} "${meta.name}": metadata.namespace: Required value`);
    if (!this.#namespaced(type)) delete meta.namespace;
    const table = this.#table(type);
    const key = this.#key(type, {
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
    });
    if (table.has(key))
      throw statusError(409, 'AlreadyExists', `${pluralOf(type.kind)} "${meta.name}" already exists`, {
        name: meta.name,
        kind: pluralOf(type.kind),
      });
    meta.uid = randomUUID();
    meta.resourceVersion = String(++this.#rv);
    meta.creationTimestamp = this.#now();
    meta.generation = 1;
    table.set(key, obj);
    this.#emit(type, 'ADDED', obj);
    return obj;
  }

  #replace(type: ResourceType, key: string, next: Obj): Obj {
    (next.metadata as Meta).resourceVersion = String(++this.#rv);
    const meta = next.metadata as Meta;
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0) {
      this.#table(type).delete(key);
      this.#emit(type, 'DELETED', next);
    } else {
      this.#table(type).set(key, next);
      this.#emit(type, 'MODIFIED', next);
    }
    return next;
  }

  #existing(type: ResourceType, key: ObjectKey): { key: string; obj: Obj } {
    const k = this.#key(type, key);
    const obj = this.#table(type).get(k);
    if (!obj) throw this.#notFound(type, key.name);
    return { key: k, obj };
  }

  #checkVersion(type: ResourceType, stored: Obj, incoming: KubeObject): void {
    const want = incoming.metadata?.resourceVersion;
    if (want && want !== stored.metadata?.resourceVersion) {
      const name = stored.metadata?.name ?? '';
      throw statusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${pluralOf(type.kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        {
          name,
          kind: pluralOf(type.kind),
        },
      );
    }
  }

  get<T extends KubeObject = KubeObject>(type: ResourceType, key: ObjectKey): Promise<T> {
    return this.#run(() => {
      this.#record('get', type, key);
      return clone(this.#existing(type, key).obj) as T;
    });
  }

  list<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    return this.#run(() => {
      this.#record('list', type, options.namespace ? { namespace: options.namespace } : {});
      const items = [...this.#table(type).values()]
        .filter((o) => matches(o, options))
        .map((o) => clone(o) as T);
      return { items, resourceVersion: String(this.#rv) };
    });
  }

  create<T extends NewObject>(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#run(() => {
      this.#record('create', obj, obj.metadata);
      if (options.dryRun) return clone(obj);
      return clone(this.#insert(obj)) as T;
    });
  }

  update<T extends TypedObject>(obj: T): Promise<T> {
    return this.#run(() => {
      this.#record('update', obj, obj.metadata);
      const { key, obj: stored } = this.#existing(obj, obj.metadata);
      this.#checkVersion(obj, stored, obj);
      const next = clone(obj) as Obj & { metadata: Meta };
      next.metadata = {
        ...next.metadata,
        uid: stored.metadata?.uid,
        creationTimestamp: stored.metadata?.creationTimestamp,
        generation: stored.metadata?.generation,
      };
      if (stored.metadata?.deletionTimestamp)
        next.metadata.deletionTimestamp = stored.metadata.deletionTimestamp;
      if (WITH_STATUS.has(obj.kind)) {
        if ('status' in stored) next.status = clone(stored.status);
        else delete next.status;
      }
      return clone(this.#replace(obj, key, next)) as T;
    });
  }

  updateStatus<T extends TypedObject>(obj: T): Promise<T> {
    return this.#run(() => {
      this.#record('updateStatus', obj, obj.metadata);
      const { key, obj: stored } = this.#existing(obj, obj.metadata);
      this.#checkVersion(obj, stored, obj);
      const next = clone(stored);
      next.status = clone((obj as unknown as Obj).status);
      return clone(this.#replace(obj, key, next)) as T;
    });
  }

  patch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    key: ObjectKey,
    patch: unknown,
    options: PatchOptions,
  ): Promise<T> {
    return this.#run(() => {
      this.#record('patch', type, key);
      if (options.type === 'json' || options.type === 'apply') {
        throw new VClusterError(`fake client: ${options.type} patches are not supported`, {
          code: ErrorCode.INTERNAL,
        });
      }
      const { key: k, obj: stored } = this.#existing(type, key);
      if (isRecord(patch) && isRecord(patch.metadata)) this.#checkVersion(type, stored, patch);
      let next = (
        options.type === 'merge' ? applyMergePatch(stored, toJson(patch)) : strategicPatch(stored, patch)
      ) as Obj & { metadata: Meta };
      if (options.subresource === 'status')
        next = { ...clone(stored), status: next.status } as Obj & { metadata: Meta };
      else if (WITH_STATUS.has(type.kind)) next = { ...next, status: clone(stored.status) };
      if (next.status === undefined) delete next.status;
      next.metadata = {
        ...next.metadata,
        uid: stored.metadata?.uid,
        name: stored.metadata?.name,
        namespace: stored.metadata?.namespace,
      };
      if (next.metadata.namespace === undefined) delete next.metadata.namespace;
      return clone(this.#replace(type, k, next)) as T;
    });
  }

  delete(type: ResourceType, key: ObjectKey, options: DeleteOptions = {}): Promise<void> {
    return this.#run(() => {
      this.#record('delete', type, key);
      const { key: k, obj } = this.#existing(type, key);
      const pre = options.preconditions;
      if (
        (pre?.uid && pre.uid !== obj.metadata?.uid) ||
        (pre?.resourceVersion && pre.resourceVersion !== obj.metadata?.resourceVersion)
      ) {
        throw statusError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${pluralOf(type.kind)} "${key.name}": precondition failed`,
        );
      }
      if (options.dryRun) return;
      if ((obj.metadata?.finalizers ?? []).length > 0) {
        if (!obj.metadata?.deletionTimestamp) {
          const next = clone(obj);
          (next.metadata as Meta).deletionTimestamp = this.#now();
          this.#replace(type, k, next);
        }
        return;
      }
      this.#table(type).delete(k);
      ++this.#rv;
      const gone = clone(obj);
      (gone.metadata as Meta).resourceVersion = String(this.#rv);
      this.#emit(type, 'DELETED', gone);
    });
  }

  createSubresource<R = unknown>(
    type: ResourceType,
    key: ObjectKey,
    subresource: string,
    body: unknown,
  ): Promise<R> {
    return this.#run(() => {
      this.#record('createSubresource', type, key);
      const { key: k, obj } = this.#existing(type, key);
      if (type.kind === 'Pod' && subresource === 'binding') {
        const node = isRecord(body) && isRecord(body.target) ? body.target.name : undefined;
        const next = clone(obj);
        next.spec = { ...(isRecord(next.spec) ? next.spec : {}), nodeName: node };
        this.#replace(type, k, next);
        return { kind: 'Status', status: 'Success', code: 201 } as R;
      }
      if (type.kind === 'ServiceAccount' && subresource === 'token') {
        const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
        return {
          ...(isRecord(body) ? body : {}),
          status: {
            token: `fake-token-${key.namespace ?? ''}-${key.name}`,
            expirationTimestamp: this.#now(),
          },
          spec,
        } as R;
      }
      throw new VClusterError(`fake client: subresource ${type.kind}/${subresource} is not supported`, {
        code: ErrorCode.INTERNAL,
      });
    });
  }

  /** Replays history after `resourceVersion`, then streams until `signal` aborts. */
  async watch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    await this.#run(() =>
      this.#record('watch', type, options.namespace ? { namespace: options.namespace } : {}),
    );
    const from = Number(options.resourceVersion ?? this.#rv);
    const oldest = this.#history[0]?.rv ?? this.#rv + 1;
    if (from > 0 && from + 1 < oldest)
      throw statusError(410, 'Expired', `too old resource version: ${from} (${oldest - 1})`);
    const watcher: Watcher = {
      type: typeKey(type),
      options,
      onEvent: onEvent as (e: WatchEvent<KubeObject>) => void,
    };
    for (const h of this.#history) {
      if (
        h.rv > from &&
        h.type === watcher.type &&
        h.event.type !== 'ERROR' &&
        matches(h.event.object, options)
      )
        watcher.onEvent(clone(h.event));
    }
    if (signal.aborted) return;
    this.#watchers.add(watcher);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.#watchers.delete(watcher);
  }

  /** Runs synchronously but answers asynchronously, like a real client. */
  #run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
